import { describe, expect, it } from "vitest";
import { circuitPauseMs, circuitState } from "@/lib/webhooks/circuit-breaker";

const now = Date.UTC(2026, 10, 30, 12);
const policy = { failures: 3, minPauseMs: 1000, maxPauseMs: 60_000 };

describe("circuitPauseMs", () => {
  it("is null below the threshold", () => {
    expect(circuitPauseMs({ consecutiveFailures: 2, failingSince: now - 10_000 }, now, policy)).toBeNull();
  });

  it("grows with how long the endpoint has been failing, between the minimum and the maximum", () => {
    expect(circuitPauseMs({ consecutiveFailures: 3, failingSince: now - 10 }, now, policy)).toBe(1000);
    expect(circuitPauseMs({ consecutiveFailures: 4, failingSince: now - 7000 }, now, policy)).toBe(7000);
    expect(circuitPauseMs({ consecutiveFailures: 9, failingSince: now - 3_600_000 }, now, policy)).toBe(60_000);
    expect(circuitPauseMs({ consecutiveFailures: 3, failingSince: null }, now, policy)).toBe(1000);
  });
});

describe("circuitState", () => {
  it("is closed for a healthy endpoint or a short streak", () => {
    expect(circuitState({ consecutiveFailures: 0, circuitOpenUntil: null }, now, policy)).toBe("closed");
    expect(circuitState({ consecutiveFailures: 2, circuitOpenUntil: null }, now, policy)).toBe("closed");
  });

  it("is open until the pause ends", () => {
    expect(circuitState({ consecutiveFailures: 5, circuitOpenUntil: now + 1 }, now, policy)).toBe("open");
  });

  it("allows one probe once the pause is over", () => {
    expect(circuitState({ consecutiveFailures: 5, circuitOpenUntil: now }, now, policy)).toBe("probing");
    expect(circuitState({ consecutiveFailures: 5, circuitOpenUntil: null }, now, policy)).toBe("probing");
  });
});
