"use client";

import { useActionState } from "react";
import { useActionToast } from "@/components/toaster";
import { FormFooter } from "@/components/ui/button";
import { Field, TextAreaField } from "@/components/ui/field";
import type { ActionState } from "@/lib/actions";
import { createEventTypeAction, updateEventTypeAction } from "../actions";

export interface EventTypeFormValues {
  name: string;
  description: string;
  /** JSON text; empty: no schema. */
  schema: string;
  /** JSON text; empty: no example. */
  example: string;
  deprecated: boolean;
}

export const EMPTY_EVENT_TYPE: EventTypeFormValues = { name: "", description: "", schema: "", example: "", deprecated: false };

/** A catalog entry's fields, for "Add event type" (with its name) and the entry's page (without: the name is its key). */
export function EventTypeForm({ mode, initial, onCancel }: { mode: "create" | "edit"; initial: EventTypeFormValues; onCancel?: () => void }) {
  const [state, formAction, pending] = useActionState<ActionState, FormData>(mode === "create" ? createEventTypeAction : updateEventTypeAction, {});
  useActionToast(state);
  const submitted = state.values;
  // An unchecked box sends nothing, so after a submission its absence means "not deprecated".
  const values: EventTypeFormValues = submitted
    ? { name: submitted.name ?? initial.name, description: submitted.description ?? "", schema: submitted.schema ?? "", example: submitted.example ?? "", deprecated: submitted.deprecated === "on" }
    : initial;
  const errors = state.fieldErrors ?? {};
  const formName = mode === "create" ? "Add event type" : "Edit event type";

  return (
    <form action={formAction} aria-label={formName} className="grid gap-4 sm:grid-cols-2" noValidate>
      {mode === "create" ? (
        <Field label="Name" name="name" required placeholder="order.created" autoComplete="off" defaultValue={values.name} error={errors.name} hint="The type your events carry: letters, digits, '_', '.' or '-'." />
      ) : (
        <input type="hidden" name="name" value={initial.name} />
      )}
      <div className={mode === "create" ? undefined : "sm:col-span-2"}>
        <Field label="Description" name="description" placeholder="Optional: when it is sent, what it means" defaultValue={values.description} error={errors.description} />
      </div>
      <div className="sm:col-span-2">
        <TextAreaField
          label="Schema"
          name="schema"
          rows={8}
          placeholder={'{\n  "type": "object",\n  "required": ["id"],\n  "properties": { "id": { "type": "string" } }\n}'}
          defaultValue={values.schema}
          error={errors.schema}
          hint="JSON Schema (2020-12) for the events' data: events of this type that do not match it are refused. Empty: any data is accepted."
        />
      </div>
      <div className="sm:col-span-2">
        <TextAreaField
          label="Example"
          name="example"
          rows={5}
          placeholder={'{ "id": "ord_123" }'}
          defaultValue={values.example}
          error={errors.example}
          hint="Data that matches the schema. Send test event on an endpoint's page can send it."
        />
      </div>
      <div className="sm:col-span-2">
        <div className="flex items-center gap-2">
          <input
            id="field-deprecated"
            name="deprecated"
            type="checkbox"
            defaultChecked={values.deprecated}
            aria-describedby="field-deprecated-hint"
            className="h-4 w-4 rounded border-slate-300 text-indigo-600 focus:ring-2 focus:ring-indigo-300"
          />
          <label htmlFor="field-deprecated" className="text-sm font-medium text-slate-800">
            Deprecated
          </label>
        </div>
        <p id="field-deprecated-hint" className="mt-1 text-xs text-slate-500">
          Still accepted and delivered; marked deprecated in the catalog and its OpenAPI document, so receivers know to move off it.
        </p>
      </div>
      <FormFooter error={state.error} submitLabel={mode === "create" ? "Create event type" : "Save changes"} pending={pending} onCancel={onCancel} />
    </form>
  );
}
