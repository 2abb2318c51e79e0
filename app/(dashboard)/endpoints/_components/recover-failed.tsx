"use client";

import { useActionState } from "react";
import { useActionToast } from "@/components/toaster";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { recoverAction } from "../actions";

/** Re-queue the endpoint's failed deliveries since a chosen time (e.g. after fixing an outage). */
export function RecoverFailed({ endpointId, defaultSince }: { endpointId: string; defaultSince: string }) {
  const [state, formAction, pending] = useActionState(recoverAction, {});
  useActionToast(state);
  return (
    <form action={formAction} className="flex flex-wrap items-end gap-3" aria-label="Recover failed deliveries">
      <input type="hidden" name="endpointId" value={endpointId} />
      <div className="w-64">
        <Field label="Failed since (UTC)" name="since" type="datetime-local" defaultValue={state.values?.since ?? defaultSince} error={state.fieldErrors?.since} />
      </div>
      <Button type="submit" variant="secondary" disabled={pending}>
        Recover
      </Button>
      {state.error && (
        <span role="alert" className="py-2 text-sm text-red-700">
          {state.error}
        </span>
      )}
    </form>
  );
}
