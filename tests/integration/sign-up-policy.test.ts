// SPEC §10: sign-up is throttled per client address, and HOOKLINE_SIGN_UP=closed lets no new
// account in once one exists (a fresh install still makes its first). Through the built
// server's real sign-up page and action, posted as a browser without JavaScript posts it.
// This file's database starts empty (a fresh install): the first test relies on it.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SIGN_UP_CLOSED } from "@/lib/auth/accounts";
import { prisma } from "@/lib/db";
import { startApiServer, stopServersAfterAll } from "../helpers/api-client";
import { actionFields, postForm, submitForm } from "../helpers/forms";

stopServersAfterAll();

const PASSWORD = "correct horse battery staple";
const email = (label: string) => `${label}-${randomUUID()}@example.test`;
const accounts = () => prisma.user.count();
const decode = (text: string) => text.replace(/<!-- -->/g, "").replace(/&#x27;|&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, "&");
/** The alert text React rendered in a page, if any. */
const alertIn = (html: string) => {
  const match = /<p role="alert"[^>]*>([\s\S]*?)<\/p>/.exec(html);
  return match ? decode(match[1]) : null;
};

// Each test starts the built server (startApiServer): on a loaded machine that alone can
// outlast the default 30 s test timeout, on either engine.
const SERVER_TEST_TIMEOUT_MS = 120_000;

describe("HOOKLINE_SIGN_UP=closed", () => {
  it("a fresh install makes its first account; after that the page says sign-up is closed and the action refuses", async () => {
    expect(await accounts()).toBe(0);
    const server = await startApiServer({ HOOKLINE_SIGN_UP: "closed" });
    const signUpUrl = `${server.origin}/sign-up`;
    // The form's action, kept to post it again once the page no longer shows the form.
    const hidden = await actionFields(signUpUrl);
    const signInPage = async () => (await fetch(`${server.origin}/sign-in`)).text();
    expect(await signInPage()).toContain("Create an account");

    const first = await postForm(signUpUrl, hidden, { email: email("owner"), password: PASSWORD });
    expect(first.status).toBe(303);
    expect(first.location).toMatch(/\/endpoints$/);
    expect(await accounts()).toBe(1);

    const page = await (await fetch(signUpUrl)).text();
    expect(alertIn(page)).toBe(SIGN_UP_CLOSED);
    expect(page).not.toMatch(/name="password"/);
    // The sign-in page no longer invites anyone to sign up.
    expect(await signInPage()).not.toContain("Create an account");

    const second = await postForm(signUpUrl, hidden, { email: email("intruder"), password: PASSWORD });
    expect(second.status).toBe(200);
    expect(alertIn(second.html)).toBe(SIGN_UP_CLOSED);
    expect(second.cookies.some((cookie) => cookie.startsWith("hl_session="))).toBe(false);
    expect(await accounts()).toBe(1);

    // Racing sign-ups cannot slip past the check either.
    const racing = await Promise.all(Array.from({ length: 5 }, () => postForm(signUpUrl, hidden, { email: email("racer"), password: PASSWORD })));
    for (const attempt of racing) expect(alertIn(attempt.html)).toBe(SIGN_UP_CLOSED);
    expect(await accounts()).toBe(1);
  }, SERVER_TEST_TIMEOUT_MS);

  it("open (the default) lets anyone sign up", async () => {
    const server = await startApiServer();
    const before = await accounts();
    expect((await submitForm(`${server.origin}/sign-up`, { email: email("open"), password: PASSWORD })).status).toBe(303);
    expect(await accounts()).toBe(before + 1);
    expect(await (await fetch(`${server.origin}/sign-in`)).text()).toContain("Create an account");
  }, SERVER_TEST_TIMEOUT_MS);
});

describe("sign-up is throttled per client address", () => {
  it("past the limit an address is refused with a message, and other addresses are not", async () => {
    const server = await startApiServer({ HOOKLINE_SIGN_UP_MAX_PER_ADDRESS: "2", HOOKLINE_SIGN_UP_WINDOW: "1h" });
    const signUpUrl = `${server.origin}/sign-up`;
    const from = (address: string) => ({ headers: { "x-forwarded-for": address } });

    for (let i = 0; i < 2; i++) expect((await submitForm(signUpUrl, { email: email("burst"), password: PASSWORD }, from("203.0.113.7"))).status).toBe(303);
    const before = await accounts();
    const refused = await submitForm(signUpUrl, { email: email("burst"), password: PASSWORD }, from("203.0.113.7"));
    expect(refused.status).toBe(200);
    expect(alertIn(refused.html)).toMatch(/^Too many sign-ups from this address\. Try again in \d+ minutes?\.$/);
    expect(await accounts()).toBe(before);

    expect((await submitForm(signUpUrl, { email: email("elsewhere"), password: PASSWORD }, from("203.0.113.8"))).status).toBe(303);
  }, SERVER_TEST_TIMEOUT_MS);
});

describe("the client address comes from trusted proxies only (HOOKLINE_TRUSTED_PROXIES)", () => {
  it("a client that is not a trusted proxy cannot pick its address with X-Forwarded-For", async () => {
    // This test connects from 127.0.0.1: with no proxy trusted, that is the address of every
    // sign-up. (On PostgreSQL the throttle lives in the database, where this file's earlier
    // sign-ups from 127.0.0.1 count too: so at most two more, not exactly two.)
    const server = await startApiServer({ HOOKLINE_SIGN_UP_MAX_PER_ADDRESS: "2", HOOKLINE_TRUSTED_PROXIES: "none" });
    const signUpUrl = `${server.origin}/sign-up`;
    const before = await accounts();
    let refused = "";
    for (const address of ["203.0.113.1", "203.0.113.2", "203.0.113.3"]) {
      refused = alertIn((await submitForm(signUpUrl, { email: email("spoof"), password: PASSWORD }, { headers: { "x-forwarded-for": address } })).html) ?? "";
    }
    expect(refused).toMatch(/^Too many sign-ups from this address\./);
    expect(await accounts()).toBeLessThanOrEqual(before + 2);
  }, SERVER_TEST_TIMEOUT_MS);

  it("behind a trusted proxy, only the entry it appended counts, not the client's own", async () => {
    const server = await startApiServer({ HOOKLINE_SIGN_UP_MAX_PER_ADDRESS: "2" });
    const signUpUrl = `${server.origin}/sign-up`;
    // The proxy (this machine, trusted by default) appends the address it sees, 198.51.100.7, to
    // whatever the client sent.
    const via = (claimed: string) => ({ headers: { "x-forwarded-for": `${claimed}, 198.51.100.7` } });
    for (const claimed of ["203.0.113.1", "203.0.113.2"]) expect((await submitForm(signUpUrl, { email: email("chain"), password: PASSWORD }, via(claimed))).status).toBe(303);
    const refused = await submitForm(signUpUrl, { email: email("chain"), password: PASSWORD }, via("203.0.113.3"));
    expect(alertIn(refused.html)).toMatch(/^Too many sign-ups from this address\./);
  }, SERVER_TEST_TIMEOUT_MS);
});
