/**
 * When to try a failed delivery again. Pure: `now` and `random` are passed in.
 *
 * The schedule lists the delay before each attempt: entry 0 is the first attempt (normally
 * immediate), entry n the wait after attempt n failed. Its length is the number of attempts;
 * after the last one the delivery is failed for good.
 */

export const DEFAULT_RETRY_SCHEDULE = "0s,5s,5m,30m,2h,5h,10h,14h,20h,24h";
export const JITTER_RATIO = 0.2;
export const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses one duration such as `500ms`, `5s`, `5m`, `2h`, `5d` into milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  if (!match) throw new Error(`"${text.trim()}" must be a number with a unit (ms, s, m, h, d)`);
  return Math.round(Number(match[1]) * UNIT_MS[match[2]]);
}

/** Parses `"0s,5s,5m,2h"` into milliseconds; throws a readable error on a bad entry. */
export function parseRetrySchedule(text: string): number[] {
  const entries = text.split(",").map((part) => part.trim());
  if (entries.length === 0 || entries.some((part) => part === "")) {
    throw new Error(`retry schedule "${text}" must be a comma-separated list like "0s,5s,5m"`);
  }
  return entries.map((entry) => {
    try {
      return parseDuration(entry);
    } catch {
      throw new Error(`retry schedule entry "${entry}" must be a number with a unit (ms, s, m, h, d)`);
    }
  });
}

/** Only 2xx counts as delivered; redirects are not followed, so 3xx is a failure too. */
export function isSuccessStatus(status: number): boolean {
  return status >= 200 && status < 300;
}

/** A receiver that answers 410 Gone has told us to stop: no retry, and the endpoint is disabled. */
export function isGoneStatus(status: number): boolean {
  return status === 410;
}

/**
 * Parses a Retry-After header (delay-seconds or HTTP-date) into a delay in ms from `now`,
 * capped at 24 h. Returns null when absent or unparsable.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  let delay: number;
  if (/^\d+$/.test(trimmed)) {
    delay = Number(trimmed) * 1000;
  } else {
    // An HTTP date names a day or month; without a letter, V8's lenient Date.parse would read
    // "-1" or "1.5" as a date in 2001 and turn garbage into "retry immediately".
    if (!/[a-z]/i.test(trimmed)) return null;
    const at = Date.parse(trimmed);
    if (Number.isNaN(at)) return null;
    delay = at - now;
  }
  return Math.min(Math.max(delay, 0), MAX_RETRY_AFTER_MS);
}

/** `delay` moved by up to ±20 %, so a burst of failures does not retry in lockstep. */
export function withJitter(delay: number, random: () => number = Math.random): number {
  if (delay <= 0) return 0;
  return Math.round(delay * (1 + JITTER_RATIO * (2 * random() - 1)));
}

export interface RetryInput {
  /** Attempts made so far, including the one that just failed (1-based). */
  attemptsMade: number;
  schedule: number[];
  now: number;
  /** HTTP status of the failed attempt, if any. */
  status?: number | null;
  /** The response's Retry-After header, honoured on 429 and 503. */
  retryAfter?: string | null;
  random?: () => number;
}

/** When the next attempt is due, or null when the delivery has used all its attempts. */
export function nextAttemptAt(input: RetryInput): number | null {
  const { attemptsMade, schedule, now, status, retryAfter, random } = input;
  if (attemptsMade >= schedule.length) return null;
  if (status === 429 || status === 503) {
    const requested = parseRetryAfter(retryAfter, now);
    if (requested !== null) return now + requested;
  }
  return now + withJitter(schedule[attemptsMade], random);
}
