/**
 * The server's log (everything the server process writes to stdout and stderr) during a run
 * that handles every kind of secret Hookline sees: a password at sign-up and sign-in (and a
 * wrong one), an API key created in Settings and sent on every API call (and an invalid one),
 * the session cookie, endpoint signing secrets (created and rotated), an endpoint URL with a
 * token in its query, a secret custom header, event payloads, a rejected request body and a
 * receiver's response body. None of them may appear in the log; and the log must be there:
 * JSON lines, one per API request, each with its request id, echoed as `x-request-id`.
 */
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db";
import { apiClient } from "../helpers/api-client";
import { submitForm } from "../helpers/forms";
import { startReceiver, waitFor, type Receiver } from "../helpers/receiver";
import { startServer, stopServersAfterEach } from "../helpers/server";

stopServersAfterEach();
const receivers: Receiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
});

const marker = (label: string) => `${label}-${randomBytes(9).toString("hex")}`;

describe("the server log", () => {
  it("is JSON lines with request ids, and holds no password, key, secret, token or payload", async () => {
    const secrets: Record<string, string> = {
      password: marker("password"),
      wrongPassword: marker("wrong-password"),
      invalidKey: `hl_${randomBytes(24).toString("hex")}`,
      urlToken: marker("url-token"),
      headerSecret: marker("header-secret"),
      payload: marker("payload"),
      rejectedBody: marker("rejected-body"),
      responseBody: marker("response-body"),
    };
    const server = await startServer({ HOOKLINE_API_RATE_LIMIT: "100000", HOOKLINE_RETRY_SCHEDULE: "0s,100ms" });
    const ok = await startReceiver([{ status: 200 }]);
    const failing = await startReceiver([{ status: 500, body: `upstream said ${secrets.responseBody}` }]);
    receivers.push(ok, failing);

    // Sign up, sign out of mind, sign in (once wrong, once right) through the real forms.
    const email = `logs-${randomBytes(4).toString("hex")}@example.test`;
    const signUp = await submitForm(`${server.origin}/sign-up`, { email, password: secrets.password });
    expect(signUp.status).toBe(303);
    const wrong = await submitForm(`${server.origin}/sign-in`, { email, password: secrets.wrongPassword });
    expect(wrong.html).toContain("Invalid email or password");
    const signIn = await submitForm(`${server.origin}/sign-in`, { email, password: secrets.password });
    expect(signIn.status).toBe(303);
    const cookie = signIn.cookies.find((pair) => pair.startsWith("hl_session="));
    expect(cookie).toBeDefined();
    secrets.sessionToken = cookie!.slice("hl_session=".length);

    // An API key made in Settings, shown once in the page.
    const created = await submitForm(`${server.origin}/settings`, { name: "logs test" }, { cookie, pick: (form) => /name="name"/.test(form) });
    const key = /hl_[A-Za-z0-9_-]{32,}/.exec(created.html)?.[0];
    expect(key, "the new API key in the Settings page").toBeDefined();
    secrets.apiKey = key!;
    const userId = (await prisma.user.findUniqueOrThrow({ where: { email }, select: { id: true } })).id;

    const api = apiClient(server.origin, key!);
    const calls: Array<{ path: string; status: number; requestId: string | null }> = [];
    const call = async (method: "post" | "get" | "patch", path: string, json?: unknown, options?: Parameters<typeof api.post>[2]) => {
      const response = method === "get" ? await api.get(path, options) : await api[method](path, json, options);
      calls.push({ path, status: response.status, requestId: response.headers.get("x-request-id") });
      return response;
    };

    const good = await call("post", "/api/v1/endpoints", { name: "good", url: ok.url, headers: { "x-receiver-auth": secrets.headerSecret } });
    expect(good.status).toBe(201);
    const bad = await call("post", "/api/v1/endpoints", { name: "bad", url: `${failing.url}hook?token=${secrets.urlToken}` });
    expect(bad.status).toBe(201);
    secrets.endpointSecret = good.body.secret;
    const rotated = await call("post", `/api/v1/endpoints/${good.body.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    secrets.rotatedSecret = rotated.body.secret;
    for (let i = 0; i < 3; i++) {
      expect((await call("post", "/api/v1/events", { type: "order.created", data: { note: secrets.payload, i } })).status).toBe(202);
    }
    expect((await call("post", "/api/v1/events", { type: "not a valid type!", data: { note: secrets.rejectedBody } })).status).toBe(422);
    expect((await call("get", `/api/v1/endpoints/${bad.body.id}`)).status).toBe(200);
    const traced = await call("get", "/api/v1/events", undefined, { key: secrets.invalidKey, headers: { "x-request-id": "logs-test-trace-1" } });
    expect(traced.status).toBe(401);
    expect(traced.headers.get("x-request-id")).toBe("logs-test-trace-1");

    // Every delivery done (the failing one retried and gave up), so the worker had its say.
    await waitFor(async () => (await prisma.delivery.count({ where: { userId, status: { in: ["succeeded", "failed"] } } })) === 6, {
      timeoutMs: 20_000,
      what: "the deliveries to finish",
    });
    expect(failing.requests.some((request) => request.path.includes(secrets.urlToken))).toBe(true);
    expect(ok.requests.some((request) => request.rawBody.includes(secrets.payload) && request.headers["x-receiver-auth"] === secrets.headerSecret)).toBe(true);

    // Stop the server so everything buffered is written.
    server.process.kill("SIGTERM");
    await server.exited;
    const output = server.output();

    for (const [what, value] of Object.entries(secrets)) {
      expect(value.length, what).toBeGreaterThan(8);
      expect(output.includes(value), `the log contains the ${what}`).toBe(false);
    }

    // Our lines are JSON (Next and the start script print a few plain lines of their own).
    const jsonLines = output.split("\n").filter((line) => line.startsWith("{"));
    const entries = jsonLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const entry of entries) expect(entry).toMatchObject({ level: expect.any(Number), time: expect.any(String), msg: expect.any(String) });
    const requests = entries.filter((entry) => entry.msg === "api request");
    expect(requests).toHaveLength(calls.length);
    for (const { path, status, requestId } of calls) {
      expect(requestId, `x-request-id of ${path}`).toMatch(/^[\w.:-]+$/);
      const line = requests.find((entry) => entry.reqId === requestId);
      expect(line, `log line of ${path}`).toMatchObject({ method: expect.any(String), path: path.split("?")[0], status, durationMs: expect.any(Number) });
    }
    expect(new Set(requests.map((entry) => entry.reqId)).size).toBe(calls.length);
    expect(requests.find((entry) => entry.reqId === "logs-test-trace-1")).toMatchObject({ status: 401, path: "/api/v1/events" });
    expect(requests.find((entry) => entry.reqId === "logs-test-trace-1")).not.toHaveProperty("accountId");
    expect(requests.filter((entry) => entry.accountId === userId)).toHaveLength(calls.length - 1);
    // The graceful stop was logged too.
    expect(entries.some((entry) => /finishing in-flight deliveries/.test(String(entry.msg)))).toBe(true);
    // 120 s: it starts the built server and waits for retries; it took 26–28 s of the default
    // 30 s under load, on either engine.
  }, 120_000);
});
