/**
 * Issue 11, Done-when 2 (SPEC §9: any number of web servers and workers on one database): two
 * web servers (`npm start`, HOOKLINE_WORKER=off) and three `npm run worker` processes share this
 * test file's database, whichever engine the run uses (SQLite file or PostgreSQL database).
 * 20,000 events are posted through the REST API, alternately to both servers; a per-second
 * schedule ticks all along; random workers are SIGKILLed and restarted at least five times while
 * the backlog drains. Then:
 * - every event reached every endpoint its type matches, and nothing else was sent;
 * - a receiver saw a webhook-id twice only for a delivery a killed worker held at the kill,
 *   which was reclaimed with a "lease expired" attempt (at-least-once, duplicates from kills only);
 * - no delivery was ever in flight twice at once (two workers never hold the same one);
 * - no endpoint ever had more requests open than HOOKLINE_ENDPOINT_CONCURRENCY, across all
 *   workers (each endpoint has its own receiver, which measures it);
 * - the schedule fired each second exactly once: tick times one second apart with no gap and
 *   none twice, one event per tick, and the receiver got each tick's event.
 *
 * On SQLite, two web servers on one file is outside SPEC §9 ("one web process"); it is run here
 * anyway because the issue asks for the same processes on both engines.
 */
import { describe, expect, it } from "vitest";
import { prisma } from "@/lib/db";
import { env } from "@/lib/env";
import { LEASE_EXPIRED_ERROR } from "@/lib/store/reclaim-expired";
import { apiClient, newApiAccount, type ApiClient, type ApiResponse } from "../helpers/api-client";
import { setUpReceivers, waitFor, type Receiver, type Script } from "../helpers/receiver";
import { killGroup, startServer, startWorkerProcess, stopServersAfterEach, type WorkerProcess } from "../helpers/server";

const EVENTS = 20_000;
/** Event types t0…t4, round robin; endpoint i takes t(i % 5), so t0 events go to two endpoints. */
const TYPES = 5;
const ENDPOINTS = 6;
/** Endpoints whose receiver is slow, so their concurrency limit is reached all the time. */
const SLOW = new Set([1, 2]);
const ENDPOINT_CONCURRENCY = 4;
const WORKERS = 3;
/** Kill points, as shares of the event deliveries the receivers have seen so far: spread over the drain. */
const KILL_AT = [0.1, 0.25, 0.4, 0.55, 0.7, 0.85];
/** Requests in flight from the test to the two web servers together. */
const POSTING_CONCURRENCY = 16;
// Far above any answer time here, so an attempt is only ever repeated because of a kill.
const ATTEMPT_TIMEOUT_MS = 5_000;
const LEASE_MARGIN_MS = 500;

stopServersAfterEach();
const startReceiver = setUpReceivers();

const workerSettings = {
  HOOKLINE_POLL_INTERVAL_MS: "100",
  HOOKLINE_ATTEMPT_TIMEOUT_MS: String(ATTEMPT_TIMEOUT_MS),
  HOOKLINE_LEASE_MARGIN_MS: String(LEASE_MARGIN_MS),
  HOOKLINE_ENDPOINT_CONCURRENCY: String(ENDPOINT_CONCURRENCY),
  HOOKLINE_RETRY_SCHEDULE: "0s,100ms,200ms",
  HOOKLINE_SHUTDOWN_GRACE_MS: "5000",
};

interface Kill {
  workerId: string;
  at: number;
  /** Requests all receivers had seen when the worker was killed. */
  received: number;
  /** Deliveries the killed worker held (leased, outcome unwritten): what it had in flight. */
  leased: string[];
}

async function statusCounts(): Promise<Record<string, number>> {
  const rows = await prisma.delivery.groupBy({ by: ["status"], _count: { _all: true } });
  return Object.fromEntries(rows.map((row) => [row.status, row._count._all]));
}

/** Posts every event, alternately to each server, `POSTING_CONCURRENCY` at a time. */
async function postEvents(clients: ApiClient[], count: number): Promise<Array<{ id: string; type: string }>> {
  const events: Array<{ id: string; type: string }> = new Array(count);
  let next = 0;
  const poster = async () => {
    for (;;) {
      const index = next++;
      if (index >= count) return;
      const type = `t${index % TYPES}`;
      // An idempotency key makes a retry safe: on this loaded machine a keep-alive connection is
      // now and then closed by the server just as a request goes out ("other side closed"),
      // and the event may or may not have been created.
      let response: ApiResponse | null = null;
      for (let tries = 1; !response; tries++) {
        try {
          response = await clients[index % clients.length].post("/api/v1/events", { type, data: { index }, idempotencyKey: `multi-${index}` });
        } catch (error) {
          if (tries >= 3) throw error;
        }
      }
      if (response.status !== 202) throw new Error(`event ${index}: ${response.status} ${response.text}`);
      events[index] = { id: response.body.id, type };
    }
  };
  await Promise.all(Array.from({ length: POSTING_CONCURRENCY }, poster));
  return events;
}

describe("two web servers and three worker processes on one database, workers killed mid-drain", () => {
  it("deliver every event, duplicates only from kills, never twice at once, within each endpoint's limit, each tick once", async () => {
    const startedAt = Date.now();
    const serverSettings = { HOOKLINE_WORKER: "off", HOOKLINE_API_RATE_LIMIT: "1000000" };
    const servers = await Promise.all([startServer(serverSettings), startServer(serverSettings)]);
    const account = await newApiAccount("multi");
    const clients = servers.map((server) => apiClient(server.origin, account.key));

    // Receivers: answer 200, slow ones after 20–60 ms, fast ones after 0–5 ms.
    const receivers: Receiver[] = [];
    const endpointIds: string[] = [];
    const slow: Script = () => ({ status: 200, delayMs: 20 + Math.floor(Math.random() * 41) });
    const fast: Script = () => ({ status: 200, delayMs: Math.floor(Math.random() * 6) });
    for (let index = 0; index < ENDPOINTS; index++) {
      const receiver = await startReceiver(SLOW.has(index) ? slow : fast);
      const created = await clients[index % 2].post("/api/v1/endpoints", { name: `e${index}`, url: receiver.url, eventTypes: [`t${index % TYPES}`] });
      expect(created.status, created.text).toBe(201);
      receivers.push(receiver);
      endpointIds.push(created.body.id);
    }
    const tickReceiver = await startReceiver(fast);
    const tickEndpoint = await clients[0].post("/api/v1/endpoints", { name: "clock", url: tickReceiver.url, eventTypes: ["clock.tick"] });
    expect(tickEndpoint.status, tickEndpoint.text).toBe(201);
    const ticker = await clients[1].post("/api/v1/schedules", { name: "Every second", cron: "* * * * * *", type: "clock.tick", data: { at: "{{time}}" } });
    expect(ticker.status, ticker.text).toBe(201);

    const slots: WorkerProcess[] = await Promise.all(Array.from({ length: WORKERS }, () => startWorkerProcess(workerSettings)));
    const workers = [...slots];
    const workersUpAt = Date.now();
    const received = () => receivers.reduce((sum, receiver) => sum + receiver.requests.length, 0);
    const expectedDeliveries = EVENTS + Math.ceil(EVENTS / TYPES); // t0 goes to two endpoints

    // Kills: at each kill point a random worker is SIGKILLed (its whole process group) and
    // restarted at once, while the other two keep working; the points are spread over the
    // drain, so most kills land while events are still being posted and all before the end.
    const kills: Kill[] = [];
    let postingDone = false;
    const crashing = (async () => {
      for (const share of KILL_AT) {
        await waitFor(() => received() >= share * expectedDeliveries, { timeoutMs: 300_000, intervalMs: 50, what: `the kill at ${share * 100} %` });
        // The victim is a worker holding leases right now (a random one of them), so the kill
        // cuts attempts short; it may still finish them all in the instant before the signal, so
        // the point is tried again (a few times) until a kill lands with work in flight.
        for (let tries = 0; tries < 5; tries++) {
          const holders = await waitFor(
            async () => {
              const rows = await prisma.delivery.findMany({ where: { status: "delivering" }, select: { lockedBy: true } });
              const live = slots.map((worker) => worker.id).filter((id) => rows.some((row) => row.lockedBy === id));
              return live.length ? live : null;
            },
            { timeoutMs: 60_000, intervalMs: 10, what: "a worker with deliveries in flight" },
          );
          const victim = holders[Math.floor(Math.random() * holders.length)];
          const slot = slots.findIndex((worker) => worker.id === victim);
          const worker = slots[slot];
          killGroup(worker.child, "SIGKILL");
          const at = Date.now();
          const count = received();
          const { signal } = await worker.exited;
          expect(signal, `worker ${worker.id} died by itself:\n${worker.output()}`).toBe("SIGKILL");
          const leased = await prisma.delivery.findMany({ where: { status: "delivering", lockedBy: worker.id }, select: { id: true } });
          kills.push({ workerId: worker.id, at, received: count, leased: leased.map((row) => row.id) });
          expect(count, `kill ${kills.length} came after the drain (posting done: ${postingDone})`).toBeLessThan(expectedDeliveries);
          slots[slot] = await startWorkerProcess(workerSettings);
          workers.push(slots[slot]);
          if (leased.length) break;
        }
      }
    })();

    const postStarted = Date.now();
    const events = await postEvents(clients, EVENTS);
    postingDone = true;
    const postedIn = Date.now() - postStarted;
    await crashing;

    // Everything drains, including what killed workers held once their leases expire.
    const eventDeliveries = { event: { scheduleId: null } } as const;
    await waitFor(async () => (await prisma.delivery.count({ where: { ...eventDeliveries, status: "succeeded" } })) === expectedDeliveries, {
      timeoutMs: 240_000,
      intervalMs: 500,
      what: "every event's delivery to succeed",
    }).catch(async (error: Error) => {
      throw new Error(`${error.message}; now ${JSON.stringify(await statusCounts())}`);
    });
    const drainedIn = Date.now() - postStarted;

    // Stop ticking, then let the last ticks' deliveries finish, then stop the workers cleanly.
    const paused = await clients[0].patch(`/api/v1/schedules/${ticker.body.id}`, { paused: true });
    expect(paused.status, paused.text).toBe(200);
    const tickerStoppedAt = Date.now();
    await waitFor(async () => (await prisma.delivery.count({ where: { status: { not: "succeeded" } } })) === 0, {
      timeoutMs: 30_000,
      intervalMs: 200,
      what: "every delivery to succeed",
    }).catch(async (error: Error) => {
      throw new Error(`${error.message}; now ${JSON.stringify(await statusCounts())}`);
    });
    for (const worker of slots) killGroup(worker.child, "SIGTERM");
    for (const worker of slots) expect((await worker.exited).code, worker.output()).toBe(0);

    // No worker logged an internal error (it logs only on errors), killed ones included.
    for (const worker of workers) {
      const expected = /^(\[hookline\] worker \S+ running.*|\{"level":30,.*"signal":"SIGTERM".*"msg":"finishing in-flight deliveries before exiting"\})\n/gm;
      expect(worker.output().replace(expected, ""), `worker ${worker.id}`).toBe("");
    }

    // --- Every event reached every matching endpoint ------------------------------------
    expect(events.every(Boolean)).toBe(true);
    const deliveries = await prisma.delivery.findMany({
      select: { id: true, eventId: true, endpointId: true, status: true, attempts: true, event: { select: { scheduleId: true } } },
    });
    const wanted = new Set<string>();
    for (const event of events) {
      for (const [index, endpointId] of endpointIds.entries()) if (event.type === `t${index % TYPES}`) wanted.add(`${endpointId} ${event.id}`);
    }
    const allReceivers = [...receivers, tickReceiver];
    const allEndpointIds = [...endpointIds, tickEndpoint.body.id as string];
    const seen = new Map<string, number>();
    for (const [index, receiver] of allReceivers.entries()) {
      for (const request of receiver.requests) {
        const key = `${allEndpointIds[index]} ${request.headers["webhook-id"]}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
    }
    const eventRows = deliveries.filter((delivery) => delivery.event.scheduleId === null);
    expect(eventRows).toHaveLength(expectedDeliveries);
    expect(new Set(eventRows.map((delivery) => `${delivery.endpointId} ${delivery.eventId}`))).toEqual(wanted);
    const rowKeys = new Set(deliveries.map((delivery) => `${delivery.endpointId} ${delivery.eventId}`));
    expect([...rowKeys].filter((key) => !seen.has(key)), "deliveries no receiver saw").toEqual([]);
    expect([...seen.keys()].filter((key) => !rowKeys.has(key)), "requests for unknown deliveries").toEqual([]);

    // --- Duplicates only for what a killed worker had in flight -------------------------
    const attempts = await prisma.attempt.findMany({ select: { deliveryId: true, number: true, error: true } });
    const leaseExpired = new Map<string, number>();
    for (const attempt of attempts) if (attempt.error === LEASE_EXPIRED_ERROR) leaseExpired.set(attempt.deliveryId, (leaseExpired.get(attempt.deliveryId) ?? 0) + 1);
    const heldAtKills = new Map<string, number>();
    for (const kill of kills) for (const id of kill.leased) heldAtKills.set(id, (heldAtKills.get(id) ?? 0) + 1);
    const requestsOf = (delivery: { endpointId: string; eventId: string }) => seen.get(`${delivery.endpointId} ${delivery.eventId}`) ?? 0;
    const duplicated = deliveries.filter((delivery) => requestsOf(delivery) > 1);
    const unexplained = duplicated.filter(
      (delivery) => requestsOf(delivery) - 1 > Math.min(heldAtKills.get(delivery.id) ?? 0, leaseExpired.get(delivery.id) ?? 0),
    );
    expect(
      unexplained.slice(0, 10).map((delivery) => ({ ...delivery, requests: requestsOf(delivery), attempts: attempts.filter((attempt) => attempt.deliveryId === delivery.id) })),
      `${unexplained.length} duplicates no kill explains`,
    ).toEqual([]);
    // Every attempt is on record: a delivery never reached its receiver more often than attempted.
    expect(deliveries.filter((delivery) => requestsOf(delivery) > delivery.attempts).length, "requests beyond the recorded attempts").toBe(0);
    // Only what killed workers held was reclaimed.
    expect([...leaseExpired.keys()].filter((id) => !heldAtKills.has(id)), "reclaimed though no killed worker held it").toEqual([]);

    // --- Never twice at once, never above the endpoint's limit -------------------------
    for (const [index, receiver] of allReceivers.entries()) {
      expect(receiver.maxOpenSameWebhookId(), `endpoint ${index}: one delivery in flight twice at once`).toBe(1);
      expect(receiver.maxOpen(), `endpoint ${index}: requests open at once`).toBeLessThanOrEqual(ENDPOINT_CONCURRENCY);
    }
    // The slow endpoints did reach their limit, so the limit was really tested.
    for (const index of SLOW) expect(receivers[index].maxOpen(), `slow endpoint ${index}`).toBe(ENDPOINT_CONCURRENCY);

    // --- The schedule fired every second exactly once ----------------------------------
    const ticks = await prisma.scheduleTick.findMany({ where: { scheduleId: ticker.body.id }, orderBy: { tickAt: "asc" }, select: { tickAt: true, events: true } });
    const tickTimes = ticks.map((tick) => tick.tickAt.getTime());
    // Workers ran from workersUpAt until the pause (always two at least): about one tick a second.
    expect(ticks.length).toBeGreaterThanOrEqual(Math.floor((tickerStoppedAt - workersUpAt) / 1000) - 3);
    for (const [index, time] of tickTimes.entries()) {
      expect(time % 1000).toBe(0);
      if (index > 0) expect(time - tickTimes[index - 1], `tick after ${new Date(tickTimes[index - 1]).toISOString()}`).toBe(1000);
    }
    expect(ticks.every((tick) => tick.events === 1)).toBe(true);
    const tickEvents = await prisma.event.findMany({ where: { scheduleId: ticker.body.id }, select: { id: true, payload: true } });
    expect(tickEvents.map((event) => Date.parse((JSON.parse(event.payload) as { at: string }).at)).sort((a, b) => a - b)).toEqual(tickTimes);
    const tickIds = tickReceiver.requests.map((request) => request.headers["webhook-id"]);
    expect(new Set(tickIds)).toEqual(new Set(tickEvents.map((event) => event.id)));

    // --- The kills were real and mid-drain ---------------------------------------------
    // At least five kills (the bar; KILL_AT has six) cut deliveries short.
    expect(kills.filter((kill) => kill.leased.length > 0).length, `kills holding ${kills.map((kill) => kill.leased.length).join("/")}`).toBeGreaterThanOrEqual(5);
    const requests = allReceivers.reduce((sum, receiver) => sum + receiver.requests.length, 0);
    console.log(
      `multi-process (${env.DATABASE_URL.startsWith("file:") ? "sqlite" : "postgres"}): ${EVENTS} events posted in ${(postedIn / 1000).toFixed(1)} s ` +
        `(${Math.round(EVENTS / (postedIn / 1000))}/s), ${expectedDeliveries} deliveries drained in ${(drainedIn / 1000).toFixed(1)} s ` +
        `(${Math.round(expectedDeliveries / (drainedIn / 1000))}/s); ${kills.length} kills holding ${kills.map((kill) => kill.leased.length).join("/")} ` +
        `at ${kills.map((kill) => kill.received).join("/")} requests; ${requests} requests, ${requests - seen.size} duplicates, ` +
        `${leaseExpired.size} reclaimed; ${ticks.length} ticks; max open ${allReceivers.map((receiver) => receiver.maxOpen()).join("/")}; ` +
        `total ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
    );
  }, 900_000);
});
