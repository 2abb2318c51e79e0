"use server";

import { revalidatePath } from "next/cache";
import { validatedActionWithUser, type ActionState } from "@/lib/actions";
import { eventDataErrors } from "@/lib/event-types/check-data";
import { createEvent } from "@/lib/events/queries";
import { sendEventFormSchema } from "@/lib/validations/event";

export const sendEventAction = validatedActionWithUser(sendEventFormSchema, async ({ type, data, orderingKey }, user): Promise<ActionState> => {
  // The same check as the API's ingest: data that does not match its type's schema in the catalog is refused, nothing is stored.
  const { errors, total } = await eventDataErrors(user.id, type, JSON.parse(data));
  if (total > 0) {
    const lines = errors.map((error) => `${error.pointer || "(the data itself)"}: ${error.message}`);
    if (total > errors.length) lines.push(`…and ${total - errors.length} more.`);
    return { fieldErrors: { data: [`Does not match the schema of ${type} in your event-type catalog:`, ...lines].join("\n") } };
  }
  const event = await createEvent(user.id, { type, payload: data, orderingKey });
  revalidatePath("/events");
  return {
    message:
      event.deliveries === 0
        ? `Event ${event.id} stored, but no enabled endpoint subscribes to ${type}.`
        : `Event ${event.id} sent to ${event.deliveries} endpoint${event.deliveries === 1 ? "" : "s"}.`,
  };
});
