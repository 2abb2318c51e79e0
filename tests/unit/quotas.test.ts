// SPEC §10 quotas, the pure decisions: the refusal messages, the shortest gap between a cron
// expression's runs and the minimum-interval verdict, the per-account API rate limit (all keys
// of an account share one bucket; the bucket map stays bounded without changing any decision),
// and the configuration of every limit.
import { describe, expect, it } from "vitest";
import { shortestGapMs } from "@/lib/schedules/cron";
import { formatInterval, newAccountRateLimiter, QuotaExceededError, quotaExceededMessage, scheduleIntervalProblem, takeApiRequest } from "@/lib/quotas";
import { grantAttempts, type TokenBucket } from "@/lib/webhooks/rate-limit";
import { loadEnvWith, restoreEnvAfterEach } from "../helpers/env";

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** A Wednesday noon, UTC. */
const NOON = Date.UTC(2026, 10, 25, 12, 0, 0);

describe("quota messages", () => {
  it.each([
    ["endpoints", 100, /limit of 100 endpoints\. Delete an endpoint/, "HOOKLINE_MAX_ENDPOINTS"],
    ["apiKeys", 20, /limit of 20 active API keys\. Revoke a key/, "HOOKLINE_MAX_API_KEYS"],
    ["schedules", 50, /limit of 50 schedules\. Delete a schedule/, "HOOKLINE_MAX_SCHEDULES"],
  ] as const)("%s: names the limit, how to make room, and that the operator sets it (%s)", (quota, limit, text, variable) => {
    const message = quotaExceededMessage(quota, limit);
    expect(message).toMatch(text);
    expect(message).toContain(`ask the operator of this Hookline to raise the limit (${variable})`);
    const error = new QuotaExceededError(quota, limit);
    expect(error.message).toBe(message);
    expect(error).toMatchObject({ quota, limit, name: "QuotaExceededError" });
  });

  it("says 1 schedule, not 1 schedules", () => {
    expect(quotaExceededMessage("schedules", 1)).toMatch(/limit of 1 schedule\. /);
    expect(quotaExceededMessage("apiKeys", 1)).toMatch(/limit of 1 active API key\. /);
  });

  it.each([
    [1000, "1 s"],
    [5000, "5 s"],
    [90_000, "90 s"],
    [120_000, "2 min"],
    [HOUR, "1 h"],
    [1500, "1500 ms"],
  ])("formats %i ms as %s", (ms, text) => {
    expect(formatInterval(ms)).toBe(text);
  });
});

describe("shortestGapMs", () => {
  it.each([
    ["*/5 * * * * *", 5 * SECOND],
    ["* * * * * *", SECOND],
    ["* * * * *", MINUTE],
    ["*/15 * * * *", 15 * MINUTE],
    // Weekdays at 9: a day apart at the closest (Friday → Monday is three).
    ["0 9 * * 1-5", DAY],
    // Two runs a second apart once a day, far from each other the rest of the day.
    ["0,1 0 0 * * *", SECOND],
    // 23:00 then midnight: the short gap is across the day change.
    ["0 0 0,23 * * *", HOUR],
  ])("%s → %i ms", (cron, gap) => {
    expect(shortestGapMs(cron, NOON)).toBe(gap);
  });

  it("is null for an expression whose second run is not in sight", () => {
    expect(shortestGapMs("0 0 1 1 *", NOON)).toBeNull();
    expect(shortestGapMs("0 0 30 2 *", NOON)).toBeNull();
  });

  it("stops early once a gap is shorter than asked", () => {
    expect(shortestGapMs("* * * * * *", NOON, 60 * SECOND)).toBe(SECOND);
    expect(shortestGapMs("*/5 * * * * *", NOON, 60 * SECOND)).toBe(5 * SECOND);
  });

  it("looks eight days past the first run: the 1st and the 8th are 7 days apart, the 10th is out of sight", () => {
    expect(shortestGapMs("0 0 1,8 * *", NOON)).toBe(7 * DAY);
    expect(shortestGapMs("0 0 * * 1", NOON)).toBe(7 * DAY);
    expect(shortestGapMs("0 0 1,10 * *", NOON)).toBeNull();
  });
});

describe("scheduleIntervalProblem", () => {
  it("allows every expression at the default minimum of 1 s, the classic 5-second ticker included", () => {
    expect(scheduleIntervalProblem("* * * * * *", 1000, NOON)).toBeNull();
    expect(scheduleIntervalProblem("*/5 * * * * *", 1000, NOON)).toBeNull();
  });

  it("refuses an expression whose runs come closer than the minimum, naming both and the variable", () => {
    expect(scheduleIntervalProblem("*/5 * * * * *", 5000, NOON)).toBeNull();
    expect(scheduleIntervalProblem("*/10 * * * * *", 5000, NOON)).toBeNull();
    const problem = scheduleIntervalProblem("* * * * * *", 5000, NOON);
    expect(problem).toMatch(/runs 1 s apart/);
    expect(problem).toMatch(/at most once every 5 s \(HOOKLINE_MIN_SCHEDULE_INTERVAL, set by the operator\)/);
    // A short gap that comes only once a day is refused too.
    expect(scheduleIntervalProblem("0,1 0 0 * * *", 2000, NOON)).toMatch(/runs 1 s apart/);
    expect(scheduleIntervalProblem("*/30 * * * *", HOUR, NOON)).toMatch(/runs 30 min apart/);
    expect(scheduleIntervalProblem("0 * * * *", HOUR, NOON)).toBeNull();
  });
});

describe("takeApiRequest (HOOKLINE_API_RATE_LIMIT per account)", () => {
  it("counts every key of an account against one allowance; other accounts are unaffected", () => {
    const limiter = newAccountRateLimiter();
    // The caller passes the account id, whichever key authenticated: three requests per second.
    const decisions = [0, 1, 2, 3].map(() => takeApiRequest(limiter, "usr_a", 3, NOON));
    expect(decisions.map((decision) => decision.allowed)).toEqual([true, true, true, false]);
    const refused = decisions[3];
    expect(refused).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
    expect(refused.allowed === false && refused.detail).toMatch(/This account is limited to 3 API requests per second, all its API keys together \(HOOKLINE_API_RATE_LIMIT/);
    expect(takeApiRequest(limiter, "usr_b", 3, NOON).allowed).toBe(true);
    // A third of a second later one request's worth has come back.
    expect(takeApiRequest(limiter, "usr_a", 3, NOON + 334).allowed).toBe(true);
    expect(takeApiRequest(limiter, "usr_a", 3, NOON + 334).allowed).toBe(false);
  });

  it("keeps only the buckets used in the last two seconds: 10,000 accounts over 100 s, never more than 200 buckets", () => {
    const limiter = newAccountRateLimiter();
    let largest = 0;
    for (let i = 0; i < 10_000; i++) {
      takeApiRequest(limiter, `usr_${i}`, 100, NOON + i * 10);
      largest = Math.max(largest, limiter.buckets.size);
    }
    expect(largest).toBeLessThanOrEqual(200);
    takeApiRequest(limiter, "usr_late", 100, NOON + 10_000 * 10 + 2000);
    expect([...limiter.buckets.keys()]).toEqual(["usr_late"]);
  });

  it("decides exactly as an unbounded map of buckets would", () => {
    const limiter = newAccountRateLimiter();
    const reference = new Map<string, TokenBucket>();
    let seed = 42;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    let now = NOON;
    for (let i = 0; i < 5000; i++) {
      now += Math.floor(random() * 400);
      const account = `usr_${Math.floor(random() * 5)}`;
      const grant = grantAttempts(reference.get(account), 4, now, 1);
      reference.set(account, grant.bucket);
      expect(takeApiRequest(limiter, account, 4, now).allowed, `request ${i}`).toBe(grant.granted > 0);
    }
    expect(limiter.buckets.size).toBeLessThanOrEqual(5);
  });
});

describe("configuration", () => {
  restoreEnvAfterEach();

  it("defaults: 100 endpoints, 20 API keys, 50 schedules, 1 s between runs, 100 requests/s per account", async () => {
    const env = await loadEnvWith({});
    expect(env).toMatchObject({
      HOOKLINE_MAX_ENDPOINTS: 100,
      HOOKLINE_MAX_API_KEYS: 20,
      HOOKLINE_MAX_SCHEDULES: 50,
      HOOKLINE_MIN_SCHEDULE_INTERVAL: 1000,
      HOOKLINE_API_RATE_LIMIT: 100,
    });
  });

  it("reads the operator's values", async () => {
    const env = await loadEnvWith({ HOOKLINE_MAX_ENDPOINTS: "3", HOOKLINE_MAX_API_KEYS: "2", HOOKLINE_MAX_SCHEDULES: "1", HOOKLINE_MIN_SCHEDULE_INTERVAL: "1m" });
    expect(env).toMatchObject({ HOOKLINE_MAX_ENDPOINTS: 3, HOOKLINE_MAX_API_KEYS: 2, HOOKLINE_MAX_SCHEDULES: 1, HOOKLINE_MIN_SCHEDULE_INTERVAL: 60_000 });
  });

  it.each([
    ["HOOKLINE_MAX_ENDPOINTS", "0"],
    ["HOOKLINE_MAX_API_KEYS", "lots"],
    ["HOOKLINE_MAX_SCHEDULES", "-1"],
    ["HOOKLINE_MIN_SCHEDULE_INTERVAL", "5 seconds"],
    ["HOOKLINE_MIN_SCHEDULE_INTERVAL", "2d"],
  ])("refuses %s=%s, naming the variable", async (name, value) => {
    await expect(loadEnvWith({ [name]: value })).rejects.toThrow(new RegExp(`Invalid Hookline configuration:[\\s\\S]*${name}`));
  });
});
