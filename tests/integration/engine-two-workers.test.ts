/**
 * SPEC §5: claims are leases, "two workers never hold the same delivery at once". Two real
 * worker processes (`node --import tsx scripts/worker.ts`, as `npm run worker` runs it) share this test file's
 * database (SQLite, or PostgreSQL with HOOKLINE_TEST_ENGINE=postgres); 600 events fan out to 3 endpoints whose receivers answer after 0–20 ms.
 * Without crashes or timeouts, at-least-once must in fact be exactly once: every webhook-id
 * reaches every endpoint once, never twice at the same time, and both workers take part.
 */
import { describe, expect, it } from "vitest";
import { prisma } from "@/lib/db";
import { createEvent } from "@/lib/events/queries";
import { setUpReceivers, waitFor } from "../helpers/receiver";
import { newAccount, newEndpoint } from "../helpers/harness";
import { startWorkerProcess, stopServersAfterEach } from "../helpers/server";

const EVENTS = 600;

const startReceiver = setUpReceivers();

stopServersAfterEach();

describe("two worker processes on one database", () => {
  it("deliver 600 events × 3 endpoints exactly once each, sharing the work", async () => {
    const receivers = await Promise.all(
      [1, 2, 3].map(() => startReceiver(() => ({ status: 200, delayMs: Math.floor(Math.random() * 21) }))),
    );
    const user = await newAccount();
    const endpoints = [];
    for (const [index, receiver] of receivers.entries()) endpoints.push(await newEndpoint(user.id, receiver.url, `Receiver ${index + 1}`));

    // Poll often; timeout far above any answer time here, so no attempt is legitimately repeated.
    // Each worker's own slots (16) are fewer than what the endpoints allow together, so neither
    // worker can hold all the work and both take part.
    const settings = { HOOKLINE_POLL_INTERVAL_MS: "25", HOOKLINE_ATTEMPT_TIMEOUT_MS: "30000", HOOKLINE_WORKER_CONCURRENCY: "16", HOOKLINE_ACCOUNT_CONCURRENCY: "16", HOOKLINE_ENDPOINT_CONCURRENCY: "12" };
    const workers = await Promise.all([startWorkerProcess(settings), startWorkerProcess(settings)]);
    expect(workers[0].id).not.toBe(workers[1].id);

    // Attempt rows do not name the worker, so sample the leases while the work is in flight:
    // `lockedBy` says which worker holds each delivery at that moment.
    const claimedBy = new Map<string, Set<string>>();
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        for (const row of await prisma.delivery.findMany({ where: { status: "delivering" }, select: { id: true, lockedBy: true } })) {
          const key = row.lockedBy ?? "(none)";
          if (!claimedBy.has(key)) claimedBy.set(key, new Set());
          claimedBy.get(key)!.add(row.id);
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();

    const eventIds: string[] = [];
    try {
      for (let i = 0; i < EVENTS; i++) {
        const event = await createEvent(user.id, { type: "order.created", payload: JSON.stringify({ i }) });
        expect(event.deliveries).toBe(3);
        eventIds.push(event.id);
      }
      const unfinished = () => prisma.delivery.count({ where: { userId: user.id, status: { notIn: ["succeeded", "failed"] } } });
      await waitFor(async () => (await unfinished()) === 0, {
        timeoutMs: 120_000,
        intervalMs: 5,
        what: "every delivery to finish",
      });
    } finally {
      sampling = false;
      await sampler;
    }

    // Every delivery succeeded, at the first attempt, and exactly one attempt was recorded each.
    const outcomes = await prisma.delivery.groupBy({ by: ["status", "attempts"], where: { userId: user.id }, _count: { _all: true } });
    expect(outcomes.map((group) => ({ status: group.status, attempts: group.attempts, n: group._count._all }))).toEqual([
      { status: "succeeded", attempts: 1, n: EVENTS * 3 },
    ]);
    expect(await prisma.attempt.count({ where: { delivery: { userId: user.id } } })).toBe(EVENTS * 3);

    // Each webhook-id reached each endpoint exactly once, and never twice at the same time.
    const expected = [...eventIds].sort();
    for (const receiver of receivers) {
      const ids = receiver.requests.map((request) => request.headers["webhook-id"]);
      expect(ids).toHaveLength(EVENTS);
      expect([...new Set(ids)].sort()).toEqual(expected);
      expect(receiver.maxOpenSameWebhookId()).toBe(1);
      // The per-endpoint cap holds across both workers, not per worker.
      expect(receiver.maxOpen()).toBeLessThanOrEqual(12);
    }

    // Both workers did some of the work, and no one else did (lower bounds: sampled leases).
    const holders = [...claimedBy.keys()].sort();
    expect(holders).toEqual(workers.map((worker) => worker.id).sort());
    for (const worker of workers) expect(claimedBy.get(worker.id)!.size).toBeGreaterThan(0);
    // No delivery was ever seen leased by both.
    const [first, second] = workers.map((worker) => claimedBy.get(worker.id)!);
    expect([...first].filter((id) => second.has(id))).toEqual([]);

    // Nothing went wrong inside either worker, and both stop cleanly on SIGTERM.
    for (const worker of workers) worker.child.kill("SIGTERM");
    expect((await Promise.all(workers.map((worker) => worker.exited))).map((exit) => exit.code)).toEqual([0, 0]);
    for (const worker of workers) {
      const lines = worker.output().split("\n").filter((line) => line.trim() && !/worker \S+ running|finishing in-flight deliveries/.test(line));
      expect(lines, `unexpected output from worker ${worker.id}`).toEqual([]);
    }
  }, 180_000);
});
