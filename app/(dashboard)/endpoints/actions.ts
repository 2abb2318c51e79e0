"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { rotatedMessage, testEventProblem } from "@/lib/action-messages";
import { setFlash, validatedActionWithUser, type ActionState } from "@/lib/actions";
import { requireUser } from "@/lib/auth/current-user";
import { ConsumerGoneError, consumerIdOf } from "@/lib/consumers/queries";
import {
  createEndpoint,
  deleteEndpoint,
  getEndpointSecret,
  recoverFailedDeliveries,
  rotateEndpointSecret,
  setEndpointEnabled,
  updateEndpoint,
} from "@/lib/endpoints/queries";
import { sendTestEvent } from "@/lib/events/queries";
import { createEndpointSchema, endpointSettingsFormSchema, recoverFormSchema } from "@/lib/validations/endpoint";

export const createEndpointAction = validatedActionWithUser(createEndpointSchema, async (input, user) => {
  const endpoint = await createEndpoint(user.id, input);
  await setFlash(`Endpoint "${endpoint.name}" created. Send it a test event to see a delivery.`);
  redirect(`/endpoints/${endpoint.id}`);
});

const endpointIdSchema = z.object({ endpointId: z.string().min(1) });

/** `type` empty: the classic `webhook.test` greeting; else a catalog type, sent with its example. */
const testEventSchema = endpointIdSchema.extend({ type: z.string().optional().transform((type) => type || undefined) });

export const sendTestEventAction = validatedActionWithUser(testEventSchema, async ({ endpointId, type }, user): Promise<ActionState> => {
  const event = await sendTestEvent(user.id, endpointId, type);
  if (!event || typeof event === "string") return testEventProblem(event, type);
  revalidatePath(`/endpoints/${endpointId}`);
  return { message: `Test event ${event.id} queued.` };
});

export const setEnabledAction = validatedActionWithUser(
  endpointIdSchema.extend({ enabled: z.enum(["true", "false"]) }),
  async ({ endpointId, enabled }, user): Promise<ActionState> => {
    const endpoint = await setEndpointEnabled(user.id, endpointId, enabled === "true");
    if (!endpoint) return { error: "This endpoint no longer exists." };
    revalidatePath(`/endpoints/${endpointId}`);
    return { message: endpoint.enabled ? "Endpoint enabled." : "Endpoint disabled." };
  },
);

export const deleteEndpointAction = validatedActionWithUser(endpointIdSchema, async ({ endpointId }, user) => {
  if (!(await deleteEndpoint(user.id, endpointId))) return { error: "This endpoint no longer exists." };
  revalidatePath("/endpoints");
  await setFlash("Endpoint deleted. Its deliveries stay in the log.");
  redirect("/endpoints");
});

/** The secret is sent to the browser only when the user asks to see it. */
export async function revealSecretAction(endpointId: string): Promise<{ secret: string | null }> {
  const user = await requireUser();
  return { secret: await getEndpointSecret(user.id, endpointId) };
}

export const updateEndpointAction = validatedActionWithUser(
  endpointSettingsFormSchema.extend({ endpointId: z.string().min(1) }),
  async ({ endpointId, consumer, ...changes }, user): Promise<ActionState> => {
    const consumerGone = { fieldErrors: { consumer: `This account has no consumer with uid ${consumer} (deleted meanwhile?). Reload the page to see the current consumers.` } };
    let consumerId: string | null | undefined;
    if (consumer !== undefined) {
      consumerId = consumer === "" ? null : await consumerIdOf(user.id, consumer);
      if (consumerId === null && consumer !== "") return consumerGone;
    }
    let updated;
    try {
      updated = await updateEndpoint(user.id, endpointId, { ...changes, consumerId });
    } catch (error) {
      if (error instanceof ConsumerGoneError) return consumerGone;
      throw error;
    }
    if (!updated) return { error: "This endpoint no longer exists." };
    revalidatePath(`/endpoints/${endpointId}`);
    if (consumer !== undefined) {
      revalidatePath("/endpoints");
      revalidatePath("/consumers", "layout");
    }
    return { message: "Saved." };
  },
);

export const rotateSecretAction = validatedActionWithUser(endpointIdSchema, async ({ endpointId }, user): Promise<ActionState> => {
  const rotated = await rotateEndpointSecret(user.id, endpointId);
  if (!rotated) return { error: "This endpoint no longer exists." };
  revalidatePath(`/endpoints/${endpointId}`);
  return { message: rotatedMessage(rotated.previousSecretExpiresAt) };
});

export const recoverAction = validatedActionWithUser(recoverFormSchema.extend({ endpointId: z.string().min(1) }), async ({ endpointId, since }, user): Promise<ActionState> => {
  const recovered = await recoverFailedDeliveries(user.id, endpointId, new Date(since));
  if (recovered === null || recovered === "deleted") return { error: "This endpoint no longer exists." };
  revalidatePath(`/endpoints/${endpointId}`);
  return { message: recovered === 0 ? "No failed deliveries since then." : `Re-queued ${recovered} failed deliver${recovered === 1 ? "y" : "ies"}.` };
});
