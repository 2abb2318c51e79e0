// SPEC §10: the account's password guards what a session left open should not allow. Deleting
// the account needs it (lib-level here; the Settings form in e2e/account.spec.ts), and wrong
// current passwords are throttled per account, through the real Settings action of the built
// server (the limit lowered by configuration).
import { describe, expect, it } from "vitest";
import { deleteAccountWithPassword } from "@/lib/auth/accounts";
import { verifyPassword } from "@/lib/auth/password";
import { createSession, userForSessionToken } from "@/lib/auth/session";
import { prisma } from "@/lib/db";
import { startApiServer, stopServersAfterAll } from "../helpers/api-client";
import { submitForm } from "../helpers/forms";
import { newAccount } from "../helpers/harness";

stopServersAfterAll();

const PASSWORD = "correct horse battery staple"; // newAccount's password
const MAX_FAILURES = 3;

const decode = (text: string) => text.replace(/<!-- -->/g, "").replace(/&#x27;|&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, "&");
/** The field error React rendered beside input `name`, if any. */
function fieldError(html: string, name: string): string | null {
  const match = new RegExp(`<p id="field-${name}-error"[^>]*>([\\s\\S]*?)</p>`).exec(html);
  return match ? decode(match[1]) : null;
}

describe("deleting an account needs its password", () => {
  it("a wrong password deletes nothing; the right one deletes the account", async () => {
    const user = await newAccount("deleter");
    const session = await createSession(user.id);
    expect(await deleteAccountWithPassword(user.id, "not the password")).toEqual({ wrongPassword: true });
    expect((await userForSessionToken(session.token))?.id).toBe(user.id);
    expect(await prisma.user.count({ where: { id: user.id } })).toBe(1);

    expect(await deleteAccountWithPassword(user.id, PASSWORD)).toEqual({ deleted: true });
    expect(await prisma.user.count({ where: { id: user.id } })).toBe(0);
    expect(await userForSessionToken(session.token)).toBeNull();
  });
});

describe("wrong current passwords are throttled per account", () => {
  // Starts the built server and checks argon2 hashes: slow on a loaded machine.
  it("after the limit even the right password is refused beside the field, and nothing changes", { timeout: 120_000 }, async () => {
    const server = await startApiServer({ HOOKLINE_SIGN_IN_MAX_FAILURES: String(MAX_FAILURES), HOOKLINE_SIGN_IN_WINDOW: "15m" });
    const user = await newAccount("changer");
    const signedIn = await submitForm(`${server.origin}/sign-in`, { email: user.email, password: PASSWORD });
    expect(signedIn.status).toBe(303);
    const cookie = signedIn.cookies.find((pair) => pair.startsWith("hl_session="))!;
    const change = (currentPassword: string) =>
      submitForm(`${server.origin}/settings`, { currentPassword, newPassword: "a brand new passphrase" }, { cookie, pick: (form) => /name="currentPassword"/.test(form) });

    // Guesses sent at once are each counted before their check: no more than the limit are checked.
    const guesses = await Promise.all(Array.from({ length: 2 * MAX_FAILURES }, (_, i) => change(`guess ${i}`)));
    const messages = guesses.map((guess) => fieldError(guess.html, "currentPassword"));
    expect(messages.filter((message) => message === "That is not your current password")).toHaveLength(MAX_FAILURES);
    expect(messages.filter((message) => /^Too many wrong passwords\. Try again in \d+ minutes?\.$/.test(message ?? ""))).toHaveLength(MAX_FAILURES);

    const right = await change(PASSWORD);
    expect(fieldError(right.html, "currentPassword")).toMatch(/^Too many wrong passwords\. Try again in \d+ minutes?\.$/);
    const { passwordHash } = await prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(await verifyPassword(passwordHash, PASSWORD)).toBe(true);

    // Another account is not affected.
    const other = await newAccount("bystander");
    const otherSignIn = await submitForm(`${server.origin}/sign-in`, { email: other.email, password: PASSWORD }, { headers: { "x-forwarded-for": "192.0.2.50" } });
    const otherCookie = otherSignIn.cookies.find((pair) => pair.startsWith("hl_session="))!;
    const changed = await submitForm(
      `${server.origin}/settings`,
      { currentPassword: PASSWORD, newPassword: "a brand new passphrase" },
      { cookie: otherCookie, pick: (form) => /name="currentPassword"/.test(form) },
    );
    expect(fieldError(changed.html, "currentPassword")).toBeNull();
    const otherHash = (await prisma.user.findUniqueOrThrow({ where: { id: other.id } })).passwordHash;
    expect(await verifyPassword(otherHash, "a brand new passphrase")).toBe(true);
    expect(await prisma.user.count({ where: { id: { in: [user.id, other.id] } } })).toBe(2);
  });
});
