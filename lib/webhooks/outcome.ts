/**
 * What one attempt means for its delivery and its endpoint. Pure: time and randomness are
 * passed in, so every rule here is unit-tested without a network or a clock.
 *
 * - 2xx: succeeded; the endpoint's failure streak ends.
 * - 410 Gone: failed at once, and the endpoint is disabled.
 * - anything else: retried on the schedule (Retry-After honoured on 429/503), failed once the
 *   schedule is used up; the endpoint's failure streak grows, and a streak that is both long
 *   enough and old enough disables the endpoint.
 * - cut short by our own shutdown: back to pending, due now; says nothing about the endpoint.
 * - whatever else happened, an attempt that would retry towards an endpoint deleted meanwhile
 *   fails instead: nothing will ever claim a deleted endpoint's deliveries.
 * - a failure that makes the streak long enough opens the endpoint's circuit (circuit-breaker.ts).
 */
import type { SendResult } from "./send";
import { isGoneStatus, isSuccessStatus, nextAttemptAt } from "./retry-policy";
import { circuitPauseMs, type CircuitBreakerPolicy } from "./circuit-breaker";

export type DeliveryOutcome = "succeeded" | "retrying" | "failed";

export interface AttemptDecision {
  outcome: DeliveryOutcome;
  /** When the next attempt is due (retrying only). */
  nextAttemptAt: number | null;
  status: number | null;
  error: string | null;
  /** How the endpoint's health changes: reset on success, grow on failure, untouched otherwise. */
  endpointHealth: "success" | "failure" | "unchanged";
  /** Set when the endpoint must be disabled now, with the reason shown to the user. */
  disableEndpoint: string | null;
  /** Set when the endpoint's circuit opens (or stays open after a failed probe): no attempt before this time. */
  pauseEndpointUntil: number | null;
}

export interface EndpointHealth {
  consecutiveFailures: number;
  failingSince: number | null;
  /** The endpoint was deleted while the attempt was in flight. */
  deleted?: boolean;
}

export const ENDPOINT_DELETED_ERROR = "The endpoint was deleted";

export interface DecisionOptions {
  now: number;
  schedule: number[];
  autoDisableAfterMs: number;
  autoDisableMinFailures: number;
  circuitBreaker: CircuitBreakerPolicy;
  random?: () => number;
}

/** Human-readable reason an HTTP response counts as a failure. */
export function statusError(status: number): string {
  if (status >= 300 && status < 400) return `HTTP ${status}: redirects are not followed`;
  if (status === 410) return "HTTP 410 Gone: the endpoint was disabled";
  return `HTTP ${status}`;
}

/** Should an endpoint with this failure streak (including the failure just seen) be disabled? */
export function shouldAutoDisable(health: EndpointHealth, options: Pick<DecisionOptions, "now" | "autoDisableAfterMs" | "autoDisableMinFailures">): boolean {
  return (
    health.failingSince !== null &&
    health.consecutiveFailures >= options.autoDisableMinFailures &&
    options.now - health.failingSince >= options.autoDisableAfterMs
  );
}

function days(ms: number): string {
  const value = ms / 86_400_000;
  return value >= 1 ? `${Number(value.toFixed(1))} day(s)` : `${Math.round(ms / 60_000)} minute(s)`;
}

export function decideAttempt(
  attemptNumber: number,
  result: SendResult,
  health: EndpointHealth,
  options: DecisionOptions,
): AttemptDecision {
  const decision = decideForLiveEndpoint(attemptNumber, result, health, options);
  if (health.deleted && decision.outcome === "retrying") {
    const error = decision.error ? `${ENDPOINT_DELETED_ERROR}; last attempt: ${decision.error}` : ENDPOINT_DELETED_ERROR;
    return { ...decision, outcome: "failed", nextAttemptAt: null, error, pauseEndpointUntil: null };
  }
  return decision;
}

function decideForLiveEndpoint(
  attemptNumber: number,
  result: SendResult,
  health: EndpointHealth,
  options: DecisionOptions,
): AttemptDecision {
  const { now } = options;
  const status = result.status ?? null;
  const error = result.error ?? (status !== null && !isSuccessStatus(status) ? statusError(status) : null);

  if (result.interrupted) {
    return { outcome: "retrying", nextAttemptAt: now, status, error, endpointHealth: "unchanged", disableEndpoint: null, pauseEndpointUntil: null };
  }
  if (status !== null && isSuccessStatus(status)) {
    return { outcome: "succeeded", nextAttemptAt: null, status, error: null, endpointHealth: "success", disableEndpoint: null, pauseEndpointUntil: null };
  }
  if (status !== null && isGoneStatus(status)) {
    return {
      outcome: "failed",
      nextAttemptAt: null,
      status,
      error,
      endpointHealth: "failure",
      disableEndpoint: `The endpoint answered 410 Gone on ${new Date(now).toISOString()}, so it was disabled automatically.`,
      pauseEndpointUntil: null,
    };
  }
  const next = nextAttemptAt({
    attemptsMade: attemptNumber,
    schedule: options.schedule,
    now,
    status,
    retryAfter: result.responseHeaders?.["retry-after"],
    random: options.random,
  });
  const streak: EndpointHealth = { consecutiveFailures: health.consecutiveFailures + 1, failingSince: health.failingSince ?? now };
  const disable = shouldAutoDisable(streak, options)
    ? `Every attempt for ${days(now - streak.failingSince!)} (${streak.consecutiveFailures} in a row) failed, so the endpoint was disabled automatically on ${new Date(now).toISOString()}. Last error: ${error}.`
    : null;
  const pauseMs = disable ? null : circuitPauseMs(streak, now, options.circuitBreaker);
  return {
    outcome: next === null ? "failed" : "retrying",
    nextAttemptAt: next,
    status,
    error,
    endpointHealth: "failure",
    disableEndpoint: disable,
    pauseEndpointUntil: pauseMs === null ? null : now + pauseMs,
  };
}
