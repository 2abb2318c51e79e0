/**
 * SPEC §10 quotas over real HTTP against the built server, with small limits: the API refuses an
 * endpoint or schedule past its account's quota with a 403 problem+json naming the limit; the
 * Settings form refuses an API key past its quota (keys have no API); deleted endpoints and
 * revoked keys make room again; a schedule running more often than the minimum interval gets a
 * field error on `cron`; parallel creates at the limit create exactly the quota; and the rate
 * limit counts an account's keys together while another account is unaffected.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are JSON whose shape is asserted */
import { beforeAll, describe, expect, it, vi } from "vitest";

// The limits of this file's server, also read by lib/env in this process (which creates API keys
// and, in the race below, endpoints on the same database).
const QUOTAS = vi.hoisted(() => {
  const quotas = { HOOKLINE_MAX_ENDPOINTS: "3", HOOKLINE_MAX_API_KEYS: "2", HOOKLINE_MAX_SCHEDULES: "2", HOOKLINE_MIN_SCHEDULE_INTERVAL: "10s" };
  Object.assign(process.env, quotas);
  return quotas;
});

import { prisma } from "@/lib/db";
import { createApiKey, revokeApiKey } from "@/lib/auth/api-keys";
import { createEndpoint } from "@/lib/endpoints/queries";
import { QuotaExceededError } from "@/lib/quotas";
import { apiClient, expectProblem, newApiClient, startApiServer, stopServersAfterAll, type ApiClient, type ApiResponse } from "../helpers/api-client";
import { signUpAndSignIn, submitForm } from "../helpers/forms";

stopServersAfterAll();

let origin = "";

beforeAll(async () => {
  origin = (await startApiServer(QUOTAS)).origin;
}, 120_000);

const newClient = (label: string) => newApiClient(origin, label);
const endpointBody = (name: string) => ({ name, url: `https://${name.toLowerCase()}.example.com/hooks` });
const YEARLY = { cron: "0 0 1 1 *", type: "yearly.report" };

function expectQuotaExceeded(response: ApiResponse, text: RegExp, variable: string): void {
  expectProblem(response, 403);
  expect(response.body.title).toBe("Quota Exceeded");
  expect(response.body.detail).toMatch(text);
  expect(response.body.detail).toContain(`ask the operator of this Hookline to raise the limit (${variable})`);
}

const count = {
  endpoints: (userId: string, where: { deletedAt?: null } = {}) => prisma.endpoint.count({ where: { userId, ...where } }),
  schedules: (userId: string) => prisma.schedule.count({ where: { userId } }),
  apiKeys: (userId: string, where: { revokedAt?: null } = {}) => prisma.apiKey.count({ where: { userId, ...where } }),
};

describe("endpoints (HOOKLINE_MAX_ENDPOINTS=3)", () => {
  it("refuses the 4th with 403 Quota Exceeded and creates nothing; a deleted endpoint makes room; other accounts are unaffected", async () => {
    const { api, userId } = await newClient("endpoints");
    const created: any[] = [];
    for (const name of ["One", "Two", "Three"]) {
      const response = await api.post("/api/v1/endpoints", endpointBody(name));
      expect(response.status, response.text).toBe(201);
      created.push(response.body);
    }

    const refused = await api.post("/api/v1/endpoints", endpointBody("Four"));
    expectQuotaExceeded(refused, /^This account has reached its limit of 3 endpoints\. Delete an endpoint you no longer need/, "HOOKLINE_MAX_ENDPOINTS");
    expect(await count.endpoints(userId)).toBe(3);
    expect((await api.get("/api/v1/endpoints")).body.data.map((endpoint: any) => endpoint.name).sort()).toEqual(["One", "Three", "Two"]);

    const other = await newClient("endpoints-other");
    expect((await other.api.post("/api/v1/endpoints", endpointBody("Elsewhere"))).status).toBe(201);

    expect((await api.delete(`/api/v1/endpoints/${created[0].id}`)).status).toBe(204);
    const again = await api.post("/api/v1/endpoints", endpointBody("Four"));
    expect(again.status, again.text).toBe(201);
    expectQuotaExceeded(await api.post("/api/v1/endpoints", endpointBody("Five")), /limit of 3 endpoints/, "HOOKLINE_MAX_ENDPOINTS");
    expect(await count.endpoints(userId, { deletedAt: null })).toBe(3);
  });

  it("12 parallel creates over HTTP make exactly 3", async () => {
    const { api, userId } = await newClient("race");
    // A warm server, so the creates below really run side by side.
    expect((await api.get("/api/v1/endpoints")).status).toBe(200);
    const responses = await Promise.all(Array.from({ length: 12 }, (_, i) => api.post("/api/v1/endpoints", endpointBody(`Http${i}`))));
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 201), statuses.join()).toHaveLength(3);
    expect(statuses.filter((status) => status === 403), statuses.join()).toHaveLength(9);
    expect(await count.endpoints(userId)).toBe(3);
  });

  it("creates over HTTP raced by creates from another process make exactly 3", async () => {
    const { api, userId } = await newClient("race-processes");
    expect((await api.get("/api/v1/endpoints")).status).toBe(200);
    const overHttp = Array.from({ length: 8 }, (_, i) => api.post("/api/v1/endpoints", endpointBody(`Http${i}`)));
    // This test process is a second writer on the same database, as a separate worker would be.
    const direct: Array<"created" | "refused"> = [];
    for (let i = 0; i < 6; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      try {
        await createEndpoint(userId, { ...endpointBody(`Direct${i}`), description: "" });
        direct.push("created");
      } catch (error) {
        expect(error).toBeInstanceOf(QuotaExceededError);
        direct.push("refused");
      }
    }
    const statuses = (await Promise.all(overHttp)).map((response) => response.status);
    expect(statuses.every((status) => status === 201 || status === 403), statuses.join()).toBe(true);
    expect(statuses.filter((status) => status === 201).length + direct.filter((outcome) => outcome === "created").length).toBe(3);
    expect(await count.endpoints(userId)).toBe(3);
  });
});

describe("schedules (HOOKLINE_MAX_SCHEDULES=2, HOOKLINE_MIN_SCHEDULE_INTERVAL=10s)", () => {
  it("refuses the 3rd with 403 Quota Exceeded and creates nothing; deleting one makes room", async () => {
    const { api, userId } = await newClient("schedules");
    const first = await api.post("/api/v1/schedules", { name: "First", ...YEARLY });
    expect(first.status, first.text).toBe(201);
    // At the minimum interval exactly: allowed.
    expect((await api.post("/api/v1/schedules", { name: "Every 10 s", cron: "*/10 * * * * *", type: "tick" })).status).toBe(201);

    const refused = await api.post("/api/v1/schedules", { name: "Third", ...YEARLY });
    expectQuotaExceeded(refused, /^This account has reached its limit of 2 schedules\. Delete a schedule you no longer need/, "HOOKLINE_MAX_SCHEDULES");
    expect(await count.schedules(userId)).toBe(2);
    expect((await api.get("/api/v1/schedules")).body.data).toHaveLength(2);

    expect((await api.delete(`/api/v1/schedules/${first.body.id}`)).status).toBe(204);
    expect((await api.post("/api/v1/schedules", { name: "Third", ...YEARLY })).status).toBe(201);
  });

  it("parallel creates at the limit make exactly 2", async () => {
    const { api, userId } = await newClient("schedules-race");
    expect((await api.get("/api/v1/schedules")).status).toBe(200);
    const responses = await Promise.all(Array.from({ length: 10 }, (_, i) => api.post("/api/v1/schedules", { name: `S${i}`, ...YEARLY })));
    expect(responses.filter((response) => response.status === 201)).toHaveLength(2);
    expect(responses.filter((response) => response.status === 403)).toHaveLength(8);
    expect(await count.schedules(userId)).toBe(2);
  });

  it("a cron expression whose runs come closer than 10 s gets a field error on cron, at create and at edit", async () => {
    const { api, userId } = await newClient("interval");
    const tooOften = await api.post("/api/v1/schedules", { name: "Hello ticker", cron: "*/5 * * * * *", type: "hello.tick" });
    expectProblem(tooOften, 422);
    expect(Object.keys(tooOften.body.errors)).toEqual(["cron"]);
    expect(tooOften.body.errors.cron[0]).toMatch(/runs 5 s apart at times; schedules here may run at most once every 10 s \(HOOKLINE_MIN_SCHEDULE_INTERVAL, set by the operator\)/);
    // Twice a minute, one second apart: the average is fine, the closest pair is not.
    const pair = await api.post("/api/v1/schedules", { name: "Pair", cron: "0,1 * * * * *", type: "pair" });
    expect(pair.body.errors?.cron?.[0], pair.text).toMatch(/runs 1 s apart/);
    expect(await count.schedules(userId)).toBe(0);

    const created = await api.post("/api/v1/schedules", { name: "Slow", cron: "*/15 * * * * *", type: "slow.tick" });
    expect(created.status, created.text).toBe(201);
    const edited = await api.patch(`/api/v1/schedules/${created.body.id}`, { cron: "* * * * * *" });
    expectProblem(edited, 422);
    expect(edited.body.errors.cron[0]).toMatch(/runs 1 s apart/);
    expect((await api.get(`/api/v1/schedules/${created.body.id}`)).body.cron).toBe("*/15 * * * * *");
  });
});

describe("API keys (HOOKLINE_MAX_API_KEYS=2), created in Settings", () => {
  const keyForm = (html: string) => /name="name"/.test(html);

  it("the form refuses the 3rd key with the quota's message and stores nothing; a revoked key makes room", async () => {
    const email = `keys-${Date.now()}@example.test`;
    const cookie = await signUpAndSignIn(origin, email, "correct horse battery staple");
    const { id: userId } = await prisma.user.findUniqueOrThrow({ where: { email }, select: { id: true } });
    const createKey = (name: string) => submitForm(`${origin}/settings`, { name }, { cookie, pick: keyForm });

    for (const name of ["CI", "Orders"]) expect((await createKey(name)).html).toMatch(/hl_[A-Za-z0-9_-]{43}/);
    const refused = await createKey("One too many");
    expect(refused.html).toContain("This account has reached its limit of 2 active API keys. Revoke a key you no longer use, or ask the operator of this Hookline to raise the limit (HOOKLINE_MAX_API_KEYS).");
    expect(refused.html).not.toMatch(/hl_[A-Za-z0-9_-]{43}/);
    expect(await count.apiKeys(userId)).toBe(2);

    // The same quota holds for keys made outside the form.
    await expect(createApiKey(userId, "direct")).rejects.toBeInstanceOf(QuotaExceededError);

    const { id } = await prisma.apiKey.findFirstOrThrow({ where: { userId, name: "CI" }, select: { id: true } });
    expect(await revokeApiKey(userId, id)).toBe(true);
    expect((await createKey("Replacement")).html).toMatch(/hl_[A-Za-z0-9_-]{43}/);
    expect(await count.apiKeys(userId, { revokedAt: null })).toBe(2);
    expect(await count.apiKeys(userId)).toBe(3);
  });
});

describe("rate limit per account (HOOKLINE_API_RATE_LIMIT=1)", () => {
  let limitedOrigin = "";

  beforeAll(async () => {
    // 1 a second, bursts of one: what the requests below may take depends on how long they took,
    // which is measured, not assumed (with 5 a second, 10 requests had to arrive within 200 ms).
    limitedOrigin = (await startApiServer({ ...QUOTAS, HOOKLINE_API_RATE_LIMIT: "1", HOOKLINE_WORKER: "off" })).origin;
  }, 120_000);

  it("counts an account's two keys together (each key's first request would pass on its own), and leaves another account alone", async () => {
    const { api: first, userId } = await newApiClient(limitedOrigin, "two-keys");
    const { key: secondKey } = await createApiKey(userId, "second");
    const second: ApiClient = apiClient(limitedOrigin, secondKey);
    const bystander = await newApiClient(limitedOrigin, "bystander");
    // Warmed up by a third account (its own bucket), so the burst below comes close together.
    const warmUp = await newApiClient(limitedOrigin, "warm-up");
    expect((await warmUp.api.get("/api/v1/endpoints")).status).toBe(200);
    const started = Date.now();
    const burst = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? second : first).get("/api/v1/endpoints")));
    const elapsedMs = Date.now() - started;
    const refused = burst.filter((response) => response.status === 429);
    const accepted = burst.filter((response) => response.status === 200).length;
    expect(accepted + refused.length).toBe(20);
    expect(refused.length).toBeGreaterThan(0);
    // One bucket for the account: its burst of one plus one a second while the requests were
    // served. A bucket per key would have granted each key its own burst and refill, about twice
    // that (both keys' requests are spread over the whole time).
    expect(accepted).toBeGreaterThanOrEqual(1);
    expect(accepted, `accepted in ${elapsedMs} ms`).toBeLessThanOrEqual(1 + elapsedMs / 1000);
    expectProblem(refused[0], 429);
    expect(refused[0].body.detail).toMatch(/This account is limited to 1 API requests per second, all its API keys together \(HOOKLINE_API_RATE_LIMIT/);
    expect(Number(refused[0].headers.get("retry-after"))).toBeGreaterThanOrEqual(1);

    const response = await bystander.api.get("/api/v1/endpoints");
    expect(response.status, response.text).toBe(200);
  });
});
