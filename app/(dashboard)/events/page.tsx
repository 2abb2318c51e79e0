import type { Metadata } from "next";
import Link from "next/link";
import { requireUser } from "@/lib/auth/current-user";
import { eventTypeNames } from "@/lib/event-types/queries";
import { listEventLog } from "@/lib/events/queries";
import { listHref, parseListFilters } from "@/lib/list-filters";
import { eventListQuerySchema } from "@/lib/validations/event";
import { Button } from "@/components/ui/button";
import { controlClass, Field } from "@/components/ui/field";
import { EventTable } from "./_components/event-table";
import { SendEvent } from "./_components/send-event";

export const metadata: Metadata = { title: "Events" };

export default async function EventsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  const { filter: query, errors, values } = parseListFilters(eventListQuerySchema, await searchParams);
  // The search's message goes beside the Search box; any other rejected filter keeps the notice under the form.
  const { q: searchError, ...addressErrors } = errors;
  const [page, catalog] = await Promise.all([listEventLog(user.id, query), eventTypeNames(user.id)]);
  const filtered = Boolean(query.type) || query.q !== undefined;

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Events</h1>
        <p className="mt-1 text-sm text-slate-600">Everything your product sent, newest first. Try one from here.</p>
      </div>
      <SendEvent catalogTypes={catalog.map((type) => type.name)} />
      {/* Keyed by the query: a link that changes it (Clear search, Clear filters) renders the fields
          afresh, where new defaultValues alone would leave the old choices showing. */}
      <form key={new URLSearchParams(values).toString()} className="flex flex-wrap items-end gap-3" aria-label="Filter events">
        <div className="w-full sm:w-72">
          <Field label="Search" name="q" type="search" defaultValue={values.q} error={searchError} placeholder="Words in type, id or data" className="bg-white" />
        </div>
        <div>
          <label htmlFor="filter-type" className="block text-sm font-medium text-slate-800">
            Event type
          </label>
          <input id="filter-type" name="type" defaultValue={values.type} placeholder="order.created" className={`${controlClass()} bg-white`} />
        </div>
        <Button type="submit" variant="secondary">
          Apply filters
        </Button>
        {(filtered || searchError !== undefined) && (
          <Link href="/events" className="py-2 text-sm font-medium text-indigo-700 underline">
            Clear filters
          </Link>
        )}
      </form>
      {Object.keys(addressErrors).length > 0 && (
        <p role="alert" className="text-sm text-red-700">
          Some filters in the address were not valid and were ignored.
        </p>
      )}
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
