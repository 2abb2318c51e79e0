"use client";

import { useActionState } from "react";
import type { ActionState } from "@/lib/actions";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";

export function AuthForm({
  action,
  submitLabel,
  passwordAutoComplete,
}: {
  action: (state: ActionState, formData: FormData) => Promise<ActionState>;
  submitLabel: string;
  passwordAutoComplete: "current-password" | "new-password";
}) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <form action={formAction} className="space-y-4" noValidate>
      <Field label="Email" name="email" type="email" autoComplete="email" required defaultValue={state.values?.email} error={state.fieldErrors?.email} />
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete={passwordAutoComplete}
        required
        minLength={passwordAutoComplete === "new-password" ? 8 : undefined}
        hint={passwordAutoComplete === "new-password" ? "At least 8 characters." : undefined}
        error={state.fieldErrors?.password}
      />
      {state.error && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {state.error}
        </p>
      )}
      <Button type="submit" disabled={pending} className="w-full">
        {submitLabel}
      </Button>
    </form>
  );
}
