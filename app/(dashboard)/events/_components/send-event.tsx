"use client";

import { useActionState } from "react";
import { useActionToast } from "@/components/toaster";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { sendEventAction } from "../actions";

export function SendEvent() {
  const [state, formAction, pending] = useActionState(sendEventAction, {});
  useActionToast(state);
  const dataError = state.fieldErrors?.data;
  return (
    <form action={formAction} aria-label="Send event" className="grid gap-4 rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200" noValidate>
      <Field label="Type" name="type" placeholder="order.created" defaultValue={state.values?.type} error={state.fieldErrors?.type} />
      <div>
        <label htmlFor="field-data" className="block text-sm font-medium text-slate-800">
          Data (JSON)
        </label>
        <textarea
          id="field-data"
          name="data"
          rows={5}
          defaultValue={state.values?.data ?? '{\n  "id": 1234\n}'}
          aria-invalid={dataError ? true : undefined}
          aria-describedby={dataError ? "field-data-error" : undefined}
          className={`mt-1 block w-full rounded-md border px-3 py-2 font-mono text-sm shadow-sm focus:outline-none focus:ring-2 ${
            dataError ? "border-red-400 focus:ring-red-300" : "border-slate-300 focus:ring-indigo-300"
          }`}
        />
        {dataError && (
          <p id="field-data-error" className="mt-1 text-sm text-red-700">
            {dataError}
          </p>
        )}
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={pending}>
          Send event
        </Button>
      </div>
    </form>
  );
}
