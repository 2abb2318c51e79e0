"use client";

import { useActionState } from "react";
import { useActionToast } from "@/components/toaster";
import { Button } from "@/components/ui/button";
import { Field, TextAreaField } from "@/components/ui/field";
import { MAX_ORDERING_KEY_LENGTH } from "@/lib/events/ordering";
import { sendEventAction } from "../actions";

/** `catalogTypes`: the account's catalog names, suggested as the type is typed (any type is accepted). */
export function SendEvent({ catalogTypes }: { catalogTypes: string[] }) {
  const [state, formAction, pending] = useActionState(sendEventAction, {});
  useActionToast(state);
  return (
    <form action={formAction} aria-label="Send event" className="grid gap-4 rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200" noValidate>
      <div>
        <Field label="Type" name="type" placeholder="order.created" list="catalog-event-types" autoComplete="off" defaultValue={state.values?.type} error={state.fieldErrors?.type} />
        <datalist id="catalog-event-types">
          {catalogTypes.map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
      </div>
      <TextAreaField label="Data (JSON)" name="data" rows={5} defaultValue={state.values?.data ?? '{\n  "id": 1234\n}'} error={state.fieldErrors?.data} />
      <Field
        label="Ordering key"
        name="orderingKey"
        maxLength={MAX_ORDERING_KEY_LENGTH}
        placeholder="Optional, e.g. customer-42"
        autoComplete="off"
        defaultValue={state.values?.orderingKey}
        hint="FIFO endpoints deliver events with the same key one at a time, in order."
        error={state.fieldErrors?.orderingKey}
      />
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={pending}>
          Send event
        </Button>
      </div>
    </form>
  );
}
