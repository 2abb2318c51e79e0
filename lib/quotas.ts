/**
 * Quotas per account (SPEC §10): how many endpoints, live API keys, schedules, catalog entries and
 * consumers one account may have, how large its catalog's schemas and examples may be together,
 * how often a schedule may run, and how many API requests per second the account may make.
 * Every limit is set by the operator (lib/env.ts); the decisions and their messages are here,
 * pure. The queries apply the counted quotas in the same SQL statement as the insert (SQLite
 * takes the write lock before that statement reads), so parallel creates cannot pass a quota
 * together and a refused create leaves nothing behind.
 */
import { shortestGapMs } from "./schedules/cron";
import { grantAttempts, type TokenBucket } from "./webhooks/rate-limit";

export type CountedQuota = "endpoints" | "apiKeys" | "schedules" | "eventTypes" | "consumers" | "portalEndpoints";

const COUNTED: Record<CountedQuota, { variable: string; noun: string; freeOne: string; owner?: string }> = {
  endpoints: { variable: "HOOKLINE_MAX_ENDPOINTS", noun: "endpoint", freeOne: "Delete an endpoint you no longer need" },
  apiKeys: { variable: "HOOKLINE_MAX_API_KEYS", noun: "active API key", freeOne: "Revoke a key you no longer use" },
  schedules: { variable: "HOOKLINE_MAX_SCHEDULES", noun: "schedule", freeOne: "Delete a schedule you no longer need" },
  eventTypes: { variable: "HOOKLINE_MAX_EVENT_TYPES", noun: "event type", freeOne: "Delete an event type you no longer need" },
  consumers: { variable: "HOOKLINE_MAX_CONSUMERS", noun: "consumer", freeOne: "Delete a consumer you no longer need" },
  // Read in a consumer's portal (SPEC §12), by the account's customer.
  portalEndpoints: { variable: "HOOKLINE_MAX_PORTAL_ENDPOINTS", noun: "endpoint", freeOne: "Delete an endpoint you no longer need", owner: "This portal" },
};

/** What the user reads when a create is refused: the limit, how to make room, who can raise it. */
export function quotaExceededMessage(quota: CountedQuota, limit: number): string {
  const { variable, noun, freeOne, owner = "This account" } = COUNTED[quota];
  return `${owner} has reached its limit of ${limit} ${noun}${limit === 1 ? "" : "s"}. ${freeOne}, or ask the operator of this Hookline to raise the limit (${variable}).`;
}

/** What the user reads when a catalog write would pass HOOKLINE_MAX_CATALOG_BYTES. */
export function catalogSizeExceededMessage(limitBytes: number): string {
  const size = limitBytes % (1024 * 1024) === 0 ? `${limitBytes / (1024 * 1024)} MiB` : limitBytes % 1024 === 0 ? `${limitBytes / 1024} KiB` : `${limitBytes} bytes`;
  return `This account's event-type catalog would pass its limit of ${size} of schemas and examples together. Make them smaller, delete an event type you no longer need, or ask the operator of this Hookline to raise the limit (HOOKLINE_MAX_CATALOG_BYTES).`;
}

/** Thrown by a write that would pass its quota: 403 problem+json in the API, a message beside the button in the dashboard. */
export class QuotaExceededError extends Error {
  constructor(
    readonly quota: CountedQuota | "catalogBytes",
    readonly limit: number,
  ) {
    super(quota === "catalogBytes" ? catalogSizeExceededMessage(limit) : quotaExceededMessage(quota, limit));
    this.name = "QuotaExceededError";
  }
}

/** `5 s`, `2 min`, `1 h`, `1500 ms`: the largest whole unit. */
export function formatInterval(ms: number): string {
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}

/**
 * Why a schedule with this (valid) cron expression runs too often for HOOKLINE_MIN_SCHEDULE_INTERVAL,
 * or null when it does not. Cron counts whole seconds, so a minimum of 1 s or less allows every
 * expression and nothing need be computed.
 */
export function scheduleIntervalProblem(expression: string, minIntervalMs: number, now: number): string | null {
  if (minIntervalMs <= 1000) return null;
  const gap = shortestGapMs(expression, now, minIntervalMs);
  if (gap === null || gap >= minIntervalMs) return null;
  return `This runs ${formatInterval(gap)} apart at times; schedules here may run at most once every ${formatInterval(minIntervalMs)} (HOOKLINE_MIN_SCHEDULE_INTERVAL, set by the operator)`;
}

/** The API's token buckets, one per account, and when idle ones were last dropped. */
export interface AccountRateLimiter {
  buckets: Map<string, TokenBucket>;
  sweptAt: number;
}

export const newAccountRateLimiter = (): AccountRateLimiter => ({ buckets: new Map(), sweptAt: 0 });

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number; detail: string };

/** A refusal of an API request, `retryInMs` before the account's next token: what the 429 says. */
export function apiRateRefusal(perSecond: number, retryInMs: number): RateDecision {
  return {
    allowed: false,
    retryAfterSeconds: Math.max(1, Math.ceil(retryInMs / 1000)),
    detail: `This account is limited to ${perSecond} API requests per second, all its API keys together (HOOKLINE_API_RATE_LIMIT, set by the operator).`,
  };
}

/**
 * One API request by `accountId`, whichever of its keys sent it: a token bucket of `perSecond`
 * requests per second with bursts of one second. A bucket idle for a second is full again, the
 * same as no bucket, so dropping idle ones (at most once a second) changes no decision and
 * keeps the map to the accounts seen in the last two seconds. In memory: SQLite's one web
 * process (lib/store/api-rate-limit.ts; PostgreSQL keeps the same bucket in the database).
 */
export function takeApiRequest(limiter: AccountRateLimiter, accountId: string, perSecond: number, now: number): RateDecision {
  if (now - limiter.sweptAt >= 1000) {
    for (const [id, bucket] of limiter.buckets) if (now - bucket.updatedAt >= 1000) limiter.buckets.delete(id);
    limiter.sweptAt = now;
  }
  const grant = grantAttempts(limiter.buckets.get(accountId), perSecond, now, 1);
  limiter.buckets.set(accountId, grant.bucket);
  if (grant.granted > 0) return { allowed: true };
  return apiRateRefusal(perSecond, grant.retryInMs);
}
