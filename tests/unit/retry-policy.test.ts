import { describe, expect, it } from "vitest";
import {
  DEFAULT_RETRY_SCHEDULE,
  isGoneStatus,
  isSuccessStatus,
  MAX_RETRY_AFTER_MS,
  nextAttemptAt,
  parseRetryAfter,
  parseRetrySchedule,
  withJitter,
} from "@/lib/webhooks/retry-policy";

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const NOW = Date.UTC(2024, 5, 1, 12, 0, 0);
const noJitter = () => 0.5;

describe("parseRetrySchedule", () => {
  it("parses the default schedule into milliseconds", () => {
    expect(DEFAULT_RETRY_SCHEDULE).toBe("0s,5s,5m,30m,2h,5h,10h,14h,20h,24h");
    expect(parseRetrySchedule(DEFAULT_RETRY_SCHEDULE)).toEqual([
      0,
      5 * S,
      5 * M,
      30 * M,
      2 * H,
      5 * H,
      10 * H,
      14 * H,
      20 * H,
      24 * H,
    ]);
  });

  it("accepts ms, s, m, h, d units, decimals and spaces around entries", () => {
    expect(parseRetrySchedule("250ms, 1s ,1.5s,2m,1h,1d")).toEqual([250, 1000, 1500, 2 * M, H, 24 * H]);
    expect(parseRetrySchedule("0s,1s,2s")).toEqual([0, 1000, 2000]);
  });

  it.each([
    ["", /comma-separated/],
    ["0s,,5s", /comma-separated/],
    ["0s,5s,", /comma-separated/],
    ["5", /"5".*unit/],
    ["0s,5x", /"5x".*unit/],
    ["-1s", /"-1s".*unit/],
    ["s", /"s".*unit/],
    ["five seconds", /"five seconds".*unit/],
    ["1 s", /"1 s".*unit/],
  ])("rejects %j with a readable error", (text, message) => {
    expect(() => parseRetrySchedule(text)).toThrow(message);
  });
});

describe("withJitter", () => {
  it("moves the delay by exactly -20 %, 0 and +20 % at the ends and middle of random()", () => {
    expect(withJitter(10_000, () => 0)).toBe(8_000);
    expect(withJitter(10_000, () => 0.5)).toBe(10_000);
    expect(withJitter(10_000, () => 1)).toBe(12_000);
  });

  it("returns whole milliseconds", () => {
    expect(Number.isInteger(withJitter(1234, () => 0.3337))).toBe(true);
  });

  it("stays within ±20 % for many Math.random samples and actually varies", () => {
    const delay = 5 * M;
    const seen = new Set<number>();
    for (let i = 0; i < 5000; i++) {
      const value = withJitter(delay);
      expect(value).toBeGreaterThanOrEqual(0.8 * delay);
      expect(value).toBeLessThanOrEqual(1.2 * delay);
      seen.add(value);
    }
    expect(seen.size).toBeGreaterThan(100);
  });

  it("keeps 0 at 0 (the immediate first attempt is not delayed)", () => {
    expect(withJitter(0, () => 1)).toBe(0);
    expect(withJitter(0, () => 0)).toBe(0);
    expect(withJitter(0)).toBe(0);
  });
});

describe("nextAttemptAt", () => {
  const schedule = parseRetrySchedule(DEFAULT_RETRY_SCHEDULE);

  it("after attempt n waits schedule[n]", () => {
    for (let n = 1; n < schedule.length; n++) {
      expect(nextAttemptAt({ attemptsMade: n, schedule, now: NOW, random: noJitter })).toBe(NOW + schedule[n]);
    }
    expect(nextAttemptAt({ attemptsMade: 1, schedule, now: NOW, random: noJitter })).toBe(NOW + 5 * S);
    expect(nextAttemptAt({ attemptsMade: 9, schedule, now: NOW, random: noJitter })).toBe(NOW + 24 * H);
  });

  it("gives up after 10 attempts with the default schedule", () => {
    expect(nextAttemptAt({ attemptsMade: 9, schedule, now: NOW })).not.toBeNull();
    expect(nextAttemptAt({ attemptsMade: 10, schedule, now: NOW })).toBeNull();
    expect(nextAttemptAt({ attemptsMade: 11, schedule, now: NOW })).toBeNull();
  });

  it("gives up after schedule.length attempts with a custom schedule", () => {
    const short = parseRetrySchedule("0s,1s,2s");
    expect(nextAttemptAt({ attemptsMade: 1, schedule: short, now: NOW, random: noJitter })).toBe(NOW + 1000);
    expect(nextAttemptAt({ attemptsMade: 2, schedule: short, now: NOW, random: noJitter })).toBe(NOW + 2000);
    expect(nextAttemptAt({ attemptsMade: 3, schedule: short, now: NOW })).toBeNull();
  });

  it("applies jitter to the scheduled delay", () => {
    expect(nextAttemptAt({ attemptsMade: 2, schedule, now: NOW, random: () => 0 })).toBe(NOW + 4 * M);
    expect(nextAttemptAt({ attemptsMade: 2, schedule, now: NOW, random: () => 1 })).toBe(NOW + 6 * M);
    for (let i = 0; i < 500; i++) {
      const at = nextAttemptAt({ attemptsMade: 4, schedule, now: NOW })!;
      expect(at - NOW).toBeGreaterThanOrEqual(0.8 * 2 * H);
      expect(at - NOW).toBeLessThanOrEqual(1.2 * 2 * H);
    }
  });

  it.each([429, 503])("honours Retry-After seconds on %i", (status) => {
    expect(nextAttemptAt({ attemptsMade: 1, schedule, now: NOW, status, retryAfter: "120", random: () => 0 })).toBe(
      NOW + 120 * S,
    );
  });

  it.each([429, 503])("honours a Retry-After HTTP date on %i", (status) => {
    const at = new Date(NOW + 3 * H).toUTCString();
    expect(nextAttemptAt({ attemptsMade: 1, schedule, now: NOW, status, retryAfter: at })).toBe(NOW + 3 * H);
  });

  it("caps Retry-After at 24 h", () => {
    expect(nextAttemptAt({ attemptsMade: 1, schedule, now: NOW, status: 503, retryAfter: "999999999" })).toBe(
      NOW + 24 * H,
    );
  });

  it.each([500, 502, 504, 400, 404, 410, 301, 200])("ignores Retry-After on status %i", (status) => {
    expect(nextAttemptAt({ attemptsMade: 1, schedule, now: NOW, status, retryAfter: "3600", random: noJitter })).toBe(
      NOW + 5 * S,
    );
  });

  it("ignores Retry-After on a network error (no status)", () => {
    expect(nextAttemptAt({ attemptsMade: 1, schedule, now: NOW, status: null, retryAfter: "3600", random: noJitter })).toBe(
      NOW + 5 * S,
    );
  });

  it("falls back to the schedule when a 429/503 Retry-After is missing or unparsable", () => {
    expect(nextAttemptAt({ attemptsMade: 2, schedule, now: NOW, status: 429, random: noJitter })).toBe(NOW + 5 * M);
    expect(nextAttemptAt({ attemptsMade: 2, schedule, now: NOW, status: 503, retryAfter: "soon", random: noJitter })).toBe(
      NOW + 5 * M,
    );
  });

  it("does not extend past the last attempt even when Retry-After asks", () => {
    expect(nextAttemptAt({ attemptsMade: 10, schedule, now: NOW, status: 429, retryAfter: "10" })).toBeNull();
  });
});

describe("parseRetryAfter", () => {
  it("reads delay-seconds", () => {
    expect(parseRetryAfter("0", NOW)).toBe(0);
    expect(parseRetryAfter("1", NOW)).toBe(1000);
    expect(parseRetryAfter("120", NOW)).toBe(120_000);
    expect(parseRetryAfter("  30 ", NOW)).toBe(30_000);
  });

  it("reads an HTTP date relative to the given now", () => {
    const in90s = new Date(NOW + 90 * S).toUTCString(); // IMF-fixdate, e.g. "Sat, 01 Jun 2024 12:01:30 GMT"
    expect(parseRetryAfter(in90s, NOW)).toBe(90_000);
    expect(parseRetryAfter("Sat, 01 Jun 2024 13:00:00 GMT", NOW)).toBe(H);
    // Same header, a different "now": the delay is relative to the passed-in clock.
    expect(parseRetryAfter("Sat, 01 Jun 2024 13:00:00 GMT", NOW + 30 * M)).toBe(30 * M);
  });

  it("caps at 24 h, in both forms", () => {
    expect(MAX_RETRY_AFTER_MS).toBe(24 * H);
    expect(parseRetryAfter(String(24 * 3600), NOW)).toBe(24 * H);
    expect(parseRetryAfter(String(24 * 3600 + 1), NOW)).toBe(24 * H);
    expect(parseRetryAfter("86400000", NOW)).toBe(24 * H);
    expect(parseRetryAfter(new Date(NOW + 7 * 24 * H).toUTCString(), NOW)).toBe(24 * H);
  });

  it("treats a date in the past as 0 (retry now)", () => {
    expect(parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", NOW)).toBe(0);
    expect(parseRetryAfter(new Date(NOW - 5 * S).toUTCString(), NOW)).toBe(0);
  });

  it.each([null, undefined, "", "   ", "soon", "abc", "12abc", "5 seconds", "1.5", "-1", "-120", "0x10", "1e3"])(
    "returns null for %j",
    (value) => {
      expect(parseRetryAfter(value, NOW)).toBeNull();
    },
  );
});

describe("isSuccessStatus", () => {
  it.each([200, 201, 202, 204, 299])("%i is success", (status) => {
    expect(isSuccessStatus(status)).toBe(true);
  });

  it.each([100, 199, 300, 301, 302, 304, 307, 308, 400, 404, 410, 429, 500, 503])("%i is failure", (status) => {
    expect(isSuccessStatus(status)).toBe(false);
  });
});

describe("isGoneStatus", () => {
  it("is true only for 410", () => {
    expect(isGoneStatus(410)).toBe(true);
    for (const status of [200, 301, 400, 404, 409, 411, 429, 500, 503]) expect(isGoneStatus(status)).toBe(false);
  });
});
