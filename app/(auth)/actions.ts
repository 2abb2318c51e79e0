"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { authenticate, createAccount, createFirstAccount, INVALID_CREDENTIALS, SIGN_UP_CLOSED } from "@/lib/auth/accounts";
import { clearSessionCookie, setSessionCookie } from "@/lib/auth/current-user";
import { createSession, revokeSession } from "@/lib/auth/session";
import { clientAddress, signInKeys, throttledMessage } from "@/lib/auth/throttle";
import { signInThrottle, signUpThrottle } from "@/lib/auth/throttles";
import { env } from "@/lib/env";
import { validatedAction } from "@/lib/actions";
import { signInSchema, signUpSchema } from "@/lib/validations/auth";

export const signUp = validatedAction(signUpSchema, async ({ email, password }) => {
  // Counted per client address before any work, whether or not the account gets made.
  const address = `ip:${clientAddress((await headers()).get("x-forwarded-for"))}`;
  const wait = await signUpThrottle.take([address], Date.now());
  if (wait > 0) return { error: throttledMessage(wait, "sign-ups from this address") };
  const account = env.HOOKLINE_SIGN_UP === "closed" ? await createFirstAccount(email, password) : await createAccount(email, password);
  if ("closed" in account) return { error: SIGN_UP_CLOSED };
  if ("emailTaken" in account) return { fieldErrors: { email: "An account with this email already exists. Sign in instead." } };
  const session = await createSession(account.id);
  await setSessionCookie(session.token, session.expiresAt);
  redirect("/endpoints");
});

export const signIn = validatedAction(signInSchema, async ({ email, password }) => {
  // Counted per email whether or not an account has it, so the refusal reveals nothing. The
  // attempt is counted before the password is checked (argon2 awaits), so concurrent guesses
  // cannot all pass the check before the first failure is recorded (on PostgreSQL, whichever
  // web server each reaches: the count is in the database).
  const keys = signInKeys(email, (await headers()).get("x-forwarded-for"));
  const now = Date.now();
  const wait = await signInThrottle.take(keys, now);
  if (wait > 0) return { error: throttledMessage(wait) };
  const user = await authenticate(email, password);
  if (!user) return { error: INVALID_CREDENTIALS };
  // Success: the email's failures are forgiven; for the address, only this attempt is.
  await signInThrottle.clear([keys[0]]);
  await signInThrottle.forget([keys[1]], now);
  const session = await createSession(user.id);
  await setSessionCookie(session.token, session.expiresAt);
  redirect("/endpoints");
});

export async function signOut(): Promise<void> {
  await revokeSession(await clearSessionCookie());
  redirect("/sign-in");
}
