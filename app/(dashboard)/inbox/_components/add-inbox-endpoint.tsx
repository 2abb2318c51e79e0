"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { createEndpointAction } from "../../endpoints/actions";

/** One click: an endpoint named "Built-in inbox" pointing here (then "Send test event"). */
export function AddInboxEndpoint({ url }: { url: string }) {
  const [state, formAction, pending] = useActionState(createEndpointAction, {});
  return (
    <form action={formAction} className="flex flex-wrap items-center gap-3">
      <input type="hidden" name="name" value="Built-in inbox" />
      <input type="hidden" name="url" value={url} />
      <input type="hidden" name="description" value="Hookline's own receiver, for trying things out" />
      <Button type="submit" variant="secondary" disabled={pending}>
        Add as endpoint
      </Button>
      {(state.error || state.fieldErrors?.url) && (
        <span role="alert" className="text-sm text-red-700">
          {state.error ?? state.fieldErrors?.url}
        </span>
      )}
    </form>
  );
}
