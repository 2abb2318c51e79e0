import { describe, expect, it } from "vitest";
import {
  clearFailures,
  MAX_FAILURES,
  recordFailure,
  retryAfterMs,
  signInKeys,
  throttledMessage,
  WINDOW_MS,
  type FailureStore,
} from "@/lib/auth/throttle";

describe("sign-in throttling", () => {
  const keys = ["email:a@example.com", "ip:1.2.3.4"];

  it("allows attempts until the limit, then refuses until the oldest failure ages out", () => {
    const store: FailureStore = new Map();
    const start = 1_000_000;
    for (let i = 0; i < MAX_FAILURES - 1; i++) recordFailure(store, keys, start + i);
    expect(retryAfterMs(store, keys, start + MAX_FAILURES)).toBe(0);
    recordFailure(store, keys, start + MAX_FAILURES - 1);
    const wait = retryAfterMs(store, keys, start + MAX_FAILURES);
    expect(wait).toBe(start + WINDOW_MS - (start + MAX_FAILURES));
    expect(retryAfterMs(store, keys, start + WINDOW_MS)).toBe(0);
  });

  it("throttles by any key: the same address trying many emails is stopped too", () => {
    const store: FailureStore = new Map();
    for (let i = 0; i < MAX_FAILURES; i++) recordFailure(store, [`email:user${i}@example.com`, "ip:9.9.9.9"], 5_000 + i);
    expect(retryAfterMs(store, ["email:fresh@example.com", "ip:9.9.9.9"], 6_000)).toBeGreaterThan(0);
    expect(retryAfterMs(store, ["email:fresh@example.com", "ip:8.8.8.8"], 6_000)).toBe(0);
  });

  it("a successful sign-in clears the email's failures", () => {
    const store: FailureStore = new Map();
    for (let i = 0; i < MAX_FAILURES; i++) recordFailure(store, keys, i);
    clearFailures(store, [keys[0]]);
    expect(retryAfterMs(store, [keys[0]], MAX_FAILURES)).toBe(0);
    expect(retryAfterMs(store, [keys[1]], MAX_FAILURES)).toBeGreaterThan(0);
  });

  it("honours configured limits", () => {
    const store: FailureStore = new Map();
    const limits = { maxFailures: 3, windowMs: 4_000 };
    for (let i = 0; i < 2; i++) recordFailure(store, keys, 100 + i, limits);
    expect(retryAfterMs(store, keys, 200, limits)).toBe(0);
    recordFailure(store, keys, 102, limits);
    expect(retryAfterMs(store, keys, 200, limits)).toBe(100 + 4_000 - 200);
    expect(retryAfterMs(store, keys, 4_100, limits)).toBe(0);
    // Failures older than the window are forgotten when the next one is recorded.
    recordFailure(store, keys, 10_000, limits);
    expect(store.get(keys[0])).toEqual([10_000]);
  });

  it("keys an attempt by email and by the address the nearest proxy saw (right-most x-forwarded-for)", () => {
    expect(signInKeys("a@example.com", "203.0.113.9")).toEqual(["email:a@example.com", "ip:203.0.113.9"]);
    // The left entries come from the client and could be forged; the right-most was added by the proxy.
    expect(signInKeys("a@example.com", "1.1.1.1, 10.0.0.2 , 198.51.100.4")).toEqual(["email:a@example.com", "ip:198.51.100.4"]);
    expect(signInKeys("a@example.com", null)).toEqual(["email:a@example.com", "ip:unknown"]);
    expect(signInKeys("a@example.com", "")).toEqual(["email:a@example.com", "ip:unknown"]);
  });

  it("says how long to wait, in seconds or minutes", () => {
    expect(throttledMessage(WINDOW_MS)).toBe("Too many failed sign-ins. Try again in 15 minutes.");
    expect(throttledMessage(60_001)).toBe("Too many failed sign-ins. Try again in 2 minutes.");
    expect(throttledMessage(60_000)).toBe("Too many failed sign-ins. Try again in 1 minute.");
    expect(throttledMessage(4_000)).toBe("Too many failed sign-ins. Try again in 4 seconds.");
    expect(throttledMessage(1)).toBe("Too many failed sign-ins. Try again in 1 second.");
  });
});
