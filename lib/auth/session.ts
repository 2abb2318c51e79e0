/**
 * Server-side sessions. The browser holds a random token; the database holds only its
 * SHA-256, so reading the database does not let anyone sign in. Sign-out deletes the row.
 */
import { createHash, randomBytes } from "node:crypto";
import { prisma } from "../db";
import { env } from "../env";
import { newId } from "../ids";

export { SESSION_COOKIE } from "./cookie";


export interface SessionUser {
  id: string;
  email: string;
}

/** SHA-256 (hex) of a cookie token: what the Session table stores. */
export function hashSessionToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export async function createSession(userId: string, now = Date.now()): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now + env.HOOKLINE_SESSION_DAYS * 86_400_000);
  await prisma.session.create({ data: { id: newId("ses", now), tokenHash: hashSessionToken(token), userId, expiresAt } });
  return { token, expiresAt };
}

export async function userForSessionToken(token: string | undefined, now = Date.now()): Promise<SessionUser | null> {
  if (!token) return null;
  const session = await prisma.session.findUnique({
    where: { tokenHash: hashSessionToken(token) },
    select: { expiresAt: true, user: { select: { id: true, email: true } } },
  });
  if (!session || session.expiresAt.getTime() <= now) return null;
  return session.user;
}

export async function revokeSession(token: string | undefined): Promise<void> {
  if (!token) return;
  await prisma.session.deleteMany({ where: { tokenHash: hashSessionToken(token) } });
}
