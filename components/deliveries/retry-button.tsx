"use client";

import { useActionState } from "react";
import { useActionToast } from "@/components/toaster";
import { Button } from "@/components/ui/button";
import type { FormAction } from "@/lib/actions";

export function RetryButton({ deliveryId, finished, retry }: { deliveryId: string; finished: boolean; retry: FormAction }) {
  const [state, action, pending] = useActionState(retry, {});
  useActionToast(state);
  return (
    <form action={action} className="flex flex-wrap items-center gap-3">
      <input type="hidden" name="deliveryId" value={deliveryId} />
      <Button type="submit" variant="secondary" disabled={pending || !finished} title={finished ? undefined : "Already queued or in flight"}>
        Retry
      </Button>
      {state.error && (
        <span role="alert" className="text-sm text-red-700">
          {state.error}
        </span>
      )}
    </form>
  );
}
