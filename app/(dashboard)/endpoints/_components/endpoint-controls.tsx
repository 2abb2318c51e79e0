"use client";

import { useActionState } from "react";
import { ConfirmDelete } from "@/components/confirm-delete";
import { ActionFeedback } from "@/components/toaster";
import { Button } from "@/components/ui/button";
import { deleteEndpointAction, sendTestEventAction, setEnabledAction } from "../actions";

export function EndpointControls({ endpointId, enabled }: { endpointId: string; enabled: boolean }) {
  const [testState, sendTest, sendingTest] = useActionState(sendTestEventAction, {});
  const [enabledState, setEnabled, switching] = useActionState(setEnabledAction, {});
  const [deleteState, deleteEndpoint, deleting] = useActionState(deleteEndpointAction, {});

  return (
    <div className="space-y-2">
      <div className="flex flex-wrap gap-2">
        <form action={sendTest}>
          <input type="hidden" name="endpointId" value={endpointId} />
          <Button type="submit" disabled={sendingTest}>
            Send test event
          </Button>
        </form>
        <form action={setEnabled}>
          <input type="hidden" name="endpointId" value={endpointId} />
          <input type="hidden" name="enabled" value={enabled ? "false" : "true"} />
          <Button type="submit" variant="secondary" disabled={switching}>
            {enabled ? "Disable" : "Enable"}
          </Button>
        </form>
        <ConfirmDelete action={deleteEndpoint} hidden={{ endpointId }} question="Delete this endpoint? Its history stays in the log." confirmLabel="Delete endpoint" pending={deleting} />
      </div>
      <ActionFeedback state={testState} />
      <ActionFeedback state={enabledState} />
      <ActionFeedback state={deleteState} />
    </div>
  );
}
