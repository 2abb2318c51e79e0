"use server";

import { revalidatePath } from "next/cache";
import { validatedActionWithUser, type ActionState } from "@/lib/actions";
import { createEvent } from "@/lib/events/queries";
import { sendEventFormSchema } from "@/lib/validations/event";

export const sendEventAction = validatedActionWithUser(sendEventFormSchema, async ({ type, data }, user): Promise<ActionState> => {
  const event = await createEvent(user.id, { type, payload: data });
  revalidatePath("/events");
  return {
    message:
      event.deliveries === 0
        ? `Event ${event.id} stored, but no enabled endpoint subscribes to ${type}.`
        : `Event ${event.id} sent to ${event.deliveries} endpoint${event.deliveries === 1 ? "" : "s"}.`,
  };
});
