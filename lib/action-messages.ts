/**
 * What the dashboard's and the portal's forms say when an endpoint or delivery action cannot be
 * done: the same words in both, from one place.
 */
import type { ActionState } from "./actions";
import type { RetryResult } from "./deliveries/queries";
import type { TestEventTypeProblem } from "./events/queries";

/** Why a test event was not sent (sendTestEvent's answers other than the event). */
export function testEventProblem(problem: null | "disabled" | TestEventTypeProblem, type: string | undefined): ActionState {
  if (problem === null) return { error: "This endpoint no longer exists." };
  if (problem === "disabled") return { error: "The endpoint is disabled: enable it to send a test event." };
  if (problem === "unknown-type") return { fieldErrors: { type: `${type} is not in the event-type catalog (deleted meanwhile?). Reload the page to see the current types.` } };
  return { fieldErrors: { type: `${type} has no example to send: add one on its event type page.` } };
}

export function rotatedMessage(previousSecretExpiresAt: string): string {
  return `New secret in use. The previous one keeps signing alongside it until ${previousSecretExpiresAt.replace("T", " ").slice(0, 16)} UTC.`;
}

export const RETRY_QUEUED = "Queued: the worker will attempt it again now.";

export const retryErrors: Record<Extract<RetryResult, { ok: false }>["reason"], string> = {
  not_found: "This delivery no longer exists.",
  in_progress: "This delivery is already queued or in flight.",
  endpoint_deleted: "This delivery's endpoint was deleted, so it cannot be attempted again.",
};
