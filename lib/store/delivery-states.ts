/**
 * The delivery state machine (SPEC §9): the only place that says which status a delivery may
 * move to, and from which. Every statement that writes `Delivery.status` — SQL in the store's
 * operations or a Prisma `updateMany` — takes both its guard (`from`) and its new status (`to`)
 * from `TRANSITIONS`, so a row can never land in a state nothing will move it out of (e.g.
 * `pending` towards a deleted endpoint). tests/unit/delivery-states.test.ts walks every pair and
 * greps the code base for status writes made anywhere else.
 *
 *   pending ──claim──▶ delivering ──succeed──▶ succeeded
 *      ▲                  │ ├───fail───▶ failed   (schedule used up, 410, endpoint deleted meanwhile,
 *      ├──retryLater──────┘ │                      or its worker died after the endpoint was deleted)
 *      └──leaseExpired──────┘ (its worker died; endpoint live)
 *   pending ──endpointDeleted──▶ failed   (one in flight ends with its attempt: succeed or fail)
 *   failed | succeeded ──retry (by hand)──▶ pending        } live endpoints only:
 *   failed ──recover (endpoint fixed)──▶ pending           } 409 otherwise
 */

export const DELIVERY_STATUSES = ["pending", "delivering", "succeeded", "failed"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** A new delivery (an event's fan-out) starts here, due at once. */
export const INITIAL_STATUS: DeliveryStatus = "pending";

interface Transition {
  from: readonly DeliveryStatus[];
  to: DeliveryStatus;
  /** Only while the delivery's endpoint exists (is not deleted). */
  liveEndpointOnly: boolean;
}

export const TRANSITIONS = {
  /** A worker leases a due delivery (the endpoint must also be enabled and its circuit closed). */
  claim: { from: ["pending"], to: "delivering", liveEndpointOnly: true },
  /** The attempt got a 2xx. */
  succeed: { from: ["delivering"], to: "succeeded", liveEndpointOnly: false },
  /** The attempt failed and the retry schedule has another try (or our shutdown cut it short). */
  retryLater: { from: ["delivering"], to: "pending", liveEndpointOnly: true },
  /** The attempt failed for good (schedule used up, 410 Gone, the endpoint deleted meanwhile), or
   * its worker died and the endpoint was deleted meanwhile. */
  fail: { from: ["delivering"], to: "failed", liveEndpointOnly: false },
  /** The worker holding the lease died: attempt again. */
  leaseExpired: { from: ["delivering"], to: "pending", liveEndpointOnly: true },
  /** The endpoint was deleted: its waiting deliveries end (one in flight ends with its attempt). */
  endpointDeleted: { from: ["pending"], to: "failed", liveEndpointOnly: false },
  /** Retry (failed) or replay (succeeded) by hand from the dashboard or the API. */
  retry: { from: ["failed", "succeeded"], to: "pending", liveEndpointOnly: true },
  /** Recover an endpoint's failed deliveries (after it was fixed and re-enabled). */
  recover: { from: ["failed"], to: "pending", liveEndpointOnly: true },
} as const satisfies Record<string, Transition>;

export type TransitionName = keyof typeof TRANSITIONS;

/**
 * The status `name` moves a delivery in `status` to, or null when that transition does not apply
 * (wrong status, or an endpoint-bound transition towards a deleted endpoint).
 */
export function nextStatus(status: DeliveryStatus, name: TransitionName, endpoint: { deleted: boolean }): DeliveryStatus | null {
  const transition: Transition = TRANSITIONS[name];
  if (!transition.from.includes(status)) return null;
  if (transition.liveEndpointOnly && endpoint.deleted) return null;
  return transition.to;
}

/** SQL pieces for a transition, for the store's statements: `SET status = ${to} … WHERE status IN ${from}`. */
export function sqlTransition(name: TransitionName): { to: string; from: string } {
  const transition: Transition = TRANSITIONS[name];
  return { to: `'${transition.to}'`, from: `(${transition.from.map((status) => `'${status}'`).join(", ")})` };
}

/** A status as a SQL literal, for reads (`WHERE status = ${sqlStatus("pending")}`). */
export function sqlStatus(status: DeliveryStatus): string {
  return `'${status}'`;
}

/** Prisma pieces for a transition: `updateMany({ where: { …, ...guard }, data: { …, ...set } })`. */
export function prismaTransition(name: TransitionName): {
  guard: { status: { in: DeliveryStatus[] } };
  set: { status: DeliveryStatus };
} {
  const transition: Transition = TRANSITIONS[name];
  return { guard: { status: { in: [...transition.from] } }, set: { status: transition.to } };
}
