// SPEC §1: repeated failed sign-ins are throttled, per email and per client address, through the
// real sign-in: the built server's sign-in form, posted the way a browser without JavaScript
// posts it (Next runs the same server action and renders the page with its result). The limits
// are lowered by configuration (3 failures, 4 s window) so the window can pass within the test.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { INVALID_CREDENTIALS } from "@/lib/auth/accounts";
import { startApiServer, stopApiServersAfterAll } from "../helpers/api-client";
import { newAccount } from "../helpers/harness";
import type { RunningServer } from "../helpers/server";

stopApiServersAfterAll();

const PASSWORD = "correct horse battery staple"; // newAccount's password
const MAX_FAILURES = 3;
const WINDOW_MS = 4_000;
const REFUSED = /^Too many failed sign-ins\. Try again in \d+ seconds?\.$/;

type Outcome = { signedIn: true } | { signedIn: false; message: string };

function decodeHtml(text: string): string {
  return text
    .replace(/<!-- -->/g, "")
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

describe("sign-in throttling", () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startApiServer({ HOOKLINE_SIGN_IN_MAX_FAILURES: String(MAX_FAILURES), HOOKLINE_SIGN_IN_WINDOW: `${WINDOW_MS}ms` });
  });

  /** Submits the sign-in form from `address` (as a reverse proxy reports it in x-forwarded-for). */
  async function signIn(email: string, password: string, address: string): Promise<Outcome> {
    const page = await (await fetch(`${server.origin}/sign-in`)).text();
    const form = /<form[^>]*method="POST"[^>]*>([\s\S]*?)<\/form>/.exec(page)![1];
    const body = new FormData();
    for (const [, name, value] of form.matchAll(/<input type="hidden" name="([^"]+)"(?: value="([^"]*)")?\/>/g)) {
      body.append(decodeHtml(name), decodeHtml(value ?? ""));
    }
    expect([...body.keys()].some((key) => key.startsWith("$ACTION")), "the form carries its server action").toBe(true);
    body.append("email", email);
    body.append("password", password);
    const response = await fetch(`${server.origin}/sign-in`, { method: "POST", body, headers: { "x-forwarded-for": address, origin: server.origin }, redirect: "manual" });
    if (response.status === 303) {
      expect(response.headers.get("location")).toMatch(/\/endpoints$/);
      expect(response.headers.get("set-cookie")).toMatch(/^hl_session=/);
      return { signedIn: true };
    }
    const html = await response.text();
    const alert = /<p role="alert"[^>]*>([\s\S]*?)<\/p>/.exec(html);
    if (!alert) throw new Error(`sign-in answered ${response.status} without a message`);
    return { signedIn: false, message: decodeHtml(alert[1]) };
  }

  /** A new client address per call (documentation ranges; the server keeps its counts per address). */
  let clients = 0;
  const address = () => `198.51.${100 + Math.floor(++clients / 250)}.${clients % 250}`;

  it("control: the right password signs in, a wrong one is refused with the generic message", async () => {
    const account = await newAccount("control");
    expect(await signIn(account.email, "wrong password", address())).toEqual({ signedIn: false, message: INVALID_CREDENTIALS });
    expect(await signIn(account.email, PASSWORD, address())).toEqual({ signedIn: true });
  });

  it("per account: after repeated wrong passwords even the right one is refused until the window passes", async () => {
    const account = await newAccount("victim");
    // Each guess from a different address, so only the per-account limit can stop them.
    for (let i = 0; i < MAX_FAILURES; i++) {
      expect(await signIn(account.email, `guess ${i}`, address())).toEqual({ signedIn: false, message: INVALID_CREDENTIALS });
    }
    const refused = await signIn(account.email, PASSWORD, address());
    expect(refused.signedIn).toBe(false);
    expect((refused as { message: string }).message).toMatch(REFUSED);
    // Upper-case spelling is the same account, so it is locked too.
    expect((await signIn(account.email.toUpperCase(), PASSWORD, address())).signedIn).toBe(false);

    await new Promise((resolve) => setTimeout(resolve, WINDOW_MS + 200));
    expect(await signIn(account.email, PASSWORD, address())).toEqual({ signedIn: true });
  });

  it("per address: many different emails from one address are refused, other addresses are not", async () => {
    const account = await newAccount("bystander");
    const attacker = address();
    for (let i = 0; i < MAX_FAILURES; i++) {
      expect(await signIn(`nobody-${randomUUID()}@example.test`, "guess", attacker)).toEqual({ signedIn: false, message: INVALID_CREDENTIALS });
    }
    const refused = await signIn(account.email, PASSWORD, attacker);
    expect(refused.signedIn).toBe(false);
    expect((refused as { message: string }).message).toMatch(REFUSED);
    expect(await signIn(account.email, PASSWORD, address())).toEqual({ signedIn: true });
  });

  it("the refusal does not tell whether the email has an account", async () => {
    const account = await newAccount("exists");
    const unknown = `nobody-${randomUUID()}@example.test`;
    for (let i = 0; i < MAX_FAILURES; i++) {
      const [known, missing] = await Promise.all([signIn(account.email, "guess", address()), signIn(unknown, "guess", address())]);
      expect(known).toEqual(missing);
    }
    const [known, missing] = await Promise.all([signIn(account.email, PASSWORD, address()), signIn(unknown, PASSWORD, address())]);
    expect(known.signedIn).toBe(false);
    expect((known as { message: string }).message.replace(/\d+ seconds?/, "N")).toBe((missing as { message: string }).message.replace(/\d+ seconds?/, "N"));
    expect((known as { message: string }).message).toMatch(REFUSED);
  });
});
