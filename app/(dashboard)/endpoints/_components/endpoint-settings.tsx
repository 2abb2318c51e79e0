"use client";

import { useActionState } from "react";
import { useActionToast } from "@/components/toaster";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import type { EndpointDto } from "@/lib/endpoints/queries";
import { updateEndpointAction } from "../actions";

const textareaClass = "mt-1 block w-full rounded-md border px-3 py-2 font-mono text-sm shadow-sm focus:outline-none focus:ring-2";

function TextArea({ label, name, hint, error, defaultValue }: { label: string; name: string; hint: string; error?: string; defaultValue: string }) {
  const id = `field-${name}`;
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <textarea
        id={id}
        name={name}
        rows={3}
        defaultValue={defaultValue}
        aria-invalid={error ? true : undefined}
        aria-describedby={`${id}-${error ? "error" : "hint"}`}
        className={`${textareaClass} ${error ? "border-red-400 focus:ring-red-300" : "border-slate-300 focus:ring-indigo-300"}`}
      />
      {error ? (
        <p id={`${id}-error`} className="mt-1 text-sm text-red-700">
          {error}
        </p>
      ) : (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      )}
    </div>
  );
}

export function EndpointSettings({ endpoint }: { endpoint: EndpointDto }) {
  const [state, formAction, pending] = useActionState(updateEndpointAction, {});
  useActionToast(state);
  const value = (field: string, fallback: string) => state.values?.[field] ?? fallback;
  return (
    <form action={formAction} className="grid gap-4 rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200 sm:grid-cols-2" noValidate>
      <input type="hidden" name="endpointId" value={endpoint.id} />
      <Field label="Name" name="name" defaultValue={value("name", endpoint.name)} error={state.fieldErrors?.name} />
      <Field label="URL" name="url" type="url" defaultValue={value("url", endpoint.url)} error={state.fieldErrors?.url} />
      <div className="sm:col-span-2">
        <Field label="Description" name="description" defaultValue={value("description", endpoint.description)} error={state.fieldErrors?.description} />
      </div>
      <TextArea
        label="Event types"
        name="eventTypes"
        hint="Separated by spaces or lines; order.* matches every order event. Empty: all events."
        defaultValue={value("eventTypes", endpoint.eventTypes.join("\n"))}
        error={state.fieldErrors?.eventTypes}
      />
      <TextArea
        label="Custom headers"
        name="headers"
        hint='One per line, as "Name: value". Sent with every delivery.'
        defaultValue={value("headers", Object.entries(endpoint.headers).map(([header, text]) => `${header}: ${text}`).join("\n"))}
        error={state.fieldErrors?.headers}
      />
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
