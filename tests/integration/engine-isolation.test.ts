// SPEC §5: "bounded global and per-endpoint concurrency; one slow or dead endpoint must not
// delay deliveries to healthy ones." A dead receiver (never answers) with a large backlog queued
// first, and a healthy one queued after it: the healthy backlog must be delivered while the
// dead endpoint's first attempts are still hanging — before any of them has timed out.
import { describe, expect, it } from "vitest";
import { prisma } from "@/lib/db";
import { createEvent } from "@/lib/events/queries";
import { setUpReceivers, waitFor } from "../helpers/receiver";
import { newAccount, newEndpoint, setUpHarness } from "../helpers/harness";

const startReceiver = setUpReceivers();
const harness = setUpHarness();

const DEAD_BACKLOG = 200;
const HEALTHY_BACKLOG = 50;
const ENDPOINT_CONCURRENCY = 4;
/**
 * Long enough that the causal check below depends on the worker's isolation, not on how fast a
 * loaded machine (or the PostgreSQL round trips) gets through 50 healthy deliveries.
 */
const ATTEMPT_TIMEOUT_MS = 10_000;

async function statusCounts(endpointId: string): Promise<Record<string, number>> {
  const groups = await prisma.delivery.groupBy({ by: ["status"], where: { endpointId }, _count: { _all: true } });
  return Object.fromEntries(groups.map((group) => [group.status, group._count._all]));
}

function attemptsRecorded(endpointId: string): Promise<number> {
  return prisma.attempt.count({ where: { delivery: { endpointId } } });
}

describe("a dead endpoint does not hold up a healthy one", () => {
  it("50 healthy deliveries queued behind 200 dead ones all succeed before the first dead attempt times out", { timeout: 90_000 }, async () => {
    const dead = await startReceiver(["hang"]);
    const healthy = await startReceiver([{ status: 200 }]);
    const user = await newAccount();
    const deadEndpoint = await newEndpoint(user.id, dead.url, "Dead");
    const healthyEndpoint = await newEndpoint(user.id, healthy.url, "Healthy");

    // The whole backlog is queued before the worker starts: dead endpoint's work first (older).
    for (let i = 0; i < DEAD_BACKLOG; i++) {
      await createEvent(user.id, { type: "order.created", payload: JSON.stringify({ i }) }, { endpointId: deadEndpoint.id });
    }
    for (let i = 0; i < HEALTHY_BACKLOG; i++) {
      await createEvent(user.id, { type: "order.created", payload: JSON.stringify({ i }) }, { endpointId: healthyEndpoint.id });
    }
    expect(await statusCounts(deadEndpoint.id)).toEqual({ pending: DEAD_BACKLOG });
    expect(await statusCounts(healthyEndpoint.id)).toEqual({ pending: HEALTHY_BACKLOG });

    harness.startWorker({
      concurrency: 16,
      endpointConcurrency: ENDPOINT_CONCURRENCY,
      attemptTimeoutMs: ATTEMPT_TIMEOUT_MS,
      schedule: [0, 50, 50],
    });

    await waitFor(async () => (await statusCounts(healthyEndpoint.id)).succeeded === HEALTHY_BACKLOG, {
      timeoutMs: 20_000,
      intervalMs: 5,
      what: "every healthy delivery to succeed",
    });
    // Read everything at once, right away.
    const recordedForDead = await attemptsRecorded(deadEndpoint.id);
    const deadRequests = dead.requests.length;
    const deadStatuses = await statusCounts(deadEndpoint.id);
    // The causal claim: not one dead attempt had finished (timed out and been recorded) yet, so
    // the healthy endpoint never waited for a dead attempt to free a slot.
    expect(recordedForDead).toBe(0);
    // The dead endpoint was being attempted meanwhile (it was not simply starved), with its
    // share of the slots and no more.
    expect(deadRequests).toBeGreaterThan(0);
    expect(deadRequests).toBeLessThanOrEqual(ENDPOINT_CONCURRENCY);
    expect(deadStatuses.delivering).toBeGreaterThan(0);
    expect(deadStatuses.delivering).toBeLessThanOrEqual(ENDPOINT_CONCURRENCY);
    expect(deadStatuses.pending + deadStatuses.delivering).toBe(DEAD_BACKLOG);
    expect(healthy.requests).toHaveLength(HEALTHY_BACKLOG);

    // Through at least one timeout round, the dead receiver never has more than 4 open at once.
    await waitFor(async () => (await attemptsRecorded(deadEndpoint.id)) >= ENDPOINT_CONCURRENCY && dead.requests.length >= 2 * ENDPOINT_CONCURRENCY, {
      timeoutMs: 2 * ATTEMPT_TIMEOUT_MS + 20_000,
      what: "the first dead attempts to time out and the next ones to start",
    });
    expect(dead.maxOpen()).toBe(ENDPOINT_CONCURRENCY);
    const timedOut = await prisma.attempt.findMany({ where: { delivery: { endpointId: deadEndpoint.id } }, select: { error: true } });
    for (const attempt of timedOut) expect(attempt.error).toMatch(/timed out/i);
    // The healthy receiver was within its cap too.
    expect(healthy.maxOpen()).toBeLessThanOrEqual(ENDPOINT_CONCURRENCY);
  });

  it("the same with the worker already running: each new event wakes it, the dead endpoint's work first", async () => {
    const dead = await startReceiver(["hang"]);
    const healthy = await startReceiver([{ status: 200 }]);
    const user = await newAccount();
    const deadEndpoint = await newEndpoint(user.id, dead.url, "Dead");
    const healthyEndpoint = await newEndpoint(user.id, healthy.url, "Healthy");
    // Creating 250 events one by one takes a while on a busy machine, and the dead endpoint's
    // attempts start with the first one: a longer timeout keeps the causal check meaningful.
    harness.startWorker({ concurrency: 16, endpointConcurrency: ENDPOINT_CONCURRENCY, attemptTimeoutMs: 15_000, schedule: [0, 50, 50] });

    for (let i = 0; i < DEAD_BACKLOG; i++) {
      await createEvent(user.id, { type: "order.created", payload: JSON.stringify({ i }) }, { endpointId: deadEndpoint.id });
    }
    await waitFor(() => dead.requests.length === ENDPOINT_CONCURRENCY, { what: "the dead endpoint's share of attempts to start" });
    for (let i = 0; i < HEALTHY_BACKLOG; i++) {
      await createEvent(user.id, { type: "order.created", payload: JSON.stringify({ i }) }, { endpointId: healthyEndpoint.id });
    }
    await waitFor(async () => (await statusCounts(healthyEndpoint.id)).succeeded === HEALTHY_BACKLOG, {
      timeoutMs: 20_000,
      intervalMs: 5,
      what: "every healthy delivery to succeed",
    });
    expect(await attemptsRecorded(deadEndpoint.id)).toBe(0);
    expect(dead.requests).toHaveLength(ENDPOINT_CONCURRENCY);
    expect(dead.maxOpen()).toBe(ENDPOINT_CONCURRENCY);
    expect(healthy.requests).toHaveLength(HEALTHY_BACKLOG);
  });
});
