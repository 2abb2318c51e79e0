import { describe, expect, it } from "vitest";
import { decideAttempt, shouldAutoDisable, type DecisionOptions } from "@/lib/worker/outcome";

const now = Date.UTC(2026, 10, 28, 12);
const options: DecisionOptions = { now, schedule: [0, 5000, 60_000], autoDisableAfterMs: 5 * 86_400_000, autoDisableMinFailures: 20, random: () => 0.5 };
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

describe("shouldAutoDisable", () => {
  it("needs a streak start, the minimum count and the minimum age", () => {
    const base = { now, autoDisableAfterMs: 1000, autoDisableMinFailures: 3 };
    expect(shouldAutoDisable({ consecutiveFailures: 3, failingSince: now - 1000 }, base)).toBe(true);
    expect(shouldAutoDisable({ consecutiveFailures: 2, failingSince: now - 1000 }, base)).toBe(false);
    expect(shouldAutoDisable({ consecutiveFailures: 3, failingSince: now - 999 }, base)).toBe(false);
    expect(shouldAutoDisable({ consecutiveFailures: 3, failingSince: null }, base)).toBe(false);
  });
});
