"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { setFlash, validatedActionWithUser, type ActionState } from "@/lib/actions";
import { createSchedule, deleteSchedule, setSchedulePaused, updateSchedule } from "@/lib/schedules/queries";
import { scheduleFormSchema } from "@/lib/validations/schedule";

export const createScheduleAction = validatedActionWithUser(scheduleFormSchema, async (input, user): Promise<ActionState> => {
  const created = await createSchedule(user.id, { ...input, paused: false });
  if ("fieldErrors" in created) return { fieldErrors: created.fieldErrors };
  revalidatePath("/schedules");
  await setFlash(created.paused ? `Schedule "${created.name}" created, paused.` : `Schedule "${created.name}" created. Its first tick is at ${created.nextRunAt?.slice(11, 19)} UTC.`);
  redirect(`/schedules/${created.id}`);
});

const scheduleIdSchema = z.object({ scheduleId: z.string().min(1) });

export const updateScheduleAction = validatedActionWithUser(scheduleFormSchema.extend(scheduleIdSchema.shape), async ({ scheduleId, ...changes }, user): Promise<ActionState> => {
  const updated = await updateSchedule(user.id, scheduleId, changes);
  if (!updated) return { error: "This schedule no longer exists." };
  if ("fieldErrors" in updated) return { fieldErrors: updated.fieldErrors };
  revalidatePath(`/schedules/${scheduleId}`);
  return { message: "Saved." };
});

export const setPausedAction = validatedActionWithUser(
  scheduleIdSchema.extend({ paused: z.enum(["true", "false"]) }),
  async ({ scheduleId, paused }, user): Promise<ActionState> => {
    const schedule = await setSchedulePaused(user.id, scheduleId, paused === "true");
    if (!schedule) return { error: "This schedule no longer exists." };
    revalidatePath(`/schedules/${scheduleId}`);
    return { message: schedule.paused ? "Schedule paused: it creates no events until resumed." : "Schedule resumed." };
  },
);

export const deleteScheduleAction = validatedActionWithUser(scheduleIdSchema, async ({ scheduleId }, user) => {
  if (!(await deleteSchedule(user.id, scheduleId))) return { error: "This schedule no longer exists." };
  revalidatePath("/schedules");
  await setFlash("Schedule deleted. The events it created stay in the log.");
  redirect("/schedules");
});
