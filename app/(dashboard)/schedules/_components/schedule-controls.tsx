"use client";

import { useActionState } from "react";
import { ConfirmDelete } from "@/components/confirm-delete";
import { ActionFeedback } from "@/components/toaster";
import { Button } from "@/components/ui/button";
import { deleteScheduleAction, setPausedAction } from "../actions";

export function ScheduleControls({ scheduleId, paused }: { scheduleId: string; paused: boolean }) {
  const [pauseState, setPaused, switching] = useActionState(setPausedAction, {});
  const [deleteState, deleteSchedule, deleting] = useActionState(deleteScheduleAction, {});

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
        <ConfirmDelete action={deleteSchedule} hidden={{ scheduleId }} question="Delete this schedule? The events it created stay in the log." confirmLabel="Delete schedule" pending={deleting} />
      </div>
      <ActionFeedback state={pauseState} />
      <ActionFeedback state={deleteState} />
    </div>
  );
}
