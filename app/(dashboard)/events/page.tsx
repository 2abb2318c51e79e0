import type { Metadata } from "next";
import Link from "next/link";
import { requireUser } from "@/lib/auth/current-user";
import { eventTypeNames } from "@/lib/event-types/queries";
import { listEventLog } from "@/lib/events/queries";
import { listHref, parseListFilters } from "@/lib/list-filters";
import { eventListQuerySchema } from "@/lib/validations/event";
import { LogFilterForm } from "@/components/log-filter-form";
import { controlClass } from "@/components/ui/field";
import { EventTable } from "./_components/event-table";
import { SendEvent } from "./_components/send-event";

export const metadata: Metadata = { title: "Events" };

export default async function EventsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  const { filter: query, errors, values } = parseListFilters(eventListQuerySchema, await searchParams);
  const [page, catalog] = await Promise.all([listEventLog(user.id, query), eventTypeNames(user.id)]);
  const filtered = Boolean(query.type) || query.q !== undefined;

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Events</h1>
        <p className="mt-1 text-sm text-slate-600">Everything your product sent, newest first. Try one from here.</p>
      </div>
      <SendEvent catalogTypes={catalog.map((type) => type.name)} />
      <LogFilterForm label="Filter events" values={values} errors={errors} filtered={filtered} clearHref="/events">
        <div>
          <label htmlFor="filter-type" className="block text-sm font-medium text-slate-800">
            Event type
          </label>
          <input id="filter-type" name="type" defaultValue={values.type} placeholder="order.created" className={`${controlClass()} bg-white`} />
        </div>
      </LogFilterForm>
      <EventTable
        page={page}
        emptyText={
          query.q !== undefined ? (
            <>
              No {query.type ? `${query.type} ` : ""}events match “{query.q}”.{" "}
              <Link href={listHref("/events", { ...query, q: undefined, cursor: undefined })} className="font-medium text-indigo-700 underline">
                Clear search
              </Link>
            </>
          ) : query.type ? (
            `No ${query.type} events.`
          ) : (
            "No events yet. Send one with the form above, or through the API."
          )
        }
        olderHref={(cursor) => listHref("/events", { ...query, cursor })}
      />
    </div>
  );
}
