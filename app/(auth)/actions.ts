"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { authenticate, createAccount, INVALID_CREDENTIALS } from "@/lib/auth/accounts";
import { clearSessionCookie, setSessionCookie } from "@/lib/auth/current-user";
import { createSession, revokeSession } from "@/lib/auth/session";
import { clearFailures, recordFailure, retryAfterMs, signInFailures } from "@/lib/auth/throttle";
import { validatedAction } from "@/lib/actions";
import { signInSchema, signUpSchema } from "@/lib/validations/auth";

export const signUp = validatedAction(signUpSchema, async ({ email, password }) => {
  const account = await createAccount(email, password);
  if ("emailTaken" in account) return { fieldErrors: { email: "An account with this email already exists. Sign in instead." } };
  const session = await createSession(account.id);
  await setSessionCookie(session.token, session.expiresAt);
  redirect("/endpoints");
});

async function clientAddress(): Promise<string> {
  const forwarded = (await headers()).get("x-forwarded-for");
  return forwarded?.split(",")[0].trim() || "local";
}

export const signIn = validatedAction(signInSchema, async ({ email, password }) => {
  const keys = [`email:${email}`, `ip:${await clientAddress()}`];
  const now = Date.now();
  const wait = retryAfterMs(signInFailures, keys, now);
  if (wait > 0) return { error: `Too many failed sign-ins. Try again in ${Math.ceil(wait / 60_000)} minute(s).` };
  const user = await authenticate(email, password);
  if (!user) {
    recordFailure(signInFailures, keys, now);
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
