"use client";

import { useActionState } from "react";
import { useActionToast } from "@/components/toaster";
import { FormFooter } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { updateConsumerAction } from "../actions";

/** Renames the consumer; its uid is its address (in the API and in events), so it stays. */
export function ConsumerNameForm({ uid, name }: { uid: string; name: string }) {
  const [state, formAction, pending] = useActionState(updateConsumerAction, {});
  useActionToast(state);
  return (
    <form action={formAction} aria-label="Rename consumer" className="grid gap-4 rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200 sm:grid-cols-2" noValidate>
      <input type="hidden" name="uid" value={uid} />
      <Field label="Name" name="name" required autoComplete="off" defaultValue={state.values?.name ?? name} error={state.fieldErrors?.name} />
      <FormFooter error={state.error} submitLabel="Save changes" pending={pending} />
    </form>
  );
}
