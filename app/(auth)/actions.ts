"use server";

import { redirect } from "next/navigation";
import { authenticate, createAccount, INVALID_CREDENTIALS } from "@/lib/auth/accounts";
import { clearSessionCookie, setSessionCookie } from "@/lib/auth/current-user";
import { createSession, revokeSession } from "@/lib/auth/session";
import { validatedAction } from "@/lib/actions";
import { signInSchema, signUpSchema } from "@/lib/validations/auth";

export const signUp = validatedAction(signUpSchema, async ({ email, password }) => {
  const account = await createAccount(email, password);
  if ("emailTaken" in account) return { fieldErrors: { email: "An account with this email already exists. Sign in instead." } };
  const session = await createSession(account.id);
  await setSessionCookie(session.token, session.expiresAt);
  redirect("/endpoints");
});

export const signIn = validatedAction(signInSchema, async ({ email, password }) => {
  const user = await authenticate(email, password);
  if (!user) return { error: INVALID_CREDENTIALS };
  const session = await createSession(user.id);
  await setSessionCookie(session.token, session.expiresAt);
  redirect("/endpoints");
});

export async function signOut(): Promise<void> {
  await revokeSession(await clearSessionCookie());
  redirect("/sign-in");
}
