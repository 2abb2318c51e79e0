/**
 * SPEC §5: "claims are leases, so a crashed worker's in-flight deliveries are re-attempted after
 * the lease expires (at-least-once …). A restart loses nothing."
 *
 * The fault test of the delivery worker: runs the real worker as its own process
 * (`node --import tsx scripts/worker.ts`, as `npm run worker` does) on this test file's database, creates
 * 2,000 events fanned out to two endpoints on real receivers, kills the worker with SIGKILL
 * (its whole process group) at several points while requests are in flight, restarts it each
 * time, and checks that every delivery ends succeeded, that every receiver saw every event at
 * least once, and that each duplicate request is explained by a kill: it belongs to a delivery
 * the killed worker held at that moment, which was reclaimed with a "lease expired" attempt.
 */
import { afterEach, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db";
import { createEvent } from "@/lib/events/queries";
import { LEASE_EXPIRED_ERROR } from "@/lib/store/reclaim-expired";
import { newAccount, newEndpoint } from "../helpers/harness";
import { startReceiver, waitFor, type Receiver, type Script } from "../helpers/receiver";
import { killGroup, startWorkerProcess, stopServersAfterEach, type WorkerProcess } from "../helpers/server";

const EVENTS = 2_000;
const ENDPOINTS = 2;
const DELIVERIES = EVENTS * ENDPOINTS;
/** Attempts in flight at once in one worker: what a kill can cut short, at most. */
const CONCURRENCY = 32;
/** Kill points, as shares of the deliveries the receivers have seen so far. */
const KILL_AT = [0.15, 0.4, 0.7];
// Generous, so that a loaded machine never times an attempt out: every retry here is a crash.
const ATTEMPT_TIMEOUT_MS = 5_000;
const LEASE_MARGIN_MS = 500;

stopServersAfterEach();
const receivers: Receiver[] = [];

afterEach(async () => {
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
});

const spawnWorker = () =>
  startWorkerProcess({
    HOOKLINE_POLL_INTERVAL_MS: "100",
    HOOKLINE_ATTEMPT_TIMEOUT_MS: String(ATTEMPT_TIMEOUT_MS),
    HOOKLINE_LEASE_MARGIN_MS: String(LEASE_MARGIN_MS),
    HOOKLINE_WORKER_CONCURRENCY: String(CONCURRENCY),
    HOOKLINE_ENDPOINT_CONCURRENCY: String(CONCURRENCY / ENDPOINTS),
    HOOKLINE_SHUTDOWN_GRACE_MS: "5000",
  });

interface Kill {
  workerId: string;
  /** Requests the receivers had seen when the worker was killed. */
  receivedAt: number;
  /** Deliveries the killed worker held (leased, outcome unwritten): what it had in flight. */
  leased: string[];
}

async function statusCounts(): Promise<Record<string, number>> {
  const rows = await prisma.delivery.groupBy({ by: ["status"], _count: { _all: true } });
  return Object.fromEntries(rows.map((row) => [row.status, row._count._all]));
}

describe("killing the worker process mid-delivery", () => {
  it("loses nothing: every delivery succeeds, every event reaches every endpoint, duplicates only from what was in flight", async () => {
    const startedAt = Date.now();

    // Every request is recorded and answered 200 after 1–30 ms, so plenty is in flight at any
    // moment. A kill is triggered from inside the receiver, while the request that crossed
    // the kill point is still unanswered: the worker is always killed with work in flight.
    let received = 0;
    let trigger: { at: number; fire: () => void } | null = null;
    const script: Script = () => {
      received++;
      if (trigger && received >= trigger.at) {
        const { fire } = trigger;
        trigger = null;
        fire();
      }
      return { status: 200, delayMs: 1 + Math.floor(Math.random() * 30) };
    };
    const account = await newAccount();
    const endpoints: Array<{ id: string; receiver: Receiver }> = [];
    for (let index = 0; index < ENDPOINTS; index++) {
      const receiver = await startReceiver(script);
      receivers.push(receiver);
      const endpoint = await newEndpoint(account.id, receiver.url, `Receiver ${index + 1}`);
      endpoints.push({ id: endpoint.id, receiver });
    }

    const workers: WorkerProcess[] = [await spawnWorker()];
    const kills: Kill[] = [];

    // Events are created while the worker runs (and is killed), as in production.
    const eventIds: string[] = [];
    const creating = (async () => {
      for (let index = 0; index < EVENTS; index++) {
        const event = await createEvent(account.id, { type: "order.created", payload: JSON.stringify({ order: index }) });
        expect(event.deliveries).toBe(ENDPOINTS);
        eventIds.push(event.id);
        // Prisma over better-sqlite3 settles its promises without ever returning to the event
        // loop, so without this the loop would starve the receivers (in this same process) and
        // the worker's attempts would time out.
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();

    const crashing = (async () => {
      for (const share of KILL_AT) {
        const worker = workers[workers.length - 1];
        let fired = false;
        trigger = {
          at: Math.ceil(share * DELIVERIES),
          fire: () => {
            killGroup(worker.child, "SIGKILL");
            fired = true;
          },
        };
        await waitFor(() => fired || worker.child.exitCode !== null, { timeoutMs: 60_000, intervalMs: 5, what: `the kill at ${share * 100} %` });
        const receivedAt = received;
        const { signal } = await worker.exited;
        expect(signal, `worker ${worker.id} died by itself:\n${worker.output()}`).toBe("SIGKILL");
        const leased = await prisma.delivery.findMany({ where: { status: "delivering", lockedBy: worker.id }, select: { id: true } });
        kills.push({ workerId: worker.id, receivedAt, leased: leased.map((row) => row.id) });
        // Restart at once, on the database the killed process left behind.
        workers.push(await spawnWorker());
      }
    })();

    await Promise.all([creating, crashing]);
    const createdIn = Date.now() - startedAt;

    // The last worker finishes everything, including what the killed ones held once their
    // leases expire (attempt timeout + margin).
    await waitFor(async () => (await statusCounts()).succeeded === DELIVERIES, {
      timeoutMs: 60_000,
      intervalMs: 100,
      what: "every delivery to succeed",
    }).catch(async (error: Error) => {
      throw new Error(`${error.message}; now ${JSON.stringify(await statusCounts())}`);
    });
    const deliveredIn = Date.now() - startedAt;

    // The last worker stops cleanly on SIGTERM (sent to the whole group, as a supervisor or
    // Ctrl-C would), and nothing is left leased.
    const last = workers[workers.length - 1];
    killGroup(last.child, "SIGTERM");
    expect((await last.exited).code, last.output()).toBe(0);
    expect(await statusCounts()).toEqual({ succeeded: DELIVERIES });

    // No worker reported an internal error (it only logs on errors), killed ones included.
    for (const worker of workers) {
      const expected = /^(\[hookline\] worker \S+ running.*|\{"level":30,.*"signal":"SIGTERM".*"msg":"finishing in-flight deliveries before exiting"\})\n/gm;
      expect(worker.output().replace(expected, ""), `worker ${worker.id}`).toBe("");
    }

    // --- What the receivers saw ---------------------------------------------------------
    const deliveries = await prisma.delivery.findMany({
      select: { id: true, eventId: true, endpointId: true, status: true, attempts: true, lockedBy: true, lockedUntil: true, nextAttemptAt: true, completedAt: true, lastStatusCode: true },
    });
    expect(deliveries).toHaveLength(DELIVERIES);
    expect(new Set(deliveries.map((delivery) => delivery.eventId))).toEqual(new Set(eventIds));

    const seen = new Map<string, number>();
    for (const { id: endpointId, receiver } of endpoints) {
      for (const request of receiver.requests) {
        const key = `${endpointId} ${request.headers["webhook-id"]}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
    }
    const requests = endpoints.reduce((sum, { receiver }) => sum + receiver.requests.length, 0);
    const keys = new Set(deliveries.map((delivery) => `${delivery.endpointId} ${delivery.eventId}`));
    const missing = [...keys].filter((key) => !seen.has(key));
    expect(missing, "deliveries no receiver ever saw").toEqual([]);
    expect([...seen.keys()].filter((key) => !keys.has(key)), "requests for unknown deliveries").toEqual([]);
    const duplicates = requests - seen.size;

    // --- Every duplicate is explained by a kill -----------------------------------------
    const attempts = await prisma.attempt.findMany({
      orderBy: [{ deliveryId: "asc" }, { number: "asc" }],
      select: { deliveryId: true, number: true, responseStatus: true, error: true },
    });
    const attemptsOf = new Map<string, typeof attempts>();
    for (const attempt of attempts) attemptsOf.set(attempt.deliveryId, [...(attemptsOf.get(attempt.deliveryId) ?? []), attempt]);
    const heldAtKill = new Set(kills.flatMap((kill) => kill.leased));
    const leaseExpired = new Set(attempts.filter((attempt) => attempt.error === LEASE_EXPIRED_ERROR).map((attempt) => attempt.deliveryId));

    const duplicated = deliveries.filter((delivery) => (seen.get(`${delivery.endpointId} ${delivery.eventId}`) ?? 0) > 1);
    const unexplained = duplicated.filter((delivery) => !heldAtKill.has(delivery.id) || (!leaseExpired.has(delivery.id) && delivery.attempts < 2));
    expect(unexplained.map((delivery) => ({ ...delivery, attemptLog: attemptsOf.get(delivery.id) })), "duplicates no kill explains").toEqual([]);

    // What a killed worker held was reclaimed (a lease-expired attempt on record), and only that.
    expect([...heldAtKill].filter((id) => !leaseExpired.has(id)), "held at a kill but never reclaimed").toEqual([]);
    expect([...leaseExpired].filter((id) => !heldAtKill.has(id)), "reclaimed though no killed worker held it").toEqual([]);

    // Every attempt is on record (Convention 8): numbered 1..attempts, each one either the
    // final 200 or an attempt lost with a killed worker; and a receiver never saw a delivery
    // more often than it was attempted.
    const badLogs = deliveries.filter((delivery) => {
      const log = attemptsOf.get(delivery.id) ?? [];
      const shapeOk =
        log.length === delivery.attempts &&
        log.every((attempt, index) => attempt.number === index + 1) &&
        log.slice(0, -1).every((attempt) => attempt.error === LEASE_EXPIRED_ERROR && attempt.responseStatus === null) &&
        log[log.length - 1]?.responseStatus === 200 &&
        log[log.length - 1]?.error === null;
      const rowOk =
        delivery.lockedBy === null && delivery.lockedUntil === null && delivery.nextAttemptAt === null && delivery.completedAt !== null && delivery.lastStatusCode === 200;
      return !shapeOk || !rowOk || (seen.get(`${delivery.endpointId} ${delivery.eventId}`) ?? 0) > delivery.attempts;
    });
    expect(badLogs.slice(0, 5).map((delivery) => ({ ...delivery, attemptLog: attemptsOf.get(delivery.id) })), `${badLogs.length} deliveries with a wrong record`).toEqual([]);

    // --- The test really crashed the worker with work in flight -------------------------
    expect(kills).toHaveLength(KILL_AT.length);
    for (const kill of kills) expect(kill.leased.length, `worker ${kill.workerId} held nothing when killed`).toBeGreaterThan(0);
    expect(leaseExpired.size).toBeGreaterThan(0);
    // Duplicates are bounded by what was in flight: at most one per delivery a killed worker
    // held, counted per kill (a delivery can be held, reclaimed and held again by the next
    // worker), which is at most its concurrency per kill.
    expect(duplicates).toBeLessThanOrEqual(kills.reduce((total, kill) => total + kill.leased.length, 0));
    expect(duplicates).toBeLessThanOrEqual(kills.length * CONCURRENCY);

    console.log(
      `worker-crash: ${EVENTS} events, ${DELIVERIES} deliveries, ${kills.length} kills ` +
        `(at ${kills.map((kill) => kill.receivedAt).join("/")} requests, holding ${kills.map((kill) => kill.leased.length).join("/")} deliveries), ` +
        `${requests} requests, ${duplicates} duplicate requests, ${leaseExpired.size} deliveries reclaimed; ` +
        `events created in ${(createdIn / 1000).toFixed(1)} s, all delivered in ${(deliveredIn / 1000).toFixed(1)} s`,
    );
    // 300 s: on PostgreSQL under load, creating the 2,000 events alone took close to 2 minutes
    // and the whole test up to 163 s (about 80 s on SQLite).
  }, 300_000);
});
