"use client";

import Link from "next/link";
import { useActionState, useState } from "react";
import { useActionToast } from "@/components/toaster";
import { Button } from "@/components/ui/button";
import { Field, SelectField, TextAreaField } from "@/components/ui/field";
import type { EndpointDto } from "@/lib/endpoints/queries";
import type { Ordering } from "@/lib/events/ordering";
import { splitEventTypes } from "@/lib/validations/filter-text";
import type { FormAction } from "@/lib/actions";

export interface CatalogType {
  name: string;
  deprecated: boolean;
}

/**
 * The filter text stays the one source of truth (wildcards and types outside the catalog are
 * typed there); the catalog's checkboxes only add or remove their exact name from it.
 */
function EventTypesFilter({ initial, error, catalog, catalogHref }: { initial: string; error?: string; catalog: CatalogType[]; catalogHref: string | null }) {
  const [text, setText] = useState(initial);
  const listed = new Set(splitEventTypes(text));
  const toggle = (name: string, checked: boolean) => {
    const others = splitEventTypes(text).filter((entry) => entry !== name);
    setText((checked ? [...others, name] : others).join("\n"));
  };
  return (
    <div className="space-y-3">
      <TextAreaField
        label="Event types"
        name="eventTypes"
        value={text}
        onChange={(event) => setText(event.target.value)}
        hint="Separated by spaces or lines; order.* matches every order event. Empty: all events."
        error={error}
      />
      {(catalog.length > 0 || catalogHref) && (
        <fieldset>
          <legend className="text-sm font-medium text-slate-800">From your catalog</legend>
          {catalog.length === 0 ? (
            <p className="mt-1 text-xs text-slate-500">
              Types you describe under{" "}
              <Link href={catalogHref ?? ""} className="text-indigo-700 underline">
                Event types
              </Link>{" "}
              can be picked here.
            </p>
          ) : (
            <ul className="mt-1 max-h-48 space-y-1 overflow-y-auto rounded-md border border-slate-200 px-3 py-2">
              {catalog.map((type) => (
                <li key={type.name}>
                  <label className="flex items-center gap-2 text-sm">
                    <input
                      type="checkbox"
                      checked={listed.has(type.name)}
                      onChange={(event) => toggle(type.name, event.target.checked)}
                      className="h-4 w-4 rounded border-slate-300 text-indigo-600 focus:ring-2 focus:ring-indigo-300"
                    />
                    <span className="font-mono">{type.name}</span>
                    {type.deprecated && <span className="text-xs text-amber-800">(deprecated)</span>}
                  </label>
                </li>
              ))}
            </ul>
          )}
        </fieldset>
      )}
    </div>
  );
}

/** The Ordering choices (SPEC §11), as the settings form names them. */
const ORDERING_LABELS: Record<Ordering, string> = {
  unordered: "Unordered (parallel)",
  fifo: "FIFO (in order per ordering key)",
};

/** A consumer the endpoint can be moved to (SPEC §12). */
export interface ConsumerChoice {
  uid: string;
  name: string;
}

/**
 * `consumers`: the account's, to move the endpoint between them; null in the portal, where the
 * consumer is the session's and is not a setting. `catalogHref`: where the catalog is described
 * (null in the portal, where it is only read: with no catalog there is nothing to pick).
 */
export function EndpointSettings({
  endpoint,
  catalog,
  consumers,
  update,
  catalogHref = "/event-types",
}: {
  endpoint: EndpointDto;
  catalog: CatalogType[];
  consumers: ConsumerChoice[] | null;
  update: FormAction;
  catalogHref?: string | null;
}) {
  const [state, formAction, pending] = useActionState(update, {});
  useActionToast(state);
  const value = (field: string, fallback: string) => state.values?.[field] ?? fallback;
  // Its own consumer is always a choice, so saving other settings never moves it by accident.
  const consumerChoices =
    consumers === null || endpoint.consumer === null || consumers.some((consumer) => consumer.uid === endpoint.consumer)
      ? consumers
      : [...consumers, { uid: endpoint.consumer, name: endpoint.consumer }];
  return (
    <form action={formAction} className="grid gap-4 rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200 sm:grid-cols-2" noValidate>
      <input type="hidden" name="endpointId" value={endpoint.id} />
      <Field label="Name" name="name" defaultValue={value("name", endpoint.name)} error={state.fieldErrors?.name} />
      <Field label="URL" name="url" type="url" defaultValue={value("url", endpoint.url)} error={state.fieldErrors?.url} />
      <div className="sm:col-span-2">
        <Field label="Description" name="description" defaultValue={value("description", endpoint.description)} error={state.fieldErrors?.description} />
      </div>
      <EventTypesFilter initial={value("eventTypes", endpoint.eventTypes.join("\n"))} error={state.fieldErrors?.eventTypes} catalog={catalog} catalogHref={catalogHref} />
      <TextAreaField
        label="Custom headers"
        name="headers"
        hint='One per line, as "Name: value". Sent with every delivery.'
        defaultValue={value("headers", Object.entries(endpoint.headers).map(([header, text]) => `${header}: ${text}`).join("\n"))}
        error={state.fieldErrors?.headers}
      />
      <SelectField
        label="Ordering"
        name="ordering"
        defaultValue={value("ordering", endpoint.ordering)}
        hint="FIFO: one delivery at a time per ordering key, in the order the events were sent; other keys go in parallel. A change applies to events sent afterwards and releases the deliveries waiting their turn."
        error={state.fieldErrors?.ordering}
      >
        {Object.entries(ORDERING_LABELS).map(([ordering, label]) => (
          <option key={ordering} value={ordering}>
            {label}
          </option>
        ))}
      </SelectField>
      {consumerChoices && (
        <SelectField
          label="Consumer"
          name="consumer"
          defaultValue={value("consumer", endpoint.consumer ?? "")}
          hint="The customer this endpoint belongs to: it then receives only the events sent for that consumer. None: it receives the events sent without one."
          error={state.fieldErrors?.consumer}
        >
          <option value="">None (account-level endpoint)</option>
          {consumerChoices.map((consumer) => (
            <option key={consumer.uid} value={consumer.uid}>
              {consumer.name === consumer.uid ? consumer.uid : `${consumer.name} (${consumer.uid})`}
            </option>
          ))}
        </SelectField>
      )}
      <div className="flex items-center gap-3 sm:col-span-2">
        <Button type="submit" disabled={pending}>
          Save changes
        </Button>
        {state.error && (
          <span role="alert" className="text-sm text-red-700">
            {state.error}
          </span>
        )}
      </div>
    </form>
  );
}
