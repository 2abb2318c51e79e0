import { prisma } from "../db";
import { newId } from "../ids";
import { deleteAccountRow, insertFirstAccount, setPasswordAndEndOtherSessions } from "../store/accounts";
import { store } from "../store/connection";
import { decoyPasswordHash, hashPassword, verifyPassword } from "./password";
import { hashSessionToken, type SessionUser } from "./session";

export const INVALID_CREDENTIALS = "Invalid email or password.";
export const SIGN_UP_CLOSED = "Sign-up is closed on this Hookline: ask its administrator for access.";

export async function createAccount(email: string, password: string): Promise<SessionUser | { emailTaken: true }> {
  const existing = await prisma.user.findUnique({ where: { email }, select: { id: true } });
  if (existing) return { emailTaken: true };
  const passwordHash = await hashPassword(password);
  try {
    return await prisma.user.create({ data: { id: newId("usr"), email, passwordHash }, select: { id: true, email: true } });
  } catch (error) {
    // Two sign-ups racing for one email: the unique index decides.
    if ((error as { code?: string }).code === "P2002") return { emailTaken: true };
    throw error;
  }
}

/**
 * Creates the instance's first account, or none (HOOKLINE_SIGN_UP=closed: a fresh install can
 * still make its first account, nobody another). The check and the insert are one statement,
 * so two racing first sign-ups cannot both get in.
 */
export async function createFirstAccount(email: string, password: string): Promise<SessionUser | { closed: true }> {
  if (await anyAccountExists()) return { closed: true };
  const passwordHash = await hashPassword(password);
  const id = newId("usr");
  const inserted = await insertFirstAccount(store(), { id, email, passwordHash, createdAt: Date.now() });
  return inserted ? { id, email } : { closed: true };
}

export async function anyAccountExists(): Promise<boolean> {
  return (await prisma.user.findFirst({ select: { id: true } })) !== null;
}

/** The account for these credentials, or null; unknown emails cost as much as wrong passwords. */
export async function authenticate(email: string, password: string): Promise<SessionUser | null> {
  const user = await prisma.user.findUnique({ where: { email }, select: { id: true, email: true, passwordHash: true } });
  const valid = await verifyPassword(user?.passwordHash ?? (await decoyPasswordHash()), password);
  return user && valid ? { id: user.id, email: user.email } : null;
}

/** Whether `password` is the account's password (false for an unknown account). */
export async function isAccountPassword(userId: string, password: string): Promise<boolean> {
  const user = await prisma.user.findUnique({ where: { id: userId }, select: { passwordHash: true } });
  return user !== null && (await verifyPassword(user.passwordHash, password));
}

/**
 * Sets a new password after checking the current one, and signs out every other browser of the
 * account (a stolen session must not outlive the password change); the session with
 * `keepSessionToken` stays signed in. One transaction: both happen or neither.
 */
export async function changePassword(
  userId: string,
  currentPassword: string,
  newPassword: string,
  keepSessionToken: string | undefined,
): Promise<{ changed: true; signedOut: number } | { wrongPassword: true }> {
  if (!(await isAccountPassword(userId, currentPassword))) return { wrongPassword: true };
  const passwordHash = await hashPassword(newPassword);
  const signedOut = await setPasswordAndEndOtherSessions(store(), userId, passwordHash, keepSessionToken ? hashSessionToken(keepSessionToken) : "");
  return { changed: true, signedOut };
}

/**
 * Deletes the account and everything it owns: sessions, API keys, endpoints, events,
 * deliveries with their attempts, inbox requests, schedules with their ticks. Every one of those
 * tables references User (or a row that does) with ON DELETE CASCADE, so deleting the User row
 * deletes them all in the same statement, all of it or none (lib/store/accounts.ts).
 */
export async function deleteAccount(userId: string): Promise<boolean> {
  return deleteAccountRow(store(), userId);
}

/** Deletes the account (see deleteAccount) only when `password` is its password. */
export async function deleteAccountWithPassword(userId: string, password: string): Promise<{ deleted: boolean } | { wrongPassword: true }> {
  if (!(await isAccountPassword(userId, password))) return { wrongPassword: true };
  return { deleted: await deleteAccount(userId) };
}
