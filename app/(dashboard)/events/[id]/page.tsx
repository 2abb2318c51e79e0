import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requireUser } from "@/lib/auth/current-user";
import { listDeliveries } from "@/lib/deliveries/queries";
import { getEvent } from "@/lib/events/queries";
import { formatTime } from "@/components/format";
import { DeliveryLog } from "@/components/deliveries/delivery-log";
import { JsonBlock } from "@/components/json-block";

export const metadata: Metadata = { title: "Event" };

export default async function EventPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const event = await getEvent(user.id, (await params).id);
  if (!event) notFound();
  const deliveries = await listDeliveries(user.id, { eventId: event.id });
  return (
    <div className="space-y-8">
      <div>
        <Link href="/events" className="text-sm text-indigo-700 underline">
          ← Events
        </Link>
        <h1 className="mt-2 text-2xl font-semibold tracking-tight">{event.type}</h1>
        <p className="mt-1 font-mono text-sm text-slate-600">
          {event.id} · {formatTime(event.createdAt)}
        </p>
        {event.orderingKey !== undefined && (
          <dl className="mt-2 flex flex-wrap gap-x-2 text-sm">
            <dt className="text-slate-500">Ordering key</dt>
            <dd className="break-all font-mono">{event.orderingKey}</dd>
          </dl>
        )}
      </div>
      <section aria-labelledby="payload-heading" className="space-y-2">
        <h2 id="payload-heading" className="text-lg font-semibold">
          Data
        </h2>
        <JsonBlock value={event.data} />
      </section>
      <section aria-labelledby="fanout-heading" className="space-y-3">
        <h2 id="fanout-heading" className="text-lg font-semibold">
          Deliveries
        </h2>
        <DeliveryLog filter={{ eventId: event.id }} initial={deliveries} emptyText="No endpoint subscribed to this event type when it was sent." />
      </section>
    </div>
  );
}
