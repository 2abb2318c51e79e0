import { describe, expect, it } from "vitest";
import { clearFailures, MAX_FAILURES, recordFailure, retryAfterMs, WINDOW_MS, type FailureStore } from "@/lib/auth/throttle";

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
});
