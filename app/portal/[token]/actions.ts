"use server";

// The portal's forms (SPEC §12). Each checks the link on every call (validatedPortalAction),
// then that what it touches is the session's consumer's, before the same lib code the dashboard
// uses: so the SSRF guard, quotas and validation are the account's, and a foreign id reads as gone.
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { PORTAL_ENDED, validatedPortalAction, type ActionState } from "@/lib/actions";
import { ConsumerGoneError } from "@/lib/consumers/queries";
import { retryDelivery } from "@/lib/deliveries/queries";
import { createEndpoint, deleteEndpoint, getEndpointSecret, rotateEndpointSecret, setEndpointEnabled, updateEndpoint } from "@/lib/endpoints/queries";
import { sendTestEvent } from "@/lib/events/queries";
import { portalDeliveryEndpoint, portalOwnsEndpoint, portalSession, type PortalSession } from "@/lib/portal/queries";
import { createEndpointSchema, endpointSettingsFormSchema } from "@/lib/validations/endpoint";
import { RETRY_QUEUED, retryErrors, rotatedMessage, testEventProblem } from "@/lib/action-messages";

const GONE = "This endpoint no longer exists.";

const endpointIdSchema = z.object({ endpointId: z.string().min(1) });

function revalidatePortal(session: PortalSession): void {
  revalidatePath(`/portal/${session.token}`, "layout");
}

export const createEndpointPortalAction = validatedPortalAction(createEndpointSchema, async (input, session) => {
  let endpoint;
  try {
    endpoint = await createEndpoint(session.userId, { ...input, consumerId: session.consumer.id }, { portal: true });
  } catch (error) {
    // The account deleted this consumer after the link was checked: the link has ended with it.
    if (error instanceof ConsumerGoneError) return { error: PORTAL_ENDED };
    throw error;
  }
  revalidatePortal(session);
  redirect(`/portal/${session.token}/endpoints/${endpoint.id}`);
});

/** Runs `work` on an endpoint of the session's consumer; any other id is gone. */
async function ownEndpoint(session: PortalSession, endpointId: string, work: () => Promise<ActionState>): Promise<ActionState> {
  if (!(await portalOwnsEndpoint(session, endpointId))) return { error: GONE };
  return work();
}

const testEventSchema = endpointIdSchema.extend({ type: z.string().optional().transform((type) => type || undefined) });

export const sendTestEventPortalAction = validatedPortalAction(testEventSchema, async ({ endpointId, type }, session) =>
  ownEndpoint(session, endpointId, async () => {
    const event = await sendTestEvent(session.userId, endpointId, type);
    if (!event || typeof event === "string") return testEventProblem(event, type);
    revalidatePortal(session);
    return { message: `Test event ${event.id} queued.` };
  }),
);

export const setEnabledPortalAction = validatedPortalAction(endpointIdSchema.extend({ enabled: z.enum(["true", "false"]) }), async ({ endpointId, enabled }, session) =>
  ownEndpoint(session, endpointId, async () => {
    const endpoint = await setEndpointEnabled(session.userId, endpointId, enabled === "true");
    if (!endpoint) return { error: GONE };
    revalidatePortal(session);
    return { message: endpoint.enabled ? "Endpoint enabled." : "Endpoint disabled." };
  }),
);

export const deleteEndpointPortalAction = validatedPortalAction(endpointIdSchema, async ({ endpointId }, session) => {
  const deleted = await ownEndpoint(session, endpointId, async () => ((await deleteEndpoint(session.userId, endpointId)) ? {} : { error: GONE }));
  if (deleted.error) return deleted;
  revalidatePortal(session);
  redirect(`/portal/${session.token}`);
});

// The consumer is the session's, not a setting: a `consumer` field posted anyway is dropped.
export const updateEndpointPortalAction = validatedPortalAction(
  endpointSettingsFormSchema.omit({ consumer: true }).extend({ endpointId: z.string().min(1) }),
  async ({ endpointId, ...changes }, session) =>
    ownEndpoint(session, endpointId, async () => {
      if (!(await updateEndpoint(session.userId, endpointId, changes))) return { error: GONE };
      revalidatePortal(session);
      return { message: "Saved." };
    }),
);

export const rotateSecretPortalAction = validatedPortalAction(endpointIdSchema, async ({ endpointId }, session) =>
  ownEndpoint(session, endpointId, async () => {
    const rotated = await rotateEndpointSecret(session.userId, endpointId);
    if (!rotated) return { error: GONE };
    revalidatePortal(session);
    return { message: rotatedMessage(rotated.previousSecretExpiresAt) };
  }),
);

/** The secret goes to the browser only when asked for, and only for the session's consumer's endpoints. */
export async function revealSecretPortalAction(token: string, endpointId: string): Promise<{ secret: string | null }> {
  const session = await portalSession(token);
  if (!session || !(await portalOwnsEndpoint(session, endpointId))) return { secret: null };
  return { secret: await getEndpointSecret(session.userId, endpointId) };
}

export const retryDeliveryPortalAction = validatedPortalAction(z.object({ deliveryId: z.string().min(1) }), async ({ deliveryId }, session) => {
  if (!(await portalDeliveryEndpoint(session, deliveryId))) return { error: retryErrors.not_found };
  const result = await retryDelivery(session.userId, deliveryId);
  if (!result.ok) return { error: retryErrors[result.reason] };
  revalidatePortal(session);
  return { message: RETRY_QUEUED };
});
