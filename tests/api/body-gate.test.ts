/**
 * SPEC §10, "the key or token is checked before the body is read", for the requests that are
 * not API calls, against the real server (scripts/server.ts in front of Next): a dashboard form
 * (a server action, posted to its page's path) gets more than 16 KiB of body read only with a
 * signed-in session; sign-in and sign-up, which take no credential, get 16 KiB; and the path the
 * gate checks is the one Next routes, so no way of writing the request target skips a check.
 *
 * Each hostile request sends the start of its body and holds the rest back: a server that must
 * not read the body answers at once, one that waits for the whole body never answers (status
 * null once the helper's patience runs out). Statuses are asserted, never durations.
 */
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { ANONYMOUS_BODY_BYTES, FORM_MAX_BODY_BYTES } from "@/lib/api/body-limits";
import { newApiAccount, startApiServer, stopServersAfterAll } from "../helpers/api-client";
import { actionFields, postForm, signUpAndSignIn } from "../helpers/forms";
import { sendPartOfBody, type PartialOutcome, type PartialUpload } from "../helpers/raw-http";
import type { RunningServer } from "../helpers/server";

stopServersAfterAll();

let server: RunningServer;
let origin: string;
/** `hl_session=<token>` of an account signed in through the sign-in form. */
let session: string;

/** The Settings form that creates an API key (its `name` field: at most 100 characters). */
const keyForm = (html: string) => /name="name"/.test(html);
const FORM = { "content-type": "application/x-www-form-urlencoded" };
/** A session cookie no session has (as an expired or signed-out one reads). */
const NO_SUCH_SESSION = `hl_session=${"x".repeat(43)}`;

/** A new account, made through the sign-up form, then signed in through the sign-in form: its session cookie. */
const signUpAndIn = () => signUpAndSignIn(origin, `gate-${randomUUID()}@example.test`, "correct horse battery staple");

beforeAll(async () => {
  server = await startApiServer({ HOOKLINE_WORKER: "off" });
  origin = server.origin;
  session = await signUpAndIn();
}, 120_000);

const send = (upload: PartialUpload) => sendPartOfBody(origin, upload);

/** Answered with `status` while the client still held most of the body. */
function expectAnsweredEarly(outcome: PartialOutcome, status: number) {
  expect(outcome.status, outcome.status === null ? "no answer while the body was held back" : outcome.body).toBe(status);
}

function expectTooLarge(outcome: PartialOutcome, limit: number) {
  expectAnsweredEarly(outcome, 413);
  expect(outcome.headers["content-type"]).toMatch(/^application\/problem\+json/);
  expect(JSON.parse(outcome.body)).toMatchObject({ status: 413, detail: `The body must be at most ${limit} bytes.` });
}

describe("sign-up and sign-in take 16 KiB of body: enough for their forms", () => {
  it("an account is made and signed in through the forms", async () => {
    expect(await signUpAndIn()).toMatch(/^hl_session=./);
  });

  it("a longer body is refused with 413 at once: declared, or chunked as soon as it passes 16 KiB", async () => {
    for (const target of ["/sign-in", "/sign-up"]) {
      expectTooLarge(await send({ target, headers: FORM, contentLength: 500_000, send: 1024 }), ANONYMOUS_BODY_BYTES);
      expectTooLarge(await send({ target, headers: FORM, send: ANONYMOUS_BODY_BYTES + 4096 }), ANONYMOUS_BODY_BYTES);
    }
  });
});

describe("a dashboard form's body past 16 KiB is read only with a signed-in session", () => {
  it("anonymous, POST /settings declaring 500,000 bytes: 413 at once, before the body is sent", async () => {
    expectTooLarge(await send({ target: "/settings", headers: FORM, contentLength: 500_000, send: 1024 }), ANONYMOUS_BODY_BYTES);
    expectTooLarge(await send({ target: "/endpoints/ep_nosuch", headers: FORM, contentLength: 500_000, send: 1024 }), ANONYMOUS_BODY_BYTES);
  });

  it("anonymous or with a session that does not exist, a chunked body: 413 once it passes 16 KiB", async () => {
    for (const cookie of [undefined, NO_SUCH_SESSION]) {
      const headers = { ...FORM, ...(cookie ? { cookie } : {}) };
      expectTooLarge(await send({ target: "/settings", headers, send: ANONYMOUS_BODY_BYTES + 4096 }), ANONYMOUS_BODY_BYTES);
    }
  });

  it("with a session that does not exist, a small form post still reaches the action: its redirect to sign-in", async () => {
    const hidden = await actionFields(`${origin}/settings`, { cookie: session, pick: keyForm });
    const answer = await postForm(`${origin}/settings`, hidden, { name: "CI" }, { cookie: NO_SUCH_SESSION });
    expect(answer.status).toBe(303);
    expect(answer.location).toBe("/sign-in");
  });

  it("signed in, a 450 KiB form body is read whole by the action (its field error), and one past the form limit is refused", async () => {
    const hidden = await actionFields(`${origin}/settings`, { cookie: session, pick: keyForm });
    const answer = await postForm(`${origin}/settings`, hidden, { name: "k".repeat(450 * 1024) }, { cookie: session });
    expect(answer.status).toBe(200);
    expect(answer.html).toContain("Name must be at most 100 characters");
    expectTooLarge(await send({ target: "/settings", headers: { ...FORM, cookie: session }, contentLength: FORM_MAX_BODY_BYTES + 1, send: 1024 }), FORM_MAX_BODY_BYTES);
  });
});

describe("the gate checks the route Next serves, whatever the request target", () => {
  it("an absolute-form POST to /api/v1/endpoints: 400 before the body is sent (not Next's 308 after it), with a key or without", async () => {
    const json = { "content-type": "application/json" };
    const outcome = await send({ target: `${origin}/api/v1/endpoints`, headers: json, contentLength: 500_000, send: 1024 });
    expectAnsweredEarly(outcome, 400);
    expect(outcome.headers["content-type"]).toMatch(/^application\/problem\+json/);
    const { key } = await newApiAccount("absolute");
    expectAnsweredEarly(await send({ target: `${origin}/api/v1/endpoints`, headers: { ...json, authorization: `Bearer ${key}` }, contentLength: 200_000, send: 1024 }), 400);
  });

  it("an absolute-form POST to an inbox with a wrong token: 400 before the body is sent", async () => {
    expectAnsweredEarly(await send({ target: `${origin}/api/inbox/no-such-token`, headers: { "content-type": "application/json" }, contentLength: 500_000, send: 1024 }), 400);
  });

  it("a target whose dot segments Next resolves is gated as the route they resolve to", async () => {
    // Next routes these to the API: its key is asked for, whatever the path starts with.
    for (const target of ["/sign-in/../api/v1/endpoints", "/settings/%2e%2e/api/v1/endpoints"]) {
      expectAnsweredEarly(await send({ target, headers: { "content-type": "application/json", cookie: session }, contentLength: 200_000, send: 1024 }), 401);
    }
    // And this one to the settings page: an API key is no session.
    const { key } = await newApiAccount("dots");
    const outcome = await send({ target: "/api/v1/%2e%2e/%2e%2e/settings", headers: { ...FORM, authorization: `Bearer ${key}` }, contentLength: 200_000, send: 1024 });
    expectTooLarge(outcome, ANONYMOUS_BODY_BYTES);
  });
});

describe("the server's log", () => {
  it("shows no error after all of that", () => {
    expect(server.output()).not.toMatch(/"level":50|Error: /);
  });
});
