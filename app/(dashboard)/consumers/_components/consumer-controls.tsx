"use client";

import { useActionState } from "react";
import { ConfirmDelete } from "@/components/confirm-delete";
import { ActionFeedback } from "@/components/toaster";
import { deleteConsumerAction } from "../actions";

export function ConsumerControls({ uid, endpointCount }: { uid: string; endpointCount: number }) {
  const [deleteState, deleteConsumer, deleting] = useActionState(deleteConsumerAction, {});
  // Said even with none listed: one added meanwhile goes with it too.
  const question = `Delete this consumer? Its endpoints${endpointCount ? ` (${endpointCount})` : ""} are deleted too; their deliveries stay in the log.`;
  return (
    <div className="space-y-2">
      <ConfirmDelete action={deleteConsumer} hidden={{ uid }} question={question} confirmLabel="Delete consumer" pending={deleting} />
      <ActionFeedback state={deleteState} />
    </div>
  );
}
