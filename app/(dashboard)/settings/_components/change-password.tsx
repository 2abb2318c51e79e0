"use client";

import { useActionState } from "react";
import { useActionToast } from "@/components/toaster";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { changePasswordAction } from "../actions";

export function ChangePassword() {
  const [state, formAction, pending] = useActionState(changePasswordAction, {});
  useActionToast(state);
  return (
    <form action={formAction} className="max-w-sm space-y-4" noValidate>
      <Field
        label="Current password"
        name="currentPassword"
        type="password"
        autoComplete="current-password"
        required
        error={state.fieldErrors?.currentPassword}
      />
      <Field
        label="New password"
        name="newPassword"
        type="password"
        autoComplete="new-password"
        required
        minLength={8}
        hint="At least 8 characters. Your other signed-in browsers will be signed out."
        error={state.fieldErrors?.newPassword}
      />
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={pending}>
          Change password
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
