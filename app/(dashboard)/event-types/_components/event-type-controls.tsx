"use client";

import { useActionState } from "react";
import { ConfirmDelete } from "@/components/confirm-delete";
import { ActionFeedback } from "@/components/toaster";
import { deleteEventTypeAction } from "../actions";

export function EventTypeControls({ name }: { name: string }) {
  const [deleteState, deleteEventType, deleting] = useActionState(deleteEventTypeAction, {});
  return (
    <div className="space-y-2">
      <ConfirmDelete
        action={deleteEventType}
        hidden={{ name }}
        question="Delete this event type? Its events are no longer checked against the schema; past events stay in the log."
        confirmLabel="Delete event type"
        pending={deleting}
      />
      <ActionFeedback state={deleteState} />
    </div>
  );
}
