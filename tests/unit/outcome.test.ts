import { describe, expect, it } from "vitest";
import { decideAttempt, shouldAutoDisable, type DecisionOptions } from "@/lib/webhooks/outcome";

const now = Date.UTC(2026, 10, 28, 12);
const options: DecisionOptions = {
  now,
  schedule: [0, 5000, 60_000],
  autoDisableAfterMs: 5 * 86_400_000,
  autoDisableMinFailures: 20,
  circuitBreaker: { failures: 5, minPauseMs: 5000, maxPauseMs: 300_000 },
  random: () => 0.5,
};
const healthy = { consecutiveFailures: 0, failingSince: null };

describe("decideAttempt", () => {
  it("2xx succeeds and resets the endpoint's failure streak", () => {
    const decision = decideAttempt(1, { durationMs: 5, status: 204 }, { consecutiveFailures: 7, failingSince: now - 1000 }, options);
    expect(decision).toMatchObject({ outcome: "succeeded", nextAttemptAt: null, error: null, endpointHealth: "success", disableEndpoint: null });
  });

  it("a failure is retried on the schedule and grows the streak", () => {
    const decision = decideAttempt(1, { durationMs: 5, status: 500 }, healthy, options);
    expect(decision).toMatchObject({ outcome: "retrying", nextAttemptAt: now + 5000, error: "HTTP 500", endpointHealth: "failure", disableEndpoint: null });
  });

  it("fails for good once the schedule is used up", () => {
    const decision = decideAttempt(3, { durationMs: 5, error: "Connection refused by x" }, healthy, options);
    expect(decision).toMatchObject({ outcome: "failed", nextAttemptAt: null, error: "Connection refused by x", status: null });
  });

  it("3xx is a failure that names the redirect", () => {
    expect(decideAttempt(1, { durationMs: 5, status: 302 }, healthy, options).error).toMatch(/redirects are not followed/);
  });

  it("410 fails at once and disables the endpoint", () => {
    const decision = decideAttempt(1, { durationMs: 5, status: 410 }, healthy, options);
    expect(decision.outcome).toBe("failed");
    expect(decision.disableEndpoint).toMatch(/410 Gone/);
  });

  it("an attempt interrupted by shutdown is re-queued now and says nothing about the endpoint", () => {
    const decision = decideAttempt(2, { durationMs: 5, error: "Interrupted", interrupted: true }, healthy, options);
    expect(decision).toMatchObject({ outcome: "retrying", nextAttemptAt: now, endpointHealth: "unchanged", disableEndpoint: null });
  });

  it("disables the endpoint when the streak is both long enough and old enough", () => {
    const longAndOld = { consecutiveFailures: 19, failingSince: now - 5 * 86_400_000 };
    const decision = decideAttempt(1, { durationMs: 5, status: 503 }, longAndOld, options);
    expect(decision.disableEndpoint).toMatch(/20 in a row/);
    expect(decision.disableEndpoint).toMatch(/5 day/);
    expect(decideAttempt(1, { durationMs: 5, status: 503 }, { ...longAndOld, consecutiveFailures: 10 }, options).disableEndpoint).toBeNull();
    expect(decideAttempt(1, { durationMs: 5, status: 503 }, { ...longAndOld, failingSince: now - 86_400_000 }, options).disableEndpoint).toBeNull();
  });
});

describe("decideAttempt: deleted endpoints", () => {
  const deleted = { ...healthy, deleted: true };

  it("an attempt that would retry towards a deleted endpoint fails instead, saying why", () => {
    const decision = decideAttempt(1, { durationMs: 5, status: 500 }, deleted, options);
    expect(decision).toMatchObject({ outcome: "failed", nextAttemptAt: null, error: "The endpoint was deleted; last attempt: HTTP 500" });
  });

  it("so does one interrupted by shutdown", () => {
    const decision = decideAttempt(1, { durationMs: 5, error: "Interrupted", interrupted: true }, deleted, options);
    expect(decision).toMatchObject({ outcome: "failed", nextAttemptAt: null });
  });

  it("a success still counts", () => {
    expect(decideAttempt(1, { durationMs: 5, status: 200 }, deleted, options).outcome).toBe("succeeded");
  });
});

describe("decideAttempt: circuit breaker", () => {
  it("stays closed below the threshold", () => {
    const decision = decideAttempt(1, { durationMs: 5, status: 500 }, { consecutiveFailures: 3, failingSince: now - 1000 }, options);
    expect(decision.pauseEndpointUntil).toBeNull();
  });

  it("opens on the failure that reaches the threshold, for the minimum pause", () => {
    const decision = decideAttempt(1, { durationMs: 5, status: 500 }, { consecutiveFailures: 4, failingSince: now - 1000 }, options);
    expect(decision.pauseEndpointUntil).toBe(now + 5000);
    // The delivery itself is retried on its own schedule; the pause only holds its endpoint.
    expect(decision).toMatchObject({ outcome: "retrying", nextAttemptAt: now + 5000 });
  });

  it("a failed probe pauses for as long as the endpoint has been failing, up to the maximum", () => {
    const minutes = (n: number) => n * 60_000;
    expect(decideAttempt(1, { durationMs: 5, error: "refused" }, { consecutiveFailures: 9, failingSince: now - minutes(2) }, options).pauseEndpointUntil).toBe(
      now + minutes(2),
    );
    expect(decideAttempt(1, { durationMs: 5, error: "refused" }, { consecutiveFailures: 30, failingSince: now - minutes(60) }, options).pauseEndpointUntil).toBe(
      now + minutes(5),
    );
  });

  it("does not pause an endpoint it disables", () => {
    const decision = decideAttempt(1, { durationMs: 5, status: 503 }, { consecutiveFailures: 19, failingSince: now - 5 * 86_400_000 }, options);
    expect(decision.disableEndpoint).not.toBeNull();
    expect(decision.pauseEndpointUntil).toBeNull();
  });
});

describe("shouldAutoDisable", () => {
  it("needs a streak start, the minimum count and the minimum age", () => {
    const base = { now, autoDisableAfterMs: 1000, autoDisableMinFailures: 3 };
    expect(shouldAutoDisable({ consecutiveFailures: 3, failingSince: now - 1000 }, base)).toBe(true);
    expect(shouldAutoDisable({ consecutiveFailures: 2, failingSince: now - 1000 }, base)).toBe(false);
    expect(shouldAutoDisable({ consecutiveFailures: 3, failingSince: now - 999 }, base)).toBe(false);
    expect(shouldAutoDisable({ consecutiveFailures: 3, failingSince: null }, base)).toBe(false);
  });
});
