import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requireUser } from "@/lib/auth/current-user";
import { getEventType } from "@/lib/event-types/queries";
import { formatTime } from "@/components/format";
import { JsonBlock } from "@/components/json-block";
import { indentedJson } from "@/lib/json-text";
import { StatusBadge } from "@/components/ui/status-badge";
import { EventTypeControls } from "../_components/event-type-controls";
import { EventTypeForm } from "../_components/event-type-form";

export const metadata: Metadata = { title: "Event type" };

const asFormText = (value: unknown) => (value === null ? "" : indentedJson(value).text);

export default async function EventTypePage({ params }: { params: Promise<{ name: string }> }) {
  const user = await requireUser();
  const eventType = await getEventType(user.id, (await params).name);
  if (!eventType) notFound();

  return (
    <div className="space-y-8">
      <div>
        <Link href="/event-types" className="text-sm text-indigo-700 underline">
          ← Event types
        </Link>
        <h1 className="mt-2 flex flex-wrap items-center gap-3 font-mono text-2xl font-semibold tracking-tight">
          {eventType.name} {eventType.deprecated && <StatusBadge status="deprecated" />}
        </h1>
        <p className="mt-1 text-sm text-slate-700">{eventType.description || "No description."}</p>
        <p className="mt-1 text-xs text-slate-500">
          Updated {formatTime(eventType.updatedAt)} ·{" "}
          <Link href={`/events?${new URLSearchParams({ type: eventType.name })}`} className="text-indigo-700 underline">
            Events of this type
          </Link>
        </p>
      </div>

      <EventTypeControls name={eventType.name} />

      <section aria-labelledby="schema-heading" className="space-y-2">
        <h2 id="schema-heading" className="text-lg font-semibold">
          Schema
        </h2>
        {eventType.schema === null ? (
          <p className="text-sm text-slate-600">No schema: any data is accepted.</p>
        ) : (
          <>
            <p className="text-sm text-slate-600">Events of this type whose data does not match are refused, with the reasons.</p>
            <JsonBlock value={eventType.schema} />
          </>
        )}
      </section>

      <section aria-labelledby="example-heading" className="space-y-2">
        <h2 id="example-heading" className="text-lg font-semibold">
          Example
        </h2>
        {eventType.example === null ? (
          <p className="text-sm text-slate-600">No example yet: add one below to send it as a test event from an endpoint&apos;s page.</p>
        ) : (
          <JsonBlock value={eventType.example} />
        )}
      </section>

      <section aria-labelledby="edit-heading" className="space-y-3">
        <h2 id="edit-heading" className="text-lg font-semibold">
          Edit event type
        </h2>
        <div className="rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
          <EventTypeForm
            mode="edit"
            initial={{
              name: eventType.name,
              description: eventType.description,
              schema: asFormText(eventType.schema),
              example: asFormText(eventType.example),
              deprecated: eventType.deprecated,
            }}
          />
        </div>
      </section>
    </div>
  );
}
