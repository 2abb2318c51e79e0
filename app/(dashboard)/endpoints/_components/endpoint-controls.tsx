"use client";

import { useActionState, useState } from "react";
import { ActionFeedback } from "@/components/toaster";
import { Button } from "@/components/ui/button";
import { deleteEndpointAction, sendTestEventAction, setEnabledAction } from "../actions";

export function EndpointControls({ endpointId, enabled }: { endpointId: string; enabled: boolean }) {
  const [testState, sendTest, sendingTest] = useActionState(sendTestEventAction, {});
  const [enabledState, setEnabled, switching] = useActionState(setEnabledAction, {});
  const [deleteState, deleteEndpoint, deleting] = useActionState(deleteEndpointAction, {});
  const [confirmingDelete, setConfirmingDelete] = useState(false);

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
        {confirmingDelete ? (
          <form action={deleteEndpoint} className="flex items-center gap-2 rounded-md bg-red-50 px-3 py-1">
            <input type="hidden" name="endpointId" value={endpointId} />
            <span className="text-sm text-red-900">Delete this endpoint? Its history stays in the log.</span>
            <Button type="submit" variant="danger" disabled={deleting}>
              Delete endpoint
            </Button>
            <Button type="button" variant="secondary" onClick={() => setConfirmingDelete(false)}>
              Cancel
            </Button>
          </form>
        ) : (
          <Button type="button" variant="danger" onClick={() => setConfirmingDelete(true)}>
            Delete
          </Button>
        )}
      </div>
      <ActionFeedback state={testState} />
      <ActionFeedback state={enabledState} />
      <ActionFeedback state={deleteState} />
    </div>
  );
}
