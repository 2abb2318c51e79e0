import type { Metadata } from "next";
import { DeliveryLog } from "@/components/deliveries/delivery-log";
import { listDeliveries } from "@/lib/deliveries/queries";
import { requirePortalSession } from "@/lib/portal/current-session";
import { pageQuerySchema } from "@/lib/validations/delivery";

export const metadata: Metadata = { title: "Deliveries" };

/** Every delivery to the consumer's endpoints, newest first, refreshing itself. */
export default async function PortalDeliveriesPage({
  params,
  searchParams,
}: {
  params: Promise<{ token: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const session = await requirePortalSession((await params).token);
  const cursorParam = (await searchParams).cursor;
  const cursor = pageQuerySchema.shape.cursor.safeParse(Array.isArray(cursorParam) ? cursorParam[0] : cursorParam).data || undefined;
  const deliveries = await listDeliveries(session.userId, { consumer: session.consumer.uid, cursor });
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Deliveries</h1>
        <p className="mt-1 text-sm text-slate-600">Every webhook sent to your endpoints, with each attempt. Open one to see it or send it again.</p>
      </div>
      <DeliveryLog filter={{ cursor }} initial={deliveries} base={`/portal/${session.token}`} emptyText="No webhooks sent to your endpoints yet." />
    </div>
  );
}
