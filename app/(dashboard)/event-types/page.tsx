import type { Metadata } from "next";
import Link from "next/link";
import { requireUser } from "@/lib/auth/current-user";
import { listEventTypes } from "@/lib/event-types/queries";
import { eventTypeListQuerySchema } from "@/lib/validations/event-type";
import { StatusBadge } from "@/components/ui/status-badge";
import { KeyedListPage } from "@/components/keyed-list-page";
import { AddEventType } from "./_components/add-event-type";

export const metadata: Metadata = { title: "Event types" };

export default async function EventTypesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  // Pages in name order: the cursor is the last name shown; one that is not valid shows the first page.
  const cursorParam = (await searchParams).cursor;
  const cursor = eventTypeListQuerySchema.shape.cursor.safeParse(typeof cursorParam === "string" ? cursorParam : undefined).data;
  const page = await listEventTypes(user.id, { cursor });

  return (
    <KeyedListPage
      title="Event types"
      intro="The catalog of events your product sends, with the schema their data follows."
      add={<AddEventType />}
      addOpen={<AddEventType startOpen />}
      emptyTitle="No event types yet"
      emptyText={
        <>
          The catalog documents each event your product sends: what it means, a JSON Schema for its data and an example. Events of a type with a schema
          are checked on the way in, endpoints can pick types from it, and you can send an example as a test event.
        </>
      }
      columns={["Name", "Description", "Schema"]}
      rows={page.data.map((type) => (
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
      ))}
      cursor={cursor}
      nextCursor={page.nextCursor}
      path="/event-types"
      plural="event types"
    />
  );
}
