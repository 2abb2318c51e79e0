"use client";

import { useActionState } from "react";
import { ConfirmDelete } from "@/components/confirm-delete";
import { ActionFeedback } from "@/components/toaster";
import { Button } from "@/components/ui/button";
import type { FormAction } from "@/lib/actions";

export interface EndpointControlActions {
  sendTestEvent: FormAction;
  setEnabled: FormAction;
  deleteEndpoint: FormAction;
}

/** `testTypes`: the catalog's types that have an example, which a test event can carry instead of the greeting. */
export function EndpointControls({
  endpointId,
  enabled,
  testTypes,
  actions,
}: {
  endpointId: string;
  enabled: boolean;
  testTypes: Array<{ name: string; deprecated: boolean }>;
  actions: EndpointControlActions;
}) {
  const [testState, sendTest, sendingTest] = useActionState(actions.sendTestEvent, {});
  const [enabledState, setEnabled, switching] = useActionState(actions.setEnabled, {});
  const [deleteState, deleteEndpoint, deleting] = useActionState(actions.deleteEndpoint, {});
  const typeError = testState.fieldErrors?.type;

  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-center gap-2">
        <form action={sendTest} className="flex flex-wrap items-center gap-2">
          <input type="hidden" name="endpointId" value={endpointId} />
          <label htmlFor="test-event-type" className="text-sm font-medium text-slate-800">
            Test event type
          </label>
          <select
            id="test-event-type"
            name="type"
            defaultValue={testState.values?.type ?? ""}
            aria-invalid={typeError ? true : undefined}
            aria-describedby={typeError ? "test-event-type-error" : undefined}
            className={`rounded-md border bg-white px-3 py-2 text-sm shadow-sm focus:outline-none focus:ring-2 ${typeError ? "border-red-400 focus:ring-red-300" : "border-slate-300 focus:ring-indigo-300"}`}
          >
            <option value="">webhook.test</option>
            {testTypes.map((type) => (
              <option key={type.name} value={type.name}>
                {/* A catalog entry may reuse the greeting's name: say which one sends the example. */}
                {type.name === "webhook.test" ? "webhook.test (catalog example)" : type.deprecated ? `${type.name} (deprecated)` : type.name}
              </option>
            ))}
          </select>
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
      {typeError && (
        <p id="test-event-type-error" className="text-sm text-red-700">
          {typeError}
        </p>
      )}
      <ActionFeedback state={testState} />
      <ActionFeedback state={enabledState} />
      <ActionFeedback state={deleteState} />
    </div>
  );
}
