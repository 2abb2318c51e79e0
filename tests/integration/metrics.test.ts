/**
 * `GET /api/metrics` on the real server: it parses as Prometheus text exposition, and its
 * delivery figures agree with the database after real deliveries to real receivers.
 *
 * What "agree" means (also in each metric's HELP text):
 * - hookline_deliveries{status} equals the Delivery rows with that status;
 * - hookline_delivery_attempts_total{outcome} counts the Attempt rows the server's worker wrote:
 *   all of them together equal the Attempt rows, succeeded equals the 2xx ones, failed equals the
 *   failed deliveries (each ends with exactly one such attempt), retrying the rest; the attempt
 *   duration histogram has one observation per Attempt row;
 * - the queue gauges equal the due pending deliveries, and are 0 once everything is delivered.
 */
import { afterEach, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db";
import { apiClient, newApiAccount } from "../helpers/api-client";
import { parseExposition, sampleValue } from "../helpers/prometheus";
import { startReceiver, waitFor, type Receiver } from "../helpers/receiver";
import { freePort, startServer, startWorkerProcess, stopServersAfterEach } from "../helpers/server";

stopServersAfterEach();
const receivers: Receiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
});

async function receiver(...args: Parameters<typeof startReceiver>) {
  const started = await startReceiver(...args);
  receivers.push(started);
  return started;
}

const deliveries = (where: NonNullable<Parameters<typeof prisma.delivery.count>[0]>["where"] = {}) => prisma.delivery.count({ where });
/** Pending deliveries a worker would take at `now`: due, on an enabled, live endpoint. */
const dueWork = (now: number) =>
  prisma.delivery.aggregate({
    where: { status: "pending", nextAttemptAt: { lte: new Date(now) }, endpoint: { enabled: true, deletedAt: null } },
    _count: true,
    _min: { nextAttemptAt: true },
  });

// Each test starts the real server (startServer waits up to 60 s for it) and sometimes a worker
// process: on a loaded machine that alone outlasts the default 30 s test timeout.
const SERVER_TEST_TIMEOUT_MS = 120_000;

async function scrape(origin: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${origin}/api/metrics`, { headers });
  const text = await response.text();
  return { response, text };
}

describe("GET /api/metrics", () => {
  it("parses as Prometheus text, and its delivery counters match the database after a run", async () => {
    // A 3-attempt schedule (tests/helpers/setup-database.ts), so failures finish quickly; the
    // broken endpoint's 21 failures in a row must not pause it (circuit breaker, tested in
    // worker-fairness.test.ts), or its deliveries would wait instead of failing.
    const server = await startServer({
      HOOKLINE_API_RATE_LIMIT: "100000",
      HOOKLINE_RETRY_SCHEDULE: "0s,100ms,200ms",
      HOOKLINE_CIRCUIT_BREAKER_FAILURES: "1000",
    });
    const account = await newApiAccount("metrics");
    const api = apiClient(server.origin, account.key);

    const ok = await receiver([{ status: 200 }]);
    const broken = await receiver([{ status: 500 }]);
    const gone = await receiver([{ status: 410 }]);
    // Fails once per event, then succeeds: one retrying attempt, then a succeeded one.
    const seen = new Set<string>();
    const flaky = await receiver((request) => {
      const id = request.headers["webhook-id"];
      if (seen.has(id)) return { status: 204 };
      seen.add(id);
      return { status: 503 };
    });
    for (const [name, target] of [["ok", ok], ["broken", broken], ["flaky", flaky]] as const) {
      expect((await api.post("/api/v1/endpoints", { name, url: target.url })).status).toBe(201);
    }
    // 410 disables the endpoint, which would strand any later delivery to it as pending: it
    // gets exactly one event.
    expect((await api.post("/api/v1/endpoints", { name: "gone", url: gone.url, eventTypes: ["account.closed"] })).status).toBe(201);

    const EVENTS = 6;
    for (let i = 0; i < EVENTS; i++) {
      expect((await api.post("/api/v1/events", { type: "order.created", data: { n: i } })).status).toBe(202);
    }
    expect((await api.post("/api/v1/events", { type: "account.closed", data: {} })).status).toBe(202);
    await waitFor(async () => (await deliveries({ status: { in: ["pending", "delivering"] } })) === 0 && (await deliveries()) > 0, {
      timeoutMs: 30_000,
      what: "every delivery to finish",
    });

    const { response, text } = await scrape(server.origin);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const metrics = parseExposition(text);

    // The database's view, read at the same moment (nothing changes any more).
    const statusCounts = Object.fromEntries(
      await Promise.all(["pending", "delivering", "succeeded", "failed"].map(async (status) => [status, await deliveries({ status })] as const)),
    );
    const byStatus = (status: string) => statusCounts[status];
    const attemptRows = await prisma.attempt.count();
    const successRows = await prisma.attempt.count({ where: { responseStatus: { gte: 200, lte: 299 } } });
    const tickRows = await prisma.scheduleTick.count();
    // ok and flaky succeed for all 7 events; broken fails all 7, gone its one.
    expect(byStatus("succeeded")).toBe(2 * (EVENTS + 1));
    expect(byStatus("failed")).toBe(EVENTS + 2);

    for (const status of ["pending", "delivering", "succeeded", "failed"]) {
      expect(sampleValue(metrics, "hookline_deliveries", { status }), `deliveries ${status}`).toBe(byStatus(status));
    }
    const attempts = (outcome: string) => sampleValue(metrics, "hookline_delivery_attempts_total", { outcome });
    expect(attempts("succeeded") + attempts("retrying") + attempts("failed") + attempts("lease_expired")).toBe(attemptRows);
    expect(attempts("succeeded")).toBe(successRows);
    expect(attempts("failed")).toBe(byStatus("failed"));
    expect(attempts("retrying")).toBe(attemptRows - successRows - byStatus("failed"));
    // broken: two retried attempts per event before its last; flaky: one.
    expect(attempts("retrying")).toBe(3 * (EVENTS + 1));
    expect(attempts("lease_expired")).toBe(0);
    // One latency observation per HTTP attempt.
    expect(sampleValue(metrics, "hookline_delivery_attempt_duration_seconds")).toBe(attemptRows);

    expect(sampleValue(metrics, "hookline_queue_due_deliveries")).toBe(0);
    expect(sampleValue(metrics, "hookline_queue_oldest_due_age_seconds")).toBe(0);
    expect(sampleValue(metrics, "hookline_deliveries_in_flight")).toBe(0);
    expect(sampleValue(metrics, "hookline_workers_live")).toBe(1);
    expect(sampleValue(metrics, "hookline_schedule_ticks_fired")).toBe(tickRows);
    expect(metrics.get("hookline_delivery_attempts_total")).toMatchObject({ type: "COUNTER", help: expect.stringContaining("Attempt row") });
    expect(metrics.get("hookline_deliveries")).toMatchObject({ type: "GAUGE", help: expect.stringContaining("Delivery rows") });
    expect(metrics.get("hookline_delivery_attempt_duration_seconds")?.type).toBe("HISTOGRAM");
    // Node's process metrics come along.
    expect(sampleValue(metrics, "hookline_process_resident_memory_bytes")).toBeGreaterThan(0);
  }, SERVER_TEST_TIMEOUT_MS);

  it("reports the queue from the database when no worker runs here, and asks for the token when one is set", async () => {
    const token = "scrape-token-for-tests-0123456789";
    // The previous test's server was killed outright, leaving its heartbeat row behind.
    await prisma.workerHeartbeat.deleteMany();
    const server = await startServer({ HOOKLINE_WORKER: "off", HOOKLINE_METRICS_TOKEN: token, HOOKLINE_API_RATE_LIMIT: "100000" });
    const account = await newApiAccount("queue");
    const api = apiClient(server.origin, account.key);
    const target = await receiver();
    const disabled = await receiver();
    expect((await api.post("/api/v1/endpoints", { name: "waiting", url: target.url })).status).toBe(201);
    const off = await api.post("/api/v1/endpoints", { name: "disabled", url: disabled.url });
    for (let i = 0; i < 5; i++) expect((await api.post("/api/v1/events", { type: "order.paid", data: { n: i } })).status).toBe(202);
    // A disabled endpoint's pending deliveries are not work a worker would take: not in the queue.
    expect((await api.patch(`/api/v1/endpoints/${off.body.id}`, { enabled: false })).status).toBe(200);

    const denied = await scrape(server.origin);
    expect(denied.response.status).toBe(401);
    expect(denied.text).not.toContain("hookline_");
    expect((await scrape(server.origin, { authorization: "Bearer not-the-token-at-all-xx" })).response.status).toBe(401);

    const { response, text } = await scrape(server.origin, { authorization: `Bearer ${token}` });
    expect(response.status).toBe(200);
    const scrapedAt = Date.now();
    const metrics = parseExposition(text);
    const work = await dueWork(scrapedAt);
    const due = { n: work._count, oldest: work._min.nextAttemptAt!.getTime() };
    expect(due.n).toBe(5);
    expect(sampleValue(metrics, "hookline_queue_due_deliveries")).toBe(due.n);
    expect(sampleValue(metrics, "hookline_deliveries", { status: "pending" })).toBe(await deliveries({ status: "pending" }));
    const oldestAge = sampleValue(metrics, "hookline_queue_oldest_due_age_seconds");
    expect(oldestAge).toBeGreaterThan(0);
    expect(oldestAge).toBeLessThanOrEqual((scrapedAt - due.oldest) / 1000);
    // Nothing was attempted by this process, and no worker beats anywhere.
    expect(sampleValue(metrics, "hookline_delivery_attempts_total", { outcome: "succeeded" })).toBe(0);
    expect(sampleValue(metrics, "hookline_deliveries_in_flight")).toBe(0);
    expect(sampleValue(metrics, "hookline_workers_live")).toBe(0);
    expect(target.requests).toHaveLength(0);
  }, SERVER_TEST_TIMEOUT_MS);

  it("is served by a separate worker process on its own port, with that worker's attempts", async () => {
    await prisma.workerHeartbeat.deleteMany();
    // The previous test's queue must not become this worker's work.
    await prisma.delivery.updateMany({ where: { status: { in: ["pending", "delivering"] } }, data: { status: "failed", nextAttemptAt: null } });
    const server = await startServer({ HOOKLINE_WORKER: "off", HOOKLINE_API_RATE_LIMIT: "100000" });
    const port = await freePort();
    const worker = await startWorkerProcess({ HOOKLINE_WORKER_METRICS_PORT: String(port), HOOKLINE_RETRY_SCHEDULE: "0s,100ms" });
    const account = await newApiAccount("worker-metrics");
    const api = apiClient(server.origin, account.key);
    const ok = await receiver([{ status: 200 }]);
    const broken = await receiver([{ status: 502 }]);
    expect((await api.post("/api/v1/endpoints", { name: "ok", url: ok.url })).status).toBe(201);
    expect((await api.post("/api/v1/endpoints", { name: "broken", url: broken.url })).status).toBe(201);
    for (let i = 0; i < 4; i++) expect((await api.post("/api/v1/events", { type: "invoice.paid", data: { n: i } })).status).toBe(202);
    const mine = (status: string | string[]) => deliveries({ userId: account.userId, status: typeof status === "string" ? status : { in: status } });
    await waitFor(async () => (await mine(["succeeded", "failed"])) === 8, { timeoutMs: 20_000, what: "the worker to finish" });

    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(response.status).toBe(200);
    const metrics = parseExposition(await response.text());
    // Only this worker has delivered this test's events: its counters are exactly their attempts.
    const attemptRows = await prisma.attempt.count({ where: { delivery: { userId: account.userId } } });
    expect(attemptRows).toBe(4 + 4 * 2);
    const attempts = (outcome: string) => sampleValue(metrics, "hookline_delivery_attempts_total", { outcome });
    expect(attempts("succeeded")).toBe(4);
    expect(attempts("retrying")).toBe(4);
    expect(attempts("failed")).toBe(await mine("failed"));
    expect(attempts("succeeded") + attempts("retrying") + attempts("failed")).toBe(attemptRows);
    expect(sampleValue(metrics, "hookline_delivery_attempt_duration_seconds")).toBe(attemptRows);
    expect(sampleValue(metrics, "hookline_workers_live")).toBe(1);
    expect(sampleValue(metrics, "hookline_deliveries", { status: "succeeded" })).toBe(await deliveries({ status: "succeeded" }));
    // The web server's own counters saw none of it (its worker is off).
    const web = parseExposition(await (await fetch(`${server.origin}/api/metrics`)).text());
    expect(sampleValue(web, "hookline_delivery_attempts_total", { outcome: "succeeded" })).toBe(0);
    expect((await fetch(`http://127.0.0.1:${port}/elsewhere`)).status).toBe(404);
    expect(worker.output()).not.toMatch(/"level":50/);
  }, SERVER_TEST_TIMEOUT_MS);

  it("serves the database figures from a snapshot: any number of scrapes cost one database read per interval, and the figures catch up", async () => {
    await prisma.workerHeartbeat.deleteMany();
    const REFRESH_MS = 2_000;
    const server = await startServer({ HOOKLINE_WORKER: "off", HOOKLINE_API_RATE_LIMIT: "100000", HOOKLINE_METRICS_REFRESH_MS: String(REFRESH_MS) });
    const refreshes = (text: string) => sampleValue(parseExposition(text), "hookline_metrics_snapshot_refreshes_total");
    const pending = () => deliveries({ status: "pending" });

    // A burst: 80 scrapes, 8 at a time.
    const startedAt = Date.now();
    const first = await scrape(server.origin);
    const pendingBefore = sampleValue(parseExposition(first.text), "hookline_deliveries", { status: "pending" });
    expect(pendingBefore).toBe(await pending());
    let last = first.text;
    for (let batch = 0; batch < 10; batch++) {
      const texts = await Promise.all(Array.from({ length: 8 }, async () => (await scrape(server.origin)).text));
      last = texts[texts.length - 1];
    }
    const elapsed = Date.now() - startedAt;
    // At most one read when the burst began, then one per interval elapsed.
    expect(refreshes(last)).toBeLessThanOrEqual(1 + Math.floor(elapsed / REFRESH_MS));
    expect(refreshes(last)).toBeGreaterThanOrEqual(1);
    expect(sampleValue(parseExposition(last), "hookline_metrics_snapshot_age_seconds")).toBeLessThan(REFRESH_MS / 1000);

    // New pending deliveries (no worker runs): the figures show them once the snapshot is stale.
    const account = await newApiAccount("snapshot");
    const api = apiClient(server.origin, account.key);
    const target = await receiver();
    expect((await api.post("/api/v1/endpoints", { name: "waiting", url: target.url })).status).toBe(201);
    for (let i = 0; i < 3; i++) expect((await api.post("/api/v1/events", { type: "order.paid", data: { n: i } })).status).toBe(202);
    expect(await pending()).toBe(pendingBefore + 3);
    const before = refreshes((await scrape(server.origin)).text);
    await new Promise((resolve) => setTimeout(resolve, REFRESH_MS + 100));
    const fresh = parseExposition((await scrape(server.origin)).text);
    expect(sampleValue(fresh, "hookline_metrics_snapshot_refreshes_total")).toBe(before + 1);
    expect(sampleValue(fresh, "hookline_deliveries", { status: "pending" })).toBe(await pending());
    const due = (await dueWork(Date.now()))._count;
    expect(sampleValue(fresh, "hookline_queue_due_deliveries")).toBe(due);
  }, SERVER_TEST_TIMEOUT_MS);
});
