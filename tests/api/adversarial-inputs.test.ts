/**
 * SPEC §10 over real HTTP: inputs built to make a parser backtrack are answered as promptly as
 * ordinary inputs of the same size, with a proper status, and the server keeps serving others
 * meanwhile. Times are compared with a same-size benign request in the same run (best of a
 * few), never against an absolute limit. Before the placeholder scan was linear, the first
 * schedule below took 22 s (at 200,000 spaces) and froze the server.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { performance } from "node:perf_hooks";
import { expectProblem, newApiClient, startApiServer, stopServersAfterAll, type ApiClient, type ApiResponse } from "../helpers/api-client";

stopServersAfterAll();

const SIZE = 250 * 1024; // just under the data limit, so a well-formed schedule is accepted
/** Generous: a linear parser keeps the adversarial request near the benign one's time. */
const MAX_SLOWDOWN = 5;
const schedule = { name: "Adversarial", cron: "0 0 * * *", type: "adversarial.test" };

let api: ApiClient;

beforeAll(async () => {
  const server = await startApiServer();
  ({ api } = await newApiClient(server.origin, "adversarial"));
}, 120_000);

/**
 * Sends `adversarial` while the server is also asked for a small list over and over: the
 * adversarial request must not take much longer than `benign` (same size), and the small
 * requests must keep being answered while it runs. Both are timed under the same conditions
 * (the bystander running, turns alternating, best of a few each), so a busy machine or a slower
 * engine weighs on both alike.
 */
async function expectPrompt(adversarial: () => Promise<ApiResponse>, benign: () => Promise<ApiResponse>, runs = 3) {
  let running = true;
  let answeredMeanwhile = 0;
  const bystander = (async () => {
    while (running) {
      expect((await api.get("/api/v1/schedules?limit=1")).status).toBe(200);
      answeredMeanwhile++;
    }
  })();
  const timed = async (request: () => Promise<ApiResponse>) => {
    const start = performance.now();
    const response = await request();
    return { ms: performance.now() - start, response };
  };
  const normal = { ms: Infinity };
  const hostile = { ms: Infinity, response: null as ApiResponse | null };
  for (let i = 0; i < runs; i++) {
    normal.ms = Math.min(normal.ms, (await timed(benign)).ms);
    const { ms, response } = await timed(adversarial);
    hostile.ms = Math.min(hostile.ms, ms);
    hostile.response = response;
  }
  running = false;
  await bystander;
  expect(answeredMeanwhile).toBeGreaterThan(0);
  expect(hostile.ms, `adversarial ${hostile.ms.toFixed(0)} ms vs benign ${normal.ms.toFixed(0)} ms`).toBeLessThanOrEqual(MAX_SLOWDOWN * Math.max(normal.ms, 20));
  return hostile.response!;
}

describe("adversarial inputs through the API", () => {
  it("a schedule whose data is '{{' then 250 KiB of spaces is created promptly (201)", async () => {
    const response = await expectPrompt(
      () => api.post("/api/v1/schedules", { ...schedule, data: { m: `{{${" ".repeat(SIZE)}` } }),
      () => api.post("/api/v1/schedules", { ...schedule, data: { m: "x".repeat(SIZE + 2) } }),
    );
    expect(response.status, response.text.slice(0, 300)).toBe(201);
  });

  it("a schedule with a placeholder name then 250 KiB of spaces, and one with many openers", async () => {
    for (const text of [`{{time${" ".repeat(SIZE)}`, "{{ ".repeat(SIZE / 3)]) {
      const response = await expectPrompt(
        () => api.post("/api/v1/schedules", { ...schedule, data: { m: text } }),
        () => api.post("/api/v1/schedules", { ...schedule, data: { m: "x".repeat(text.length) } }),
      );
      expect(response.status, response.text.slice(0, 300)).toBe(201);
    }
  });

  it("schedule data holding a very large array is answered with a proper status, not a 500", async () => {
    const response = await api.post("/api/v1/schedules", { ...schedule, data: { list: Array.from({ length: 130_000 }, () => 0) } });
    // (Spreading it into an array once overflowed the stack: a 500.)
    expect([201, 422], response.text.slice(0, 300)).toContain(response.status);
  });

  it("a 256 KiB event-type filter and a 256 KiB header value are refused promptly (422) beside their field", async () => {
    const created = await api.post("/api/v1/endpoints", { name: "R", url: "https://example.com/hooks" });
    expect(created.status).toBe(201);
    const path = `/api/v1/endpoints/${created.body.id}`;

    const filter = await expectPrompt(
      () => api.patch(path, { eventTypes: [`${"a.".repeat(128 * 1024)}!`] }),
      () => api.patch(path, { description: "x".repeat(256 * 1024) }),
    );
    expectProblem(filter, 422);
    expect(Object.keys(filter.body.errors)).toEqual(["eventTypes.0"]);

    const header = await expectPrompt(
      () => api.patch(path, { headers: { "x-tenant": `${" ".repeat(256 * 1024)}\r` } }),
      () => api.patch(path, { description: "x".repeat(256 * 1024) }),
    );
    expectProblem(header, 422);
    expect(Object.keys(header.body.errors)).toEqual(["headers.x-tenant"]);
  });

  it("a 200 KiB cron expression is refused by its length (422)", async () => {
    const response = await api.post("/api/v1/schedules", { ...schedule, cron: "* ".repeat(100 * 1024) });
    expectProblem(response, 422);
    expect(response.body.errors.cron).toEqual(["Cron must be at most 200 characters"]);
  });
});
