import type { Metadata } from "next";
import { requireUser } from "@/lib/auth/current-user";
import { eventTypeNames } from "@/lib/event-types/queries";
import { listEventLog } from "@/lib/events/queries";
import { eventListQuerySchema } from "@/lib/validations/event";
import { EventTable } from "./_components/event-table";
import { SendEvent } from "./_components/send-event";

export const metadata: Metadata = { title: "Events" };

export default async function EventsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  const raw = Object.fromEntries(Object.entries(await searchParams).filter((entry): entry is [string, string] => typeof entry[1] === "string" && entry[1] !== ""));
  const parsed = eventListQuerySchema.safeParse(raw);
  const query = parsed.success ? parsed.data : {};
  const [page, catalog] = await Promise.all([listEventLog(user.id, query), eventTypeNames(user.id)]);

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Events</h1>
        <p className="mt-1 text-sm text-slate-600">Everything your product sent, newest first. Try one from here.</p>
      </div>
      <SendEvent catalogTypes={catalog.map((type) => type.name)} />
      <EventTable
        page={page}
        emptyText={query.type ? `No ${query.type} events.` : "No events yet. Send one with the form above, or through the API."}
        olderHref={(cursor) => `?${new URLSearchParams({ ...(query.type ? { type: query.type } : {}), cursor })}`}
      />
    </div>
  );
}
