/**
 * The per-endpoint circuit breaker: an endpoint that keeps failing stops costing anything.
 *
 * Contract (pure; time is passed in):
 * - closed: attempts start as usual.
 * - open: after `failures` failed attempts in a row the endpoint is paused until
 *   `circuitOpenUntil`. No attempt starts towards it; its deliveries wait in order, neither
 *   failed nor skipped, and their retry schedules are not used up meanwhile.
 * - probing: once the pause is over, the claim takes one delivery (the oldest due) and holds
 *   the circuit for the length of the attempt's lease, so no other worker probes at the same time.
 *   A success closes the circuit (the failure streak resets, every waiting delivery resumes);
 *   a failure opens it again for a longer pause.
 * The pause grows with how long the endpoint has been failing (at least `minPauseMs`, at most
 * `maxPauseMs`), so probing costs at most about one attempt per doubling of the outage, and an
 * endpoint that comes back is noticed within about as long as it was gone.
 */

export interface CircuitBreakerPolicy {
  /** Failures in a row that open the circuit. */
  failures: number;
  minPauseMs: number;
  maxPauseMs: number;
}

/** How long to pause after a failure that leaves the streak at `consecutiveFailures`, or null to stay closed. */
export function circuitPauseMs(
  streak: { consecutiveFailures: number; failingSince: number | null },
  now: number,
  policy: CircuitBreakerPolicy,
): number | null {
  if (streak.consecutiveFailures < policy.failures) return null;
  const failingFor = streak.failingSince === null ? 0 : Math.max(0, now - streak.failingSince);
  return Math.min(policy.maxPauseMs, Math.max(policy.minPauseMs, failingFor));
}

export type CircuitState = "closed" | "open" | "probing";

/** What a claim may do with an endpoint now: claim freely, nothing (paused), or one probe. */
export function circuitState(
  endpoint: { consecutiveFailures: number; circuitOpenUntil: number | null },
  now: number,
  policy: Pick<CircuitBreakerPolicy, "failures">,
): CircuitState {
  if (endpoint.circuitOpenUntil !== null && endpoint.circuitOpenUntil > now) return "open";
  return endpoint.consecutiveFailures >= policy.failures ? "probing" : "closed";
}
