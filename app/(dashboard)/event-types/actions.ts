"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { setFlash, validatedActionWithUser, type ActionState } from "@/lib/actions";
import { createEventType, deleteEventType, updateEventType, type EventTypeProblem } from "@/lib/event-types/queries";
import { eventTypeFormSchema, newEventTypeFormSchema } from "@/lib/validations/event-type";

/**
 * The catalog's refusals as the form's field errors. An example that does not match its schema
 * comes keyed `example/<JSON pointer>`: every problem shows beside Example, one per line, each
 * with the place in the example it is about.
 */
function problemFieldErrors(problem: EventTypeProblem): Record<string, string> {
  if ("conflict" in problem) return { name: problem.conflict };
  const lines: Record<string, string[]> = {};
  for (const [key, messages] of Object.entries(problem.fieldErrors)) {
    const field = key.split("/")[0];
    const pointer = key.slice(field.length);
    for (const message of messages) (lines[field] ??= []).push(pointer ? `${pointer}: ${message}` : message);
  }
  return Object.fromEntries(Object.entries(lines).map(([field, messages]) => [field, messages.join("\n")]));
}

export const createEventTypeAction = validatedActionWithUser(newEventTypeFormSchema, async (input, user): Promise<ActionState> => {
  const created = await createEventType(user.id, input);
  if ("conflict" in created || "fieldErrors" in created) return { fieldErrors: problemFieldErrors(created) };
  revalidatePath("/event-types");
  await setFlash(`Event type ${created.name} added to the catalog.`);
  redirect(`/event-types/${created.name}`);
});

const eventTypeNameSchema = z.object({ name: z.string().min(1) });

export const updateEventTypeAction = validatedActionWithUser(eventTypeFormSchema.extend(eventTypeNameSchema.shape), async ({ name, ...changes }, user): Promise<ActionState> => {
  const updated = await updateEventType(user.id, name, changes);
  if (!updated) return { error: "This event type no longer exists." };
  if ("conflict" in updated || "fieldErrors" in updated) return { fieldErrors: problemFieldErrors(updated) };
  revalidatePath(`/event-types/${name}`);
  revalidatePath("/event-types");
  return { message: "Saved." };
});

export const deleteEventTypeAction = validatedActionWithUser(eventTypeNameSchema, async ({ name }, user) => {
  if (!(await deleteEventType(user.id, name))) return { error: "This event type no longer exists." };
  revalidatePath("/event-types");
  await setFlash(`Event type ${name} deleted. Its past events stay in the log.`);
  redirect("/event-types");
});
