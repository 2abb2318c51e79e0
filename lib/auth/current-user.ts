import "server-only";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { env } from "../env";
import { SESSION_COOKIE, userForSessionToken, type SessionUser } from "./session";

export async function getCurrentUser(): Promise<SessionUser | null> {
  const store = await cookies();
  return userForSessionToken(store.get(SESSION_COOKIE)?.value);
}

/** The signed-in user, or a redirect to the sign-in page. */
export async function requireUser(): Promise<SessionUser> {
  const user = await getCurrentUser();
  if (!user) redirect("/sign-in");
  return user;
}

/** Secure cookies when the public URL is https, or a TLS-terminating proxy says so. */
async function servedOverHttps(): Promise<boolean> {
  if (env.HOOKLINE_PUBLIC_URL) return env.HOOKLINE_PUBLIC_URL.startsWith("https://");
  return (await headers()).get("x-forwarded-proto") === "https";
}

export async function setSessionCookie(token: string, expiresAt: Date): Promise<void> {
  const store = await cookies();
  store.set(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "lax",
    secure: await servedOverHttps(),
    path: "/",
    expires: expiresAt,
  });
}

export async function clearSessionCookie(): Promise<string | undefined> {
  const store = await cookies();
  const token = store.get(SESSION_COOKIE)?.value;
  store.delete(SESSION_COOKIE);
  return token;
}
