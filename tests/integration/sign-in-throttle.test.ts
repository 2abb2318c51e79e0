// SPEC §1: repeated failed sign-ins are throttled, per email and per client address, through the
// real sign-in: the built server's sign-in form, posted the way a browser without JavaScript
// posts it (Next runs the same server action and renders the page with its result). The limits
// are lowered by configuration (3 failures, 4 s window) so the window can pass within the test.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { INVALID_CREDENTIALS } from "@/lib/auth/accounts";
import { store } from "@/lib/store/connection";
import { startApiServer, stopServersAfterAll } from "../helpers/api-client";
import { newAccount } from "../helpers/harness";
import type { RunningServer } from "../helpers/server";

stopServersAfterAll();

const PASSWORD = "correct horse battery staple"; // newAccount's password
const MAX_FAILURES = 3;
const WINDOW_MS = 4_000;
const REFUSED = /^Too many failed sign-ins\. Try again in \d+ (?:seconds?|minutes?)\.$/;

type Outcome = { signedIn: true } | { signedIn: false; message: string };

/** The message a refused sign-in showed ("" when it signed in). */
const messageOf = (outcome: Outcome) => (outcome.signedIn ? "" : outcome.message);

function decodeHtml(text: string): string {
  return text
    .replace(/<!-- -->/g, "")
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** The field error React rendered beside input `name`, if any. */
function fieldError(html: string, name: string): string | null {
  const match = new RegExp(`<p id="field-${name}-error"[^>]*>([\\s\\S]*?)</p>`).exec(html);
  return match ? decodeHtml(match[1]) : null;
}

/** A new client address per call (documentation ranges; the server keeps its counts per address). */
let clients = 0;
const address = () => `198.51.${100 + Math.floor(++clients / 250)}.${clients % 250}`;

/** Submits `server`'s sign-in form from `address` (as a reverse proxy reports it in x-forwarded-for). */
async function signInTo(server: RunningServer, email: string, password: string, address: string): Promise<Outcome & { html: string }> {
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
      return { signedIn: true, html: "" };
    }
    const html = await response.text();
    const alert = /<p role="alert"[^>]*>([\s\S]*?)<\/p>/.exec(html);
    if (!alert) return { signedIn: false, message: "", html };
    return { signedIn: false, message: decodeHtml(alert[1]), html };
}

describe("sign-in throttling", () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startApiServer({ HOOKLINE_SIGN_IN_MAX_FAILURES: String(MAX_FAILURES), HOOKLINE_SIGN_IN_WINDOW: `${WINDOW_MS}ms` });
  });

  const signIn = async (email: string, password: string, from: string): Promise<Outcome> => {
    const outcome: Partial<Awaited<ReturnType<typeof signInTo>>> = await signInTo(server, email, password, from);
    delete outcome.html;
    return outcome as Outcome;
  };

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

  it("concurrent wrong passwords cannot exceed the limit: each is counted before the password is checked", async () => {
    const account = await newAccount("concurrent");
    // Three times the limit at once, each from its own address: only the per-account limit applies.
    const outcomes = await Promise.all(Array.from({ length: 3 * MAX_FAILURES }, (_, i) => signIn(account.email, `guess ${i}`, address())));
    const checked = outcomes.filter((outcome) => !outcome.signedIn && outcome.message === INVALID_CREDENTIALS);
    const refused = outcomes.filter((outcome) => !outcome.signedIn && REFUSED.test(outcome.message));
    expect(checked).toHaveLength(MAX_FAILURES);
    expect(refused).toHaveLength(2 * MAX_FAILURES);
    expect((await signIn(account.email, PASSWORD, address())).signedIn).toBe(false);
  });

  it("an email longer than 254 characters is refused beside the field, before any check", async () => {
    const long = `${"x".repeat(250)}@example.test`;
    const outcome = await signInTo(server, long, "guess", address());
    expect(outcome.signedIn).toBe(false);
    expect(fieldError(outcome.html, "email")).toBe("Email must be at most 254 characters");
  });
});

// The in-memory store of SQLite's one web process. On PostgreSQL the attempts are rows shared by
// every web server, bounded by their window instead (tests/integration/shared-throttles.test.ts).
describe.runIf(store().engine === "sqlite")("the sign-in throttle's memory is bounded", () => {
  const MAX_KEYS = 40;
  let server: RunningServer;

  beforeAll(async () => {
    server = await startApiServer({
      HOOKLINE_SIGN_IN_MAX_FAILURES: String(MAX_FAILURES),
      HOOKLINE_SIGN_IN_WINDOW: "15m",
      HOOKLINE_THROTTLE_MAX_KEYS: String(MAX_KEYS),
    });
  });

  it("past its bound the stalest keys are evicted rather than the store growing", async () => {
    // An address locked out by its failures…
    const locked = address();
    for (let i = 0; i < MAX_FAILURES; i++) await signInTo(server, `nobody-${randomUUID()}@example.test`, "guess", locked);
    expect(messageOf(await signInTo(server, `nobody-${randomUUID()}@example.test`, "guess", locked))).toMatch(REFUSED);
    // …stays locked while the store has room…
    for (let i = 0; i < MAX_KEYS / 4; i++) await signInTo(server, `nobody-${randomUUID()}@example.test`, "guess", address());
    expect(messageOf(await signInTo(server, `nobody-${randomUUID()}@example.test`, "guess", locked))).toMatch(REFUSED);
    // …and is forgotten once as many newer keys arrived as the store holds: each failed sign-in
    // from a new address with a new email adds two keys, and the store never holds more than 40.
    for (let i = 0; i < MAX_KEYS / 2; i++) await signInTo(server, `nobody-${randomUUID()}@example.test`, "guess", address());
    expect(messageOf(await signInTo(server, `nobody-${randomUUID()}@example.test`, "guess", locked))).toBe(INVALID_CREDENTIALS);
    // Some 40 sign-ins, each hashing a password on the server: on a loaded machine they took
    // close to the default 30 s (and past it once), on either engine.
  }, 90_000);
});
