import type { Metadata } from "next";
import Link from "next/link";
import { JsonBlock } from "@/components/json-block";
import { MAX_INDENTED_LENGTH_IN_LIST } from "@/lib/json-text";
import { StatusBadge } from "@/components/ui/status-badge";
import { listEventTypes } from "@/lib/event-types/queries";
import { requirePortalSession } from "@/lib/portal/current-session";
import { eventTypeListQuerySchema } from "@/lib/validations/event-type";

export const metadata: Metadata = { title: "Event types" };

/** The account's event-type catalog, read-only: what each webhook means and the data it carries. */
export default async function PortalEventTypesPage({
  params,
  searchParams,
}: {
  params: Promise<{ token: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const session = await requirePortalSession((await params).token);
  const cursorParam = (await searchParams).cursor;
  const cursor = eventTypeListQuerySchema.shape.cursor.safeParse(typeof cursorParam === "string" ? cursorParam : undefined).data;
  const page = await listEventTypes(session.userId, { cursor });
  const base = `/portal/${session.token}/event-types`;
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Event types</h1>
        <p className="mt-1 text-sm text-slate-600">The webhooks you can receive. An endpoint can subscribe to some of them in its settings.</p>
      </div>
      {page.data.length === 0 ? (
        <p className="text-sm text-slate-600">No event types are described yet.</p>
      ) : (
        <ul className="space-y-4">
          {page.data.map((type) => (
            <li key={type.name} className="rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
              <h2 className="flex flex-wrap items-center gap-2 font-mono text-base font-semibold">
                {type.name} {type.deprecated && <StatusBadge status="deprecated" />}
              </h2>
              <p className="mt-1 text-sm text-slate-700">{type.description || "No description."}</p>
              {type.schema !== null && (
                <details className="mt-3">
                  <summary className="cursor-pointer text-sm text-slate-700">Schema of its data (JSON Schema)</summary>
                  <JsonBlock value={type.schema} className="max-h-96 overflow-auto" limit={MAX_INDENTED_LENGTH_IN_LIST} />
                </details>
              )}
              {type.example !== null && (
                <details className="mt-3">
                  <summary className="cursor-pointer text-sm text-slate-700">Example data</summary>
                  <JsonBlock value={type.example} className="max-h-96 overflow-auto" limit={MAX_INDENTED_LENGTH_IN_LIST} />
                </details>
              )}
            </li>
          ))}
        </ul>
      )}
      {(page.nextCursor || cursor) && (
        <nav aria-label="Event type pages" className="flex gap-4 text-sm font-medium">
          {cursor && (
            <Link href={base} className="text-indigo-700 underline">
              First event types
            </Link>
          )}
          {page.nextCursor && (
            <Link href={`${base}?cursor=${encodeURIComponent(page.nextCursor)}`} className="text-indigo-700 underline">
              More event types
            </Link>
          )}
        </nav>
      )}
    </div>
  );
}
