import Link from "next/link";
import type { ReactNode } from "react";
import type { EventLogRow } from "@/lib/events/queries";
import { formatTime } from "@/components/format";

type EventRow = Pick<EventLogRow, "id" | "type" | "deliveries" | "createdAt">;

/** A page of events, newest first, linking to each event; "Older events" follows the cursor. */
export function EventTable({
  page,
  emptyText,
  olderHref,
}: {
  page: { data: EventRow[]; nextCursor: string | null };
  emptyText: ReactNode;
  olderHref: (cursor: string) => string;
}) {
  return (
    <>
      <div className="overflow-x-auto rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
        <table className="min-w-full divide-y divide-slate-200 text-sm">
          <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
            <tr>
              <th scope="col" className="px-4 py-3">Type</th>
              <th scope="col" className="px-4 py-3">Event</th>
              <th scope="col" className="px-4 py-3">Deliveries</th>
              <th scope="col" className="px-4 py-3">Time</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {page.data.length === 0 ? (
              <tr>
                <td colSpan={4} className="px-4 py-8 text-center text-slate-600">
                  {emptyText}
                </td>
              </tr>
            ) : (
              page.data.map((event) => (
                <tr key={event.id} className="hover:bg-slate-50">
                  <td className="px-4 py-3">
                    <Link href={`/events/${event.id}`} className="font-medium text-indigo-700 hover:underline">
                      {event.type}
                    </Link>
                  </td>
                  <td className="px-4 py-3 font-mono text-xs text-slate-600">{event.id}</td>
                  <td className="px-4 py-3 tabular-nums">{event.deliveries}</td>
                  <td className="whitespace-nowrap px-4 py-3 text-slate-600">
                    <time dateTime={event.createdAt}>{formatTime(event.createdAt)}</time>
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      {page.nextCursor && (
        <Link href={olderHref(page.nextCursor)} className="inline-block text-sm font-medium text-indigo-700 underline">
          Older events
        </Link>
      )}
    </>
  );
}
