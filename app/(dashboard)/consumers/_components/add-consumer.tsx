"use client";

import { useActionState, useState } from "react";
import { useActionToast } from "@/components/toaster";
import { Button, FormFooter } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { createConsumerAction } from "../actions";

export function AddConsumer({ startOpen = false }: { startOpen?: boolean }) {
  const [open, setOpen] = useState(startOpen);
  const [state, formAction, pending] = useActionState(createConsumerAction, {});
  useActionToast(state);
  if (!open) return <Button onClick={() => setOpen(true)}>Add consumer</Button>;
  const errors = state.fieldErrors ?? {};
  return (
    <section aria-labelledby="add-consumer-heading" className="w-full rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
      <h2 id="add-consumer-heading" className="text-base font-semibold">
        Add consumer
      </h2>
      <p className="mt-1 mb-4 text-sm text-slate-600">One of your own customers, who gets webhooks from your product at endpoints of their own.</p>
      <form action={formAction} aria-label="Add consumer" className="grid gap-4 sm:grid-cols-2" noValidate>
        <Field
          label="UID"
          name="uid"
          required
          placeholder="acme-corp"
          autoComplete="off"
          className="font-mono"
          defaultValue={state.values?.uid}
          error={errors.uid}
          hint="Your identifier for this customer, unique in your account: letters, digits, '_', '.' or '-'. Events sent with it go to this consumer's endpoints only."
        />
        <Field label="Name" name="name" required placeholder="Acme Corp" autoComplete="off" defaultValue={state.values?.name} error={errors.name} />
        <FormFooter error={state.error} submitLabel="Create consumer" pending={pending} onCancel={startOpen ? undefined : () => setOpen(false)} />
      </form>
    </section>
  );
}
