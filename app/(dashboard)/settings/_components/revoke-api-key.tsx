"use client";

import { useActionState, useState } from "react";
import { useActionToast } from "@/components/toaster";
import { Button } from "@/components/ui/button";
import { revokeApiKeyAction } from "../actions";

export function RevokeApiKey({ keyId, name, describedBy }: { keyId: string; name: string; describedBy?: string }) {
  const [state, formAction, pending] = useActionState(revokeApiKeyAction, {});
  useActionToast(state);
  const [confirming, setConfirming] = useState(false);

  if (!confirming) {
    return (
      <Button type="button" variant="danger" aria-describedby={describedBy} onClick={() => setConfirming(true)}>
        Revoke
      </Button>
    );
  }
  return (
    <form action={formAction} className="flex flex-wrap items-center justify-end gap-2 rounded-md bg-red-50 px-3 py-1">
      <input type="hidden" name="keyId" value={keyId} />
      <span className="text-sm text-red-900">Revoke “{name}”? Requests using it fail at once.</span>
      <Button type="submit" variant="danger" disabled={pending}>
        Revoke key
      </Button>
      <Button type="button" variant="secondary" onClick={() => setConfirming(false)}>
        Cancel
      </Button>
      {state.error && (
        <p role="alert" className="w-full text-right text-sm text-red-700">
          {state.error}
        </p>
      )}
    </form>
  );
}
