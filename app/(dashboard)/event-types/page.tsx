import type { Metadata } from "next";
import Link from "next/link";
import { requireUser } from "@/lib/auth/current-user";
import { listEventTypes } from "@/lib/event-types/queries";
import { eventTypeListQuerySchema } from "@/lib/validations/event-type";
import { StatusBadge } from "@/components/ui/status-badge";
import { AddEventType } from "./_components/add-event-type";

export const metadata: Metadata = { title: "Event types" };

export default async function EventTypesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  // Pages in name order: the cursor is the last name shown; one that is not valid shows the first page.
  const cursorParam = (await searchParams).cursor;
  const cursor = eventTypeListQuerySchema.shape.cursor.safeParse(typeof cursorParam === "string" ? cursorParam : undefined).data;
  const page = await listEventTypes(user.id, { cursor });
  const empty = page.data.length === 0 && !cursor;

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Event types</h1>
          <p className="mt-1 text-sm text-slate-600">The catalog of events your product sends, with the schema their data follows.</p>
        </div>
        {!empty && <AddEventType />}
      </div>
      {empty ? (
        <div className="space-y-4">
          <div className="rounded-xl border border-dashed border-slate-300 bg-white p-8 text-center">
            <h2 className="font-medium">No event types yet</h2>
            <p className="mx-auto mt-1 max-w-2xl text-sm text-slate-600">
              The catalog documents each event your product sends: what it means, a JSON Schema for its data and an example. Events of a type with a schema
              are checked on the way in, endpoints can pick types from it, and you can send an example as a test event.
            </p>
          </div>
          <AddEventType startOpen />
        </div>
      ) : (
        <>
          <div className="overflow-x-auto rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
            <table className="min-w-full divide-y divide-slate-200 text-sm">
              <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
                <tr>
                  <th scope="col" className="px-4 py-3">
                    Name
                  </th>
                  <th scope="col" className="px-4 py-3">
                    Description
                  </th>
                  <th scope="col" className="px-4 py-3">
                    Schema
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {page.data.length === 0 ? (
                  <tr>
                    <td colSpan={3} className="px-4 py-8 text-center text-slate-600">
                      No more event types.
                    </td>
                  </tr>
                ) : (
                  page.data.map((type) => (
                    <tr key={type.name} className="hover:bg-slate-50">
                      <td className="px-4 py-3">
                        <span className="flex flex-wrap items-center gap-2">
                          <Link href={`/event-types/${type.name}`} className="font-mono font-medium text-indigo-700 hover:underline">
                            {type.name}
                          </Link>
                          {type.deprecated && <StatusBadge status="deprecated" />}
                        </span>
                      </td>
                      <td className="px-4 py-3 text-slate-700">{type.description || <span className="text-slate-500">No description</span>}</td>
                      <td className="whitespace-nowrap px-4 py-3 text-slate-700">{type.schema === null ? "None: any data" : "Validated"}</td>
                    </tr>
                  ))
                )}
              </tbody>
            </table>
          </div>
          <div className="flex gap-4">
            {cursor && (
              <Link href="/event-types" className="text-sm font-medium text-indigo-700 underline">
                First event types
              </Link>
            )}
            {page.nextCursor && (
              <Link href={`?${new URLSearchParams({ cursor: page.nextCursor })}`} className="text-sm font-medium text-indigo-700 underline">
                More event types
              </Link>
            )}
          </div>
        </>
      )}
    </div>
  );
}
