import { describe, expect, it } from "vitest";
import {
  attemptsFor,
  clearFailures,
  createAttemptStore,
  forgetAttempt,
  MAX_FAILURES,
  recordFailure,
  retryAfterMs,
  signInKeys,
  takeAttempt,
  throttledMessage,
  WINDOW_MS,
} from "@/lib/auth/throttle";

describe("sign-in throttling", () => {
  const keys = ["email:a@example.com", "ip:1.2.3.4"];

  it("allows attempts until the limit, then refuses until the oldest failure ages out", () => {
    const store = createAttemptStore();
    const start = 1_000_000;
    for (let i = 0; i < MAX_FAILURES - 1; i++) recordFailure(store, keys, start + i);
    expect(retryAfterMs(store, keys, start + MAX_FAILURES)).toBe(0);
    recordFailure(store, keys, start + MAX_FAILURES - 1);
    const wait = retryAfterMs(store, keys, start + MAX_FAILURES);
    expect(wait).toBe(start + WINDOW_MS - (start + MAX_FAILURES));
    expect(retryAfterMs(store, keys, start + WINDOW_MS)).toBe(0);
  });

  it("throttles by any key: the same address trying many emails is stopped too", () => {
    const store = createAttemptStore();
    for (let i = 0; i < MAX_FAILURES; i++) recordFailure(store, [`email:user${i}@example.com`, "ip:9.9.9.9"], 5_000 + i);
    expect(retryAfterMs(store, ["email:fresh@example.com", "ip:9.9.9.9"], 6_000)).toBeGreaterThan(0);
    expect(retryAfterMs(store, ["email:fresh@example.com", "ip:8.8.8.8"], 6_000)).toBe(0);
  });

  it("a successful sign-in clears the email's failures", () => {
    const store = createAttemptStore();
    for (let i = 0; i < MAX_FAILURES; i++) recordFailure(store, keys, i);
    clearFailures(store, [keys[0]]);
    expect(retryAfterMs(store, [keys[0]], MAX_FAILURES)).toBe(0);
    expect(retryAfterMs(store, [keys[1]], MAX_FAILURES)).toBeGreaterThan(0);
  });

  it("honours configured limits", () => {
    const store = createAttemptStore();
    const limits = { maxFailures: 3, windowMs: 4_000 };
    for (let i = 0; i < 2; i++) recordFailure(store, keys, 100 + i, limits);
    expect(retryAfterMs(store, keys, 200, limits)).toBe(0);
    recordFailure(store, keys, 102, limits);
    expect(retryAfterMs(store, keys, 200, limits)).toBe(100 + 4_000 - 200);
    expect(retryAfterMs(store, keys, 4_100, limits)).toBe(0);
    // Failures older than the window are forgotten when the next one is recorded.
    recordFailure(store, keys, 10_000, limits);
    expect(attemptsFor(store, keys[0], 10_000, limits.windowMs)).toEqual([10_000]);
  });

  it("keys an attempt by email and by the address the nearest proxy saw (right-most x-forwarded-for)", () => {
    expect(signInKeys("a@example.com", "203.0.113.9")).toEqual(["email:a@example.com", "ip:203.0.113.9"]);
    // The left entries come from the client and could be forged; the right-most was added by the proxy.
    expect(signInKeys("a@example.com", "1.1.1.1, 10.0.0.2 , 198.51.100.4")).toEqual(["email:a@example.com", "ip:198.51.100.4"]);
    expect(signInKeys("a@example.com", null)).toEqual(["email:a@example.com", "ip:unknown"]);
    expect(signInKeys("a@example.com", "")).toEqual(["email:a@example.com", "ip:unknown"]);
  });

  it("says how long to wait, in seconds, minutes or hours", () => {
    expect(throttledMessage(WINDOW_MS)).toBe("Too many failed sign-ins. Try again in 15 minutes.");
    expect(throttledMessage(60_001)).toBe("Too many failed sign-ins. Try again in 2 minutes.");
    expect(throttledMessage(60_000)).toBe("Too many failed sign-ins. Try again in 1 minute.");
    expect(throttledMessage(4_000)).toBe("Too many failed sign-ins. Try again in 4 seconds.");
    expect(throttledMessage(1)).toBe("Too many failed sign-ins. Try again in 1 second.");
    expect(throttledMessage(3_600_000, "sign-ups from this address")).toBe("Too many sign-ups from this address. Try again in 60 minutes.");
    expect(throttledMessage(2 * 3_600_000, "sign-ups from this address")).toBe("Too many sign-ups from this address. Try again in 2 hours.");
  });
});

describe("check and count in one step (takeAttempt)", () => {
  const limits = { maxFailures: 3, windowMs: 60_000 };
  /** The same email from a different address each time. */
  const keys = (i: number) => ["email:victim@example.com", `ip:203.0.113.${i}`];

  it("counts each allowed attempt before it is verified, so concurrent attempts beyond the limit are refused", async () => {
    const store = createAttemptStore();
    // Ten attempts start together; each awaits a slow password check after being let through,
    // as the sign-in action awaits argon2. Only the first `maxFailures` may get that far.
    const verified: number[] = [];
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const wait = takeAttempt(store, keys(i), 1_000, limits);
        if (wait > 0) return "refused";
        await new Promise((resolve) => setTimeout(resolve, 20));
        verified.push(i);
        return "wrong password";
      }),
    );
    expect(outcomes.filter((outcome) => outcome === "wrong password")).toHaveLength(limits.maxFailures);
    expect(outcomes.filter((outcome) => outcome === "refused")).toHaveLength(10 - limits.maxFailures);
    expect(verified).toHaveLength(limits.maxFailures);
    expect(takeAttempt(store, ["email:victim@example.com", "ip:203.0.113.99"], 2_000, limits)).toBeGreaterThan(0);
    expect(takeAttempt(store, ["email:victim@example.com", "ip:203.0.113.99"], 61_000, limits)).toBe(0);
  });


  it("a refused attempt is not counted, and a forgotten one (a success) no longer counts", () => {
    const store = createAttemptStore();
    for (let i = 0; i < limits.maxFailures; i++) expect(takeAttempt(store, ["ip:1.1.1.1"], 100 + i, limits)).toBe(0);
    expect(takeAttempt(store, ["ip:1.1.1.1"], 200, limits)).toBe(100 + 60_000 - 200);
    expect(attemptsFor(store, "ip:1.1.1.1", 200, limits.windowMs)).toEqual([100, 101, 102]);
    forgetAttempt(store, ["ip:1.1.1.1"], 102);
    expect(attemptsFor(store, "ip:1.1.1.1", 200, limits.windowMs)).toEqual([100, 101]);
    expect(takeAttempt(store, ["ip:1.1.1.1"], 200, limits)).toBe(0);
  });
});

describe("bounded memory, whatever the client sends", () => {
  const limits = { maxFailures: 10, windowMs: 15 * 60_000 };

  it("10,000 distinct failed sign-ins keep the store within its key bound; the stalest keys go first", () => {
    const store = createAttemptStore(1_000);
    for (let i = 0; i < 10_000; i++) {
      recordFailure(store, signInKeys(`user${i}@example.com`, `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`), 1_000 + i, limits);
      expect(store.entries.size).toBeLessThanOrEqual(1_000);
    }
    expect(store.entries.size).toBe(1_000);
    // The most recent are kept, the oldest evicted.
    expect(attemptsFor(store, "email:user9999@example.com", 20_000, limits.windowMs)).toEqual([1_000 + 9_999]);
    expect(attemptsFor(store, "email:user0@example.com", 20_000, limits.windowMs)).toEqual([]);
  });

  it("with the default bound too, and through takeAttempt", () => {
    const store = createAttemptStore();
    for (let i = 0; i < 10_000; i++) takeAttempt(store, signInKeys(`user${i}@example.com`, "198.51.100.7"), 1_000 + i, limits);
    // One address: refused after its tenth attempt, so only those ten emails were ever counted.
    expect(store.entries.size).toBe(limits.maxFailures + 1);
    const spread = createAttemptStore(5_000);
    for (let i = 0; i < 10_000; i++) takeAttempt(spread, signInKeys(`user${i}@example.com`, `10.0.${i >> 8}.${i & 255}`), 1_000 + i, limits);
    expect(spread.entries.size).toBeLessThanOrEqual(5_000);
  });

  it("keys are stored as fixed-size digests: a megabyte email costs no more than a short one", () => {
    const store = createAttemptStore();
    recordFailure(store, [`email:${"x".repeat(1024 * 1024)}@example.com`], 1_000, limits);
    const [stored] = store.entries.keys();
    expect(stored.length).toBeLessThanOrEqual(64);
    expect(attemptsFor(store, `email:${"x".repeat(1024 * 1024)}@example.com`, 1_000, limits.windowMs)).toEqual([1_000]);
  });

  it("a key keeps at most maxFailures times however many attempts it gets", () => {
    const store = createAttemptStore();
    for (let i = 0; i < 1_000; i++) recordFailure(store, ["ip:1.2.3.4"], 1_000 + i, limits);
    expect(attemptsFor(store, "ip:1.2.3.4", 3_000, limits.windowMs)).toHaveLength(limits.maxFailures);
    expect(retryAfterMs(store, ["ip:1.2.3.4"], 3_000, limits)).toBe(1_990 + limits.windowMs - 3_000);
  });

  it("expired keys are swept as new ones arrive, without waiting for the bound", () => {
    const store = createAttemptStore(100);
    for (let i = 0; i < 50; i++) recordFailure(store, [`ip:10.0.0.${i}`], 1_000 + i, limits);
    expect(store.entries.size).toBe(50);
    // A window later, one new failure sweeps every expired key.
    recordFailure(store, ["ip:192.0.2.1"], 1_000 + 49 + limits.windowMs, limits);
    expect(store.entries.size).toBe(1);
  });
});
