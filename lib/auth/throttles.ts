/**
 * The process's throttles, with their configured limits (lib/env.ts). Each has its own bounded
 * store (lib/auth/throttle.ts), so keys of one kind cannot evict another's.
 */
import { env } from "../env";
import { processStore, type AttemptStore, type ThrottleLimits } from "./throttle";

export interface Throttle {
  store: AttemptStore;
  limits: ThrottleLimits;
}

/** Failed sign-ins per email and per client address. */
export const signInThrottle: Throttle = {
  store: processStore("sign-in", env.HOOKLINE_THROTTLE_MAX_KEYS),
  limits: { maxFailures: env.HOOKLINE_SIGN_IN_MAX_FAILURES, windowMs: env.HOOKLINE_SIGN_IN_WINDOW },
};

/** Sign-ups per client address. */
export const signUpThrottle: Throttle = {
  store: processStore("sign-up", env.HOOKLINE_THROTTLE_MAX_KEYS),
  limits: { maxFailures: env.HOOKLINE_SIGN_UP_MAX_PER_ADDRESS, windowMs: env.HOOKLINE_SIGN_UP_WINDOW },
};

/**
 * Wrong current passwords per account (changing the password, deleting the account): a stolen
 * session must not become a way to guess the password. Same limits as sign-in.
 */
export const accountPasswordThrottle: Throttle = {
  store: processStore("account-password", env.HOOKLINE_THROTTLE_MAX_KEYS),
  limits: { maxFailures: env.HOOKLINE_SIGN_IN_MAX_FAILURES, windowMs: env.HOOKLINE_SIGN_IN_WINDOW },
};

/** The key of an account's password checks. */
export const accountPasswordKey = (userId: string) => `account:${userId}`;
