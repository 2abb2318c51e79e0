/**
 * Sign-in throttling: after too many failures for one email or from one address within the
 * window, further attempts are refused until the oldest failure ages out. In memory, per
 * process: enough to stop password guessing against a self-hosted instance. Pure apart from
 * the store; `now` is passed in.
 */

export const MAX_FAILURES = 10;
export const WINDOW_MS = 15 * 60 * 1000;

export type FailureStore = Map<string, number[]>;

function recent(store: FailureStore, key: string, now: number): number[] {
  const kept = (store.get(key) ?? []).filter((at) => now - at < WINDOW_MS);
  if (kept.length) store.set(key, kept);
  else store.delete(key);
  return kept;
}

/** Milliseconds until another attempt is allowed for any of `keys`, or 0 when allowed now. */
export function retryAfterMs(store: FailureStore, keys: string[], now: number): number {
  let wait = 0;
  for (const key of keys) {
    const failures = recent(store, key, now);
    if (failures.length >= MAX_FAILURES) wait = Math.max(wait, failures[failures.length - MAX_FAILURES] + WINDOW_MS - now);
  }
  return wait;
}

export function recordFailure(store: FailureStore, keys: string[], now: number): void {
  for (const key of keys) store.set(key, [...recent(store, key, now), now]);
}

export function clearFailures(store: FailureStore, keys: string[]): void {
  for (const key of keys) store.delete(key);
}

const holder = globalThis as unknown as { hooklineSignInFailures?: FailureStore };
/** The process-wide store (globalThis: Next may load this module more than once). */
export const signInFailures: FailureStore = (holder.hooklineSignInFailures ??= new Map());
