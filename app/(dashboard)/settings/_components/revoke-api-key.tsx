"use client";

import { useActionState } from "react";
import { ConfirmDelete } from "@/components/confirm-delete";
import { useActionToast } from "@/components/toaster";
import { revokeApiKeyAction } from "../actions";

export function RevokeApiKey({ keyId, name, describedBy }: { keyId: string; name: string; describedBy?: string }) {
  const [state, formAction, pending] = useActionState(revokeApiKeyAction, {});
  useActionToast(state);
  return (
    <ConfirmDelete
      action={formAction}
      hidden={{ keyId }}
      question={`Revoke “${name}”? Requests using it fail at once.`}
      label="Revoke"
      confirmLabel="Revoke key"
      describedBy={describedBy}
      pending={pending}
    >
      {state.error && (
        <p role="alert" className="w-full text-sm text-red-700">
          {state.error}
        </p>
      )}
    </ConfirmDelete>
  );
}
