/**
 * HOOKLINE_MAX_BODY_BYTES_IN_TRANSIT over real HTTP against the built server
 * (lib/api/body-budget.ts): stalled uploads hold the server's memory only up to the budget of
 * their client. An account's uploads (through the gate in front of Next, and to event ingest,
 * counted together) past it are refused with 429 at once, before their body is kept; another
 * account, and the same account once its uploads end, are served as before; requests without a
 * credential are counted by address the same way.
 *
 * A stalled upload sends its head and the start of its body and never the rest: the server holds
 * it (no answer) or refuses it (an answer while the client still holds the body back). Whether the
 * server has counted a stalled upload yet cannot be seen from outside, so the refused request is
 * tried again until it is refused, with a deadline; statuses are asserted, never durations.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { ANONYMOUS_BODY_BYTES } from "@/lib/api/body-limits";
import { newApiAccount, startApiServer, stopServersAfterAll } from "../helpers/api-client";
import { sendPartOfBody, stallUpload, type PartialOutcome, type PartialUpload } from "../helpers/raw-http";

/** Room for three bodies of STALLED_BYTES, not four. */
const BUDGET = 1_000_000;
const STALLED_BYTES = 260_000;
const JSON_BODY = { "content-type": "application/json" };

stopServersAfterAll();

let origin = "";
beforeAll(async () => {
  origin = (await startApiServer({ HOOKLINE_MAX_BODY_BYTES_IN_TRANSIT: String(BUDGET), HOOKLINE_WORKER: "off" })).origin;
}, 120_000);

const stalled: Array<Awaited<ReturnType<typeof stallUpload>>> = [];
afterEach(() => {
  for (const upload of stalled.splice(0)) upload.close();
});

async function stall(upload: PartialUpload) {
  const handle = await stallUpload(origin, upload);
  stalled.push(handle);
  return handle;
}

/**
 * These uploads, stalled, and `keepHeld`, which sends anew any of them that was refused: a probe
 * can be counted before a stalled upload is (the server checks their credentials concurrently),
 * and that upload is then the one refused.
 */
async function stallAll(uploads: PartialUpload[]) {
  const handles = await Promise.all(uploads.map(stall));
  const keepHeld = async () => {
    for (const [index, handle] of handles.entries()) {
      if (handle.answer().status === null) continue;
      handle.close();
      handles[index] = await stall(uploads[index]);
    }
  };
  return { handles, keepHeld };
}

const withKey = (key: string) => ({ ...JSON_BODY, authorization: `Bearer ${key}` });

/** Sends `upload` (part of its body, then waits a second) until `done` holds for the outcome, running `between` before each new try; the last outcome. */
async function retryUntil(upload: PartialUpload, done: (outcome: PartialOutcome) => boolean, between = async () => {}): Promise<PartialOutcome> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const outcome = await sendPartOfBody(origin, { ...upload, patienceMs: 1_000 });
    if (done(outcome) || Date.now() > deadline) return outcome;
    await between();
  }
}

const refused = (outcome: PartialOutcome) => outcome.status === 429;
/** Held: no answer while the body was held back (the server waits for the rest). */
const held = (outcome: PartialOutcome) => outcome.status === null;

function expectBodiesInTransit(outcome: PartialOutcome, problem: boolean): void {
  expect(outcome.status, outcome.body).toBe(429);
  expect(outcome.headers["retry-after"]).toBe("1");
  expect(outcome.body).toMatch(/HOOKLINE_MAX_BODY_BYTES_IN_TRANSIT/);
  if (problem) expect(outcome.headers["content-type"]).toMatch(/^application\/problem\+json/);
}

describe("bodies in transit per client (HOOKLINE_MAX_BODY_BYTES_IN_TRANSIT=1000000)", () => {
  it("an account's fourth stalled upload is refused with 429, its gate and ingest uploads counted together; another account is served", async () => {
    const account = await newApiAccount("budget-a");
    const other = await newApiAccount("budget-b");
    const upload = (target: string, key: string): PartialUpload => ({ target, headers: withKey(key), contentLength: STALLED_BYTES, send: 1024 });
    const { handles: first, keepHeld } = await stallAll(["/api/v1/endpoints", "/api/v1/events", "/api/v1/event-types"].map((target) => upload(target, account.key)));
    for (const target of ["/api/v1/endpoints", "/api/v1/events"]) expectBodiesInTransit(await retryUntil(upload(target, account.key), refused, keepHeld), true);
    // The three are held, not refused; the other account's upload is held too.
    for (const handle of first) expect(handle.answer().status).toBeNull();
    expect(held(await sendPartOfBody(origin, { ...upload("/api/v1/endpoints", other.key), patienceMs: 1_000 }))).toBe(true);

    // Once its uploads end, the account is served again.
    for (const handle of first) handle.close();
    expect(held(await retryUntil(upload("/api/v1/endpoints", account.key), held))).toBe(true);
    const whole = await fetch(`${origin}/api/v1/events`, { method: "POST", headers: withKey(account.key), body: JSON.stringify({ type: "budget.ok", data: {} }) });
    expect(whole.status).toBe(202);
  });

  it("requests without a credential are counted by address: past the budget, sign-in is refused with 429", async () => {
    const form = { "content-type": "application/x-www-form-urlencoded" };
    const fit = Math.floor(BUDGET / ANONYMOUS_BODY_BYTES);
    const signIn: PartialUpload = { target: "/sign-in", headers: form, contentLength: ANONYMOUS_BODY_BYTES, send: 512 };
    const { handles, keepHeld } = await stallAll(Array.from({ length: fit }, () => signIn));
    expectBodiesInTransit(await retryUntil(signIn, refused, keepHeld), false);
    for (const handle of handles) expect(handle.answer().status).toBeNull();
  });
});
