"use client";

import { useActionState, useState } from "react";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import type { FormAction } from "@/lib/actions";

export function AddEndpoint({ create, startOpen = false }: { create: FormAction; startOpen?: boolean }) {
  const [open, setOpen] = useState(startOpen);
  const [state, formAction, pending] = useActionState(create, {});
  if (!open) {
    return <Button onClick={() => setOpen(true)}>Add endpoint</Button>;
  }
  return (
    <section aria-labelledby="add-endpoint-heading" className="w-full rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
      <h2 id="add-endpoint-heading" className="text-base font-semibold">
        Add endpoint
      </h2>
      <p className="mt-1 text-sm text-slate-600">Each event is POSTed to this URL, signed (Standard Webhooks).</p>
      <form action={formAction} className="mt-4 grid gap-4 sm:grid-cols-2" noValidate>
        <Field label="Name" name="name" required placeholder="Orders service" defaultValue={state.values?.name} error={state.fieldErrors?.name} />
        <Field
          label="URL"
          name="url"
          type="url"
          required
          placeholder="https://example.com/webhooks"
          defaultValue={state.values?.url}
          error={state.fieldErrors?.url}
        />
        <div className="sm:col-span-2">
          <Field label="Description" name="description" placeholder="Optional" defaultValue={state.values?.description} error={state.fieldErrors?.description} />
        </div>
        {state.error && (
          <p role="alert" className="text-sm text-red-700 sm:col-span-2">
            {state.error}
          </p>
        )}
        <div className="flex gap-2 sm:col-span-2">
          <Button type="submit" disabled={pending}>
            Create endpoint
          </Button>
          <Button type="button" variant="secondary" onClick={() => setOpen(false)}>
            Cancel
          </Button>
        </div>
      </form>
    </section>
  );
}
