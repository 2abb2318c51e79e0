"use client";

import { useActionState, useState } from "react";
import { ActionFeedback } from "@/components/toaster";
import { Button } from "@/components/ui/button";
import { deleteScheduleAction, setPausedAction } from "../actions";

export function ScheduleControls({ scheduleId, paused }: { scheduleId: string; paused: boolean }) {
  const [pauseState, setPaused, switching] = useActionState(setPausedAction, {});
  const [deleteState, deleteSchedule, deleting] = useActionState(deleteScheduleAction, {});
  const [confirmingDelete, setConfirmingDelete] = useState(false);

  return (
    <div className="space-y-2">
      <div className="flex flex-wrap gap-2">
        <form action={setPaused}>
          <input type="hidden" name="scheduleId" value={scheduleId} />
          <input type="hidden" name="paused" value={paused ? "false" : "true"} />
          <Button type="submit" variant="secondary" disabled={switching}>
            {paused ? "Resume" : "Pause"}
          </Button>
        </form>
        {confirmingDelete ? (
          <form action={deleteSchedule} className="flex flex-wrap items-center gap-2 rounded-md bg-red-50 px-3 py-1">
            <input type="hidden" name="scheduleId" value={scheduleId} />
            <span className="text-sm text-red-900">Delete this schedule? The events it created stay in the log.</span>
            <Button type="submit" variant="danger" disabled={deleting}>
              Delete schedule
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
      <ActionFeedback state={pauseState} />
      <ActionFeedback state={deleteState} />
    </div>
  );
}
