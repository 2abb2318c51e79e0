"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { authenticate, createAccount, INVALID_CREDENTIALS } from "@/lib/auth/accounts";
import { clearSessionCookie, setSessionCookie } from "@/lib/auth/current-user";
import { createSession, revokeSession } from "@/lib/auth/session";
import { clearFailures, recordFailure, retryAfterMs, signInFailures, signInKeys, throttledMessage } from "@/lib/auth/throttle";
import { env } from "@/lib/env";
import { validatedAction } from "@/lib/actions";
import { signInSchema, signUpSchema } from "@/lib/validations/auth";

export const signUp = validatedAction(signUpSchema, async ({ email, password }) => {
  const account = await createAccount(email, password);
  if ("emailTaken" in account) return { fieldErrors: { email: "An account with this email already exists. Sign in instead." } };
  const session = await createSession(account.id);
  await setSessionCookie(session.token, session.expiresAt);
  redirect("/endpoints");
});

const signInLimits = { maxFailures: env.HOOKLINE_SIGN_IN_MAX_FAILURES, windowMs: env.HOOKLINE_SIGN_IN_WINDOW };

export const signIn = validatedAction(signInSchema, async ({ email, password }) => {
  // Counted per email whether or not an account has it, so the refusal reveals nothing.
  const keys = signInKeys(email, (await headers()).get("x-forwarded-for"));
  const now = Date.now();
  const wait = retryAfterMs(signInFailures, keys, now, signInLimits);
  if (wait > 0) return { error: throttledMessage(wait) };
  const user = await authenticate(email, password);
  if (!user) {
    recordFailure(signInFailures, keys, now, signInLimits);
    return { error: INVALID_CREDENTIALS };
  }
  clearFailures(signInFailures, [keys[0]]);
  const session = await createSession(user.id);
  await setSessionCookie(session.token, session.expiresAt);
  redirect("/endpoints");
});

export async function signOut(): Promise<void> {
  await revokeSession(await clearSessionCookie());
  redirect("/sign-in");
}
