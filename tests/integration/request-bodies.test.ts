/**
 * SPEC §10: every request body is capped before it is read in full (chunked ones included), and
 * the key or token is checked before the body is read. Against the real server (`npm start`'s
 * scripts/server.ts with Next behind it), a client uploads 30 MB chunked bodies to the event
 * route without a key, to the inbox with a wrong token, to a server action, and (authorised) past
 * the limits; each time it must get its refusal, the server must stop reading long before 30 MB
 * (counted by the kernel: /proc/<pid>/io), its resident memory must not grow by anything like
 * 30 MB, and it must carry on serving.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { ANONYMOUS_BODY_BYTES, INBOX_MAX_REQUEST_BYTES, MAX_BODY_BYTES } from "@/lib/api/body-limits";
import { inboxToken } from "@/lib/inbox/queries";
import { apiClient, newApiAccount, startApiServer, stopServersAfterAll, type ApiAccount } from "../helpers/api-client";
import { bytesReadBy, residentBytes, serverPid, uploadChunked, type Upload, type UploadOutcome } from "../helpers/raw-http";
import type { RunningServer } from "../helpers/server";

stopServersAfterAll();

const MB = 1024 * 1024;
const HUGE = 30 * MB;
/** Well under the 30 MB a buffering server would hold; what a refused upload may cost at most. */
const MAX_GROWTH = 12 * MB;
/**
 * Bytes the server may read while refusing the credential: its first reads and the route's limit
 * (at most 1 MiB), with room for its own database reads (the kernel's count has them too).
 */
const MAX_READ_AFTER_CREDENTIAL_REFUSAL = 3 * MB;
/** After a 413: the limit, then 8 MiB dropped so a client that stops gets its answer, with the same room. */
const MAX_READ_AFTER_413 = 12 * MB;

let server: RunningServer;
let pid: number;
let account: ApiAccount;

beforeAll(async () => {
  // No worker: its database reads would blur the kernel's count of what the server reads.
  server = await startApiServer({ HOOKLINE_WORKER: "off" });
  pid = serverPid(server.process.pid!);
  account = await newApiAccount("bodies");
  // Next loads a route's code on its first request: that costs memory once, whatever the body.
  const small = { bytes: 1024, stallMs: 5_000 };
  expect((await uploadChunked(server.origin, { ...small, path: "/api/v1/events" })).status).toBe(401);
  expect((await uploadChunked(server.origin, { ...small, path: "/api/inbox/no-such-token" })).status).toBe(404);
  expect((await uploadChunked(server.origin, { ...small, path: "/api/v1/endpoints" })).status).toBe(401);
  expect((await fetch(`${server.origin}/sign-in`)).status).toBe(200);
  await expectServing();
});

type Measured = UploadOutcome & { growth: number; read: number };

/** The upload's outcome, how much the server read (bytes, from the kernel's count) and how much its resident memory grew across it. */
async function measured(upload: Upload): Promise<Measured> {
  const before = residentBytes(pid);
  const readBefore = bytesReadBy(pid);
  const outcome = await uploadChunked(server.origin, upload);
  return { ...outcome, growth: residentBytes(pid) - before, read: bytesReadBy(pid) - readBefore };
}

/**
 * The refusal arrived, the server read only a small part of the 30 MB (what it drops after
 * answering: up to the route's limit after a credential refusal, 8 MiB after a 413; then it stops
 * reading and closes), and its memory did not grow by anything like the body.
 */
function expectRefused(outcome: Measured, status: number, why: "credential" | "too large") {
  expect(outcome.status, outcome.body).toBe(status);
  expect(outcome.sentBeforeAnswer).not.toBeNull();
  expect(outcome.read).toBeLessThan(why === "credential" ? MAX_READ_AFTER_CREDENTIAL_REFUSAL : MAX_READ_AFTER_413);
  expect(outcome.growth).toBeLessThan(MAX_GROWTH);
}

/** The server still answers: an event with a key is accepted. */
async function expectServing() {
  const response = await apiClient(server.origin, account.key).post("/api/v1/events", { type: "after.flood", data: { ok: true } });
  expect(response.status, response.text).toBe(202);
}

describe("30 MB chunked bodies are refused without being buffered", () => {
  it("POST /api/v1/events without a key: 401 at once, the body is not read", async () => {
    const outcome = await measured({ path: "/api/v1/events", headers: { "content-type": "application/json" }, bytes: HUGE });
    expectRefused(outcome, 401, "credential");
    expect(outcome.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(outcome.headers["www-authenticate"]).toMatch(/^Bearer/);
    await expectServing();
  });

  it("POST /api/v1/endpoints (served by Next) without a key: 401 before Next reads the body", async () => {
    const outcome = await measured({ path: "/api/v1/endpoints", headers: { "content-type": "application/json" }, bytes: HUGE });
    expectRefused(outcome, 401, "credential");
    expect(outcome.headers["content-type"]).toMatch(/^application\/problem\+json/);
    await expectServing();
  });

  it("the inbox with a wrong token: 404 before the body is read", async () => {
    const outcome = await measured({ path: "/api/inbox/not-a-real-token-0123456789", headers: { "content-type": "application/json" }, bytes: HUGE });
    expectRefused(outcome, 404, "credential");
    expect(JSON.parse(outcome.body)).toEqual({ error: "No inbox here." });
    await expectServing();
  });

  it("the inbox with its token: 413 once the body passes the inbox's limit", async () => {
    const token = await inboxToken(account.userId);
    const outcome = await measured({ path: `/api/inbox/${token}`, headers: { "content-type": "application/json" }, bytes: HUGE });
    expectRefused(outcome, 413, "too large");
    expect(outcome.sentBeforeAnswer!).toBeGreaterThan(INBOX_MAX_REQUEST_BYTES);
    await expectServing();
  });

  it("with a valid key, to the event route and to a route Next serves: 413 problem+json past the API's limit", async () => {
    for (const path of ["/api/v1/events", "/api/v1/endpoints"]) {
      const outcome = await measured({ path, headers: { "content-type": "application/json", authorization: `Bearer ${account.key}` }, bytes: HUGE });
      expectRefused(outcome, 413, "too large");
      expect(outcome.headers["content-type"], path).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(outcome.body)).toMatchObject({ status: 413, title: expect.any(String), detail: expect.any(String) });
      expect(outcome.sentBeforeAnswer!, path).toBeGreaterThan(MAX_BODY_BYTES);
    }
    await expectServing();
  });

  it("a server action (the sign-in form, as a browser without JavaScript posts it): 413 past the form limit", async () => {
    // The sign-in page's form: its hidden fields name the server action; the email field then
    // runs on for 30 MB.
    const html = await (await fetch(`${server.origin}/sign-in`)).text();
    const form = /<form\b[\s\S]*?<\/form>/.exec(html)![0];
    const hidden = [...form.matchAll(/<input type="hidden" name="([^"]+)"(?: value="([^"]*)")?\/?>/g)];
    expect(hidden.some(([, name]) => name.startsWith("$ACTION"))).toBe(true);
    const boundary = "----hookline-flood";
    const parts = hidden.map(([, name, value]) => `--${boundary}\r\ncontent-disposition: form-data; name="${name.replace(/&quot;/g, '"')}"\r\n\r\n${(value ?? "").replace(/&quot;/g, '"')}\r\n`);
    const prelude = Buffer.from(`${parts.join("")}--${boundary}\r\ncontent-disposition: form-data; name="email"\r\n\r\n`);
    const outcome = await measured({
      path: "/sign-in",
      headers: { "content-type": `multipart/form-data; boundary=${boundary}`, origin: server.origin },
      prelude,
      bytes: HUGE,
    });
    expectRefused(outcome, 413, "too large");
    expect(outcome.sentBeforeAnswer!).toBeGreaterThan(ANONYMOUS_BODY_BYTES);
    await expectServing();
  });
});

describe("bodies within the limits still arrive whole", () => {
  it("a chunked body just under the API's limit reaches the route (422: the name is too long, not 413)", async () => {
    const name = "n".repeat(MAX_BODY_BYTES - 200);
    const response = await fetch(`${server.origin}/api/v1/endpoints`, {
      method: "POST",
      headers: { authorization: `Bearer ${account.key}`, "content-type": "application/json" },
      body: new Blob([JSON.stringify({ name, url: "https://example.com/hook" })]).stream(),
      duplex: "half",
    } as RequestInit & { duplex: "half" });
    expect(response.status).toBe(422);
    expect(Object.keys((await response.json()).errors)).toEqual(["name"]);
  });

  it("the inbox records a chunked 600 KiB body (cut to what it keeps)", async () => {
    const token = await inboxToken(account.userId);
    const response = await fetch(`${server.origin}/api/inbox/${token}`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: new Blob(["z".repeat(600 * 1024)]).stream(),
      duplex: "half",
    } as RequestInit & { duplex: "half" });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true });
  });
});

describe("the server's log", () => {
  it("shows no error after all of that", () => {
    expect(server.output()).not.toMatch(/"level":50|Error: /);
  });
});
