/**
 * The throttles, with their configured limits (lib/env.ts). Each has its own keys (and, on
 * SQLite, its own bounded in-memory store), so keys of one kind cannot evict another's. Where the
 * counts live is the store's choice (lib/store/throttle-attempts.ts): this process's memory on
 * SQLite, the database on PostgreSQL so that every web server shares them; callers just await.
 */
import { env } from "../env";
import { store } from "../store/connection";
import { clearThrottleKeys, forgetThrottleAttempt, takeThrottleAttempt, type ThrottleRef } from "../store/throttle-attempts";
import { processStore, type ThrottleLimits } from "./throttle";

export interface Throttle extends ThrottleRef {
  /**
   * Checks and counts one attempt against every key, before the caller checks anything (argon2
   * awaits): 0 when it may go ahead (counted, as if it will fail), else the milliseconds to wait.
   */
  take(keys: string[], now: number): Promise<number>;
  /** Un-counts the attempt taken at `at` that turned out not to be a failure. */
  forget(keys: string[], at: number): Promise<void>;
  /** Forgets every attempt of the keys. */
  clear(keys: string[]): Promise<void>;
}

function throttle(name: string, limits: ThrottleLimits): Throttle {
  const ref: ThrottleRef = { name, memory: processStore(name, env.HOOKLINE_THROTTLE_MAX_KEYS), limits };
  return {
    ...ref,
    take: (keys, now) => takeThrottleAttempt(store(), ref, keys, now),
    forget: (keys, at) => forgetThrottleAttempt(store(), ref, keys, at),
    clear: (keys) => clearThrottleKeys(store(), ref, keys),
  };
}

/** Failed sign-ins per email and per client address. */
export const signInThrottle = throttle("sign-in", { maxFailures: env.HOOKLINE_SIGN_IN_MAX_FAILURES, windowMs: env.HOOKLINE_SIGN_IN_WINDOW });

/** Sign-ups per client address. */
export const signUpThrottle = throttle("sign-up", { maxFailures: env.HOOKLINE_SIGN_UP_MAX_PER_ADDRESS, windowMs: env.HOOKLINE_SIGN_UP_WINDOW });

/**
 * Wrong current passwords per account (changing the password, deleting the account): a stolen
 * session must not become a way to guess the password. Same limits as sign-in.
 */
export const accountPasswordThrottle = throttle("account-password", { maxFailures: env.HOOKLINE_SIGN_IN_MAX_FAILURES, windowMs: env.HOOKLINE_SIGN_IN_WINDOW });

/**
 * Changes made through one consumer's portal (SPEC §12): a customer holding a link cannot flood
 * the account with test events, retries or rotations.
 */
export const portalActionThrottle = throttle("portal-actions", { maxFailures: env.HOOKLINE_PORTAL_ACTIONS_PER_MINUTE, windowMs: 60_000 });

/** The key of an account's password checks. */
export const accountPasswordKey = (userId: string) => `account:${userId}`;
