import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { DeliveryDetailView } from "@/components/deliveries/delivery-detail";
import { getDelivery } from "@/lib/deliveries/queries";
import { requirePortalSession } from "@/lib/portal/current-session";
import { portalDeliveryEndpoint } from "@/lib/portal/queries";
import { attemptsBeforeParam } from "@/lib/validations/delivery";
import { retryDeliveryPortalAction } from "../../actions";

export const metadata: Metadata = { title: "Delivery" };

export default async function PortalDeliveryPage({
  params,
  searchParams,
}: {
  params: Promise<{ token: string; id: string }>;
  searchParams: Promise<{ before?: string | string[] }>;
}) {
  const { token, id } = await params;
  const before = attemptsBeforeParam((await searchParams).before);
  const session = await requirePortalSession(token);
  // A delivery to any endpoint but the consumer's own is as absent as one that never existed.
  if (!(await portalDeliveryEndpoint(session, id))) notFound();
  const delivery = await getDelivery(session.userId, id, { before });
  if (!delivery) notFound();
  return <DeliveryDetailView delivery={delivery} base={`/portal/${session.token}`} retry={retryDeliveryPortalAction.bind(null, session.token)} latest={before === undefined} />;
}
