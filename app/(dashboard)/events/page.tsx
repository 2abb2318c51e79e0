import type { Metadata } from "next";
import Link from "next/link";
import { requireUser } from "@/lib/auth/current-user";
import { listEventLog } from "@/lib/events/queries";
import { eventListQuerySchema } from "@/lib/validations/event";
import { formatTime } from "@/components/format";
import { SendEvent } from "./_components/send-event";

export const metadata: Metadata = { title: "Events" };

export default async function EventsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  const raw = Object.fromEntries(Object.entries(await searchParams).filter((entry): entry is [string, string] => typeof entry[1] === "string" && entry[1] !== ""));
  const parsed = eventListQuerySchema.safeParse(raw);
  const query = parsed.success ? parsed.data : {};
  const page = await listEventLog(user.id, query);

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Events</h1>
        <p className="mt-1 text-sm text-slate-600">Everything your product sent, newest first. Try one from here.</p>
      </div>
      <SendEvent />
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
                  {query.type ? `No ${query.type} events.` : "No events yet. Send one with the form above, or through the API."}
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
        <Link href={`?${new URLSearchParams({ ...(query.type ? { type: query.type } : {}), cursor: page.nextCursor })}`} className="inline-block text-sm font-medium text-indigo-700 underline">
          Older events
        </Link>
      )}
    </div>
  );
}
