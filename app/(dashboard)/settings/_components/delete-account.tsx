"use client";

import { useActionState, useState } from "react";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { deleteAccountAction } from "../actions";

/** Two steps, and the second asks for the account's password: nothing here can be undone. */
export function DeleteAccount() {
  const [state, formAction, pending] = useActionState(deleteAccountAction, {});
  const [confirming, setConfirming] = useState(false);

  if (!confirming) {
    return (
      <Button type="button" variant="danger" onClick={() => setConfirming(true)}>
        Delete account
      </Button>
    );
  }
  return (
    <form action={formAction} className="max-w-md space-y-4" noValidate>
      <p className="text-sm text-red-900">
        This deletes your account and everything in it, at once and for good: endpoints, events, deliveries and their
        attempts, schedules, API keys and inbox requests. Webhooks stop.
      </p>
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete="current-password"
        required
        hint="Your account's password, to confirm it is you."
        error={state.fieldErrors?.password}
      />
      <div className="flex flex-wrap gap-2">
        <Button type="submit" variant="danger" disabled={pending}>
          Delete account and all its data
        </Button>
        <Button type="button" variant="secondary" onClick={() => setConfirming(false)}>
          Cancel
        </Button>
      </div>
      {state.error && (
        <p role="alert" className="text-sm text-red-700">
          {state.error}
        </p>
      )}
    </form>
  );
}
