// SPEC §10: "Worker capacity is shared fairly between accounts with due work first, then
// between an account's endpoints. An endpoint that keeps failing is paused by a circuit breaker
// (growing probes; its deliveries wait, in order, and are neither failed nor skipped)."
// The real worker, real receivers, the real database (SQLite or PostgreSQL).
import { describe, expect, it } from "vitest";
import { prisma } from "@/lib/db";
import { store } from "@/lib/store/connection";
import { createEvent } from "@/lib/events/queries";
import { deleteEndpoint, setEndpointEnabled } from "@/lib/endpoints/queries";
import { readDatabaseSnapshot } from "@/lib/metrics/database";
import { waitFor } from "../helpers/receiver";
import { deliveryIdOf, finishedDelivery, newAccount, newEndpoint, rawAttempts, rawDelivery, setUpHarness } from "../helpers/harness";

const harness = setUpHarness();

function send(userId: string, endpointId: string, n: number) {
  return createEvent(userId, { type: "order.created", payload: JSON.stringify({ n }) }, { endpointId });
}

function attemptsTowards(endpointId: string): Promise<number> {
  return prisma.attempt.count({ where: { delivery: { endpointId } } });
}

async function statusCounts(endpointId: string): Promise<Record<string, number>> {
  const rows = await prisma.delivery.groupBy({ by: ["status"], where: { endpointId }, _count: { _all: true } });
  return Object.fromEntries(rows.map((row) => [row.status, row._count._all]));
}

/** The endpoint's circuit breaker state (circuitOpenUntil as unix ms). */
async function breakerOf(endpointId: string): Promise<{ consecutiveFailures: number; circuitOpenUntil: number | null }> {
  const row = await prisma.endpoint.findUniqueOrThrow({ where: { id: endpointId }, select: { consecutiveFailures: true, circuitOpenUntil: true } });
  return { consecutiveFailures: row.consecutiveFailures, circuitOpenUntil: row.circuitOpenUntil?.getTime() ?? null };
}

describe("fair share between accounts", () => {
  it("an account whose 10 endpoints hang holds at most its share: another account's new event is delivered while they still hang", async () => {
    const hanging = await harness.startReceiver(["hang"]);
    const healthy = await harness.startReceiver([{ status: 200 }]);
    const noisy = await newAccount("noisy");
    const victim = await newAccount("victim");
    const noisyEndpoints = [];
    for (let i = 0; i < 10; i++) noisyEndpoints.push(await newEndpoint(noisy.id, `${hanging.url}ep${i}`, `Hanging ${i}`));
    for (const endpoint of noisyEndpoints) for (let n = 0; n < 2; n++) await send(noisy.id, endpoint.id, n);
    const victimEndpoint = await newEndpoint(victim.id, healthy.url, "Healthy");

    // 8 slots, 2 per endpoint: before per-account shares, 4 of the noisy endpoints filled all 8.
    harness.startWorker({ concurrency: 8, endpointConcurrency: 2, attemptTimeoutMs: 20_000, schedule: [0, 50] });
    await waitFor(() => hanging.openNow() === 4, { what: "the noisy account to hold its share (half the slots)" });

    const event = await send(victim.id, victimEndpoint.id, 1);
    const delivery = await finishedDelivery(victim.id, await deliveryIdOf(event.id, victimEndpoint.id));
    expect(delivery.status).toBe("succeeded");
    // Still hanging: nothing of the noisy account has timed out or finished meanwhile.
    expect(hanging.openNow()).toBe(4);
    expect(hanging.maxOpen()).toBe(4);
    expect((await Promise.all(noisyEndpoints.map((endpoint) => attemptsTowards(endpoint.id)))).reduce((sum, n) => sum + n, 0)).toBe(0);
  });
});

describe("circuit breaker", () => {
  it("pauses an endpoint after failures in a row: its deliveries wait (not failed, schedule not used up) and all succeed in order once a probe does", async () => {
    const receiver = await harness.startReceiver([{ status: 500 }]);
    const user = await newAccount();
    const endpoint = await newEndpoint(user.id, receiver.url, "Flaky");
    const schedule = Array.from({ length: 10 }, () => 20);
    harness.startWorker({
      endpointConcurrency: 1,
      schedule,
      circuitBreaker: { failures: 3, minPauseMs: 200, maxPauseMs: 400 },
    });

    const events = [];
    for (let n = 0; n < 20; n++) events.push(await send(user.id, endpoint.id, n));
    await waitFor(() => receiver.requests.length >= 3, { what: "three failures" });
    // The receiver answers before the worker records the answer: wait for the third outcome.
    await waitFor(async () => (await breakerOf(endpoint.id)).circuitOpenUntil !== null, { what: "the circuit to open" });
    const paused = await breakerOf(endpoint.id);
    expect(paused.consecutiveFailures).toBeGreaterThanOrEqual(3);
    expect(paused.circuitOpenUntil).not.toBeNull();
    // …which metrics show (hookline_endpoints_paused).
    expect((await readDatabaseSnapshot(store(), paused.circuitOpenUntil! - 1, 30_000)).pausedEndpoints).toBe(1);

    // Let probes fail for a while: without the breaker, 20 deliveries × 10 attempts 20 ms apart
    // would all have failed for good by now.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await statusCounts(endpoint.id)).failed).toBeUndefined();
    const whileFailing = receiver.requests.length;
    expect(whileFailing).toBeLessThan(20);

    receiver.setScript([{ status: 200 }]);
    await waitFor(async () => (await statusCounts(endpoint.id)).succeeded === 20, { timeoutMs: 10_000, what: "every delivery to succeed after a probe" });
    expect(await breakerOf(endpoint.id)).toEqual({ consecutiveFailures: 0, circuitOpenUntil: null });
    // Every delivery used only a few of its 10 attempts, and the ones never tried while the
    // endpoint was failing arrived in the order their events were created.
    for (const event of events) expect((await rawDelivery(await deliveryIdOf(event.id, endpoint.id))).attempts).toBeLessThanOrEqual(3);
    const firstSuccessOrder = receiver.requests.slice(whileFailing).map((request) => request.headers["webhook-id"]);
    const untried = events.map((event) => event.id).filter((id) => !receiver.requests.slice(0, whileFailing).some((r) => r.headers["webhook-id"] === id));
    expect(firstSuccessOrder.filter((id) => untried.includes(id))).toEqual(untried);
  });

  it("enabling the endpoint by hand ends a pause at once", async () => {
    const user = await newAccount();
    const endpoint = await newEndpoint(user.id, "https://paused.example.com/", "Paused");
    await prisma.endpoint.update({
      where: { id: endpoint.id },
      data: { consecutiveFailures: 12, failingSince: new Date(Date.now() - 60_000), circuitOpenUntil: new Date(Date.now() + 60_000) },
    });
    await setEndpointEnabled(user.id, endpoint.id, true);
    expect(await breakerOf(endpoint.id)).toEqual({ consecutiveFailures: 0, circuitOpenUntil: null });
  });
});

describe("deleting an endpoint", () => {
  it("a delivery in flight at that moment ends failed, not pending, whatever the attempt's result", async () => {
    const receiver = await harness.startReceiver(["hang"]);
    const user = await newAccount();
    const endpoint = await newEndpoint(user.id, receiver.url, "Deleted mid-flight");
    harness.startWorker({ schedule: [0, 50, 50] });
    const event = await send(user.id, endpoint.id, 1);
    await waitFor(() => receiver.openNow() === 1, { what: "the attempt to be in flight" });

    expect(await deleteEndpoint(user.id, endpoint.id)).toBe(true);
    receiver.answerHanging({ status: 500 });
    const delivery = await finishedDelivery(user.id, await deliveryIdOf(event.id, endpoint.id));
    expect(delivery.status).toBe("failed");
    expect(delivery.lastError).toMatch(/endpoint was deleted/);
    expect(await rawAttempts(delivery.id)).toHaveLength(1);
  });
});
