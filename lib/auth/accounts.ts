import { prisma } from "../db";
import { newId } from "../ids";
import { decoyPasswordHash, hashPassword, verifyPassword } from "./password";
import type { SessionUser } from "./session";

export const INVALID_CREDENTIALS = "Invalid email or password.";

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

/** The account for these credentials, or null; unknown emails cost as much as wrong passwords. */
export async function authenticate(email: string, password: string): Promise<SessionUser | null> {
  const user = await prisma.user.findUnique({ where: { email }, select: { id: true, email: true, passwordHash: true } });
  const valid = await verifyPassword(user?.passwordHash ?? (await decoyPasswordHash()), password);
  return user && valid ? { id: user.id, email: user.email } : null;
}
