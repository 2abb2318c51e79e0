/**
 * Sign-in throttling: after too many failures for one email or from one address within the
 * window, further attempts are refused until the oldest failure ages out. In memory, per
 * process: enough to stop password guessing against a self-hosted instance. Pure apart from
 * the store; `now` is passed in.
 */

/** The defaults (HOOKLINE_SIGN_IN_MAX_FAILURES, HOOKLINE_SIGN_IN_WINDOW in lib/env.ts). */
export const MAX_FAILURES = 10;
export const WINDOW_MS = 15 * 60 * 1000;

export type FailureStore = Map<string, number[]>;

export interface ThrottleLimits {
  maxFailures: number;
  windowMs: number;
}

const DEFAULT_LIMITS: ThrottleLimits = { maxFailures: MAX_FAILURES, windowMs: WINDOW_MS };

function recent(store: FailureStore, key: string, now: number, windowMs: number): number[] {
  const kept = (store.get(key) ?? []).filter((at) => now - at < windowMs);
  if (kept.length) store.set(key, kept);
  else store.delete(key);
  return kept;
}

/** Milliseconds until another attempt is allowed for any of `keys`, or 0 when allowed now. */
export function retryAfterMs(store: FailureStore, keys: string[], now: number, limits: ThrottleLimits = DEFAULT_LIMITS): number {
  const { maxFailures, windowMs } = limits;
  let wait = 0;
  for (const key of keys) {
    const failures = recent(store, key, now, windowMs);
    if (failures.length >= maxFailures) wait = Math.max(wait, failures[failures.length - maxFailures] + windowMs - now);
  }
  return wait;
}

export function recordFailure(store: FailureStore, keys: string[], now: number, limits: ThrottleLimits = DEFAULT_LIMITS): void {
  for (const key of keys) store.set(key, [...recent(store, key, now, limits.windowMs), now]);
}

export function clearFailures(store: FailureStore, keys: string[]): void {
  for (const key of keys) store.delete(key);
}

const holder = globalThis as unknown as { hooklineSignInFailures?: FailureStore };
/** The process-wide store (globalThis: Next may load this module more than once). */
export const signInFailures: FailureStore = (holder.hooklineSignInFailures ??= new Map());

/**
 * The keys one sign-in attempt counts against: the email, and the client address. The address
 * is the right-most `x-forwarded-for` entry: the one written by the nearest proxy (a reverse
 * proxy that appends or sets it), or by Next itself from the socket when there is no proxy.
 * Entries further left come from the client and could be anything. Without the header (it
 * should not happen: Next sets it from the socket) every attempt shares one address, so the limit still holds.
 */
export function signInKeys(email: string, forwardedFor: string | null): string[] {
  const address = forwardedFor?.split(",").at(-1)?.trim() || "unknown";
  return [`email:${email}`, `ip:${address}`];
}

/** What a refused sign-in says: the same for every email, known or not. */
export function throttledMessage(waitMs: number): string {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  const minutes = Math.ceil(seconds / 60);
  const wait = seconds < 60 ? `${seconds} second${seconds === 1 ? "" : "s"}` : `${minutes} minute${minutes === 1 ? "" : "s"}`;
  return `Too many failed sign-ins. Try again in ${wait}.`;
}
