/**
 * SPEC §5 "each tick fires once even across restarts and several processes", with real worker
 * processes (`node --import tsx scripts/worker.ts`, as `npm run worker` runs it) on this test
 * file's database and real receivers:
 * - two workers ticking the same per-second schedules for 20 s fire every tick exactly once;
 * - a worker stopped for 10 s fires exactly one catch-up tick when it comes back (the latest
 *   one missed), then ticks normally again.
 */
import { describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import { prisma } from "@/lib/db";
import { getEndpointSecret } from "@/lib/endpoints/queries";
import { newAccount, newEndpoint } from "../helpers/harness";
import { setUpReceivers, waitFor } from "../helpers/receiver";
import { pauseSchedulesAfterEach, schedule, ticksOf, type TickRow } from "../helpers/schedules";
import { startWorkerProcess as startWorkerProcessWith, stopServersAfterEach, type WorkerProcess } from "../helpers/server";

stopServersAfterEach();

pauseSchedulesAfterEach();
const startReceiver = setUpReceivers();
const receiver = () => startReceiver();

/** The schedule's events as (event id, endpoint, the tick time written in its data). */
async function deliveredTicks(scheduleId: string): Promise<Array<{ eventId: string; endpointId: string; at: string; status: string; attempts: number }>> {
  const rows = await prisma.delivery.findMany({
    where: { event: { scheduleId } },
    orderBy: { eventId: "asc" },
    select: { eventId: true, endpointId: true, status: true, attempts: true, event: { select: { payload: true } } },
  });
  return rows.map(({ event, ...row }) => ({ ...row, at: (JSON.parse(event.payload) as { at: string }).at }));
}

/** Stops a worker with SIGTERM and expects a clean exit with nothing unexpected logged. */
async function stopWorker(worker: WorkerProcess): Promise<void> {
  worker.child.kill("SIGTERM");
  expect((await worker.exited).code).toBe(0);
  const errors = worker
    .output()
    .split("\n")
    .filter((line) => /"level":(50|60)|error/i.test(line));
  expect(errors, `errors logged by worker ${worker.id}`).toEqual([]);
}

function expectConsecutiveSeconds(ticks: TickRow[]): void {
  for (const [index, tick] of ticks.entries()) {
    expect(tick.tickAt % 1000).toBe(0);
    if (index > 0) expect(tick.tickAt - ticks[index - 1].tickAt, `tick ${index} after ${new Date(ticks[index - 1].tickAt).toISOString()}`).toBe(1000);
  }
}

// A generous attempt timeout, whatever the tests' default (tests/helpers/setup-database.ts): on a
// loaded machine a 1 s timeout cut short attempts the receiver had already seen, and the retry
// was a second request, which this file counts as a double fire. Every retry here would be a fault.
const startWorkerProcess = () => startWorkerProcessWith({ HOOKLINE_ATTEMPT_TIMEOUT_MS: "10000" });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("two worker processes on one database", () => {
  it("fire each tick of per-second schedules exactly once over 20 s", async () => {
    const [joeReceiver, annReceiver] = await Promise.all([receiver(), receiver()]);
    const user = await newAccount();
    const joe = await newEndpoint(user.id, joeReceiver.url, "joe");
    const ann = await newEndpoint(user.id, annReceiver.url, "ann");
    // One schedule with personal data (an event per endpoint per tick), one shared (one event
    // per tick, fanned out to both).
    const hello = await schedule(user.id, { name: "Hello", cron: "*/1 * * * * *", type: "hello.tick", data: { message: "Hello {{endpoint.name}}", at: "{{time}}" } });
    const shared = await schedule(user.id, { name: "Shared", cron: "* * * * * *", type: "shared.tick", data: { at: "{{time}}" } });

    // Before the workers start: each one ticks before it prints "running", so ticks can fire
    // while they start, and the bound on their number below must count that time too.
    const started = Date.now();
    const workers = await Promise.all([startWorkerProcess(), startWorkerProcess()]);
    expect(workers[0].id).not.toBe(workers[1].id);
    await sleep(20_000);
    await Promise.all(workers.map(stopWorker));
    const stopped = Date.now();

    // Every tick time once, one second apart, about 20 of them (both workers ran all along).
    for (const scheduleId of [hello.id, shared.id]) {
      const ticks = await ticksOf(scheduleId);
      expect(ticks.length).toBeGreaterThanOrEqual(18);
      expect(ticks.length).toBeLessThanOrEqual(Math.ceil((stopped - started) / 1000) + 3);
      expectConsecutiveSeconds(ticks);
    }

    // Personal data: each (tick, endpoint) has exactly one event, delivered to that endpoint only.
    const helloTicks = await ticksOf(hello.id);
    expect(helloTicks.every((tick) => tick.events === 2)).toBe(true);
    const helloRows = await deliveredTicks(hello.id);
    expect(helloRows).toHaveLength(helloTicks.length * 2);
    const pairs = helloRows.map((row) => `${row.at} ${row.endpointId}`);
    expect(new Set(pairs).size).toBe(pairs.length);
    expect(new Set(helloRows.map((row) => row.eventId)).size).toBe(helloRows.length);
    expect([...new Set(helloRows.map((row) => Date.parse(row.at)))].sort()).toEqual(helloTicks.map((tick) => tick.tickAt));

    // Shared data: one event per tick, with one delivery to each endpoint.
    const sharedTicks = await ticksOf(shared.id);
    expect(sharedTicks.every((tick) => tick.events === 1)).toBe(true);
    const sharedRows = await deliveredTicks(shared.id);
    expect(sharedRows).toHaveLength(sharedTicks.length * 2);
    const sharedEvents = new Map<string, string[]>();
    for (const row of sharedRows) sharedEvents.set(row.at, [...(sharedEvents.get(row.at) ?? []), row.eventId]);
    expect([...sharedEvents.keys()].map(Date.parse).sort()).toEqual(sharedTicks.map((tick) => tick.tickAt));
    for (const eventIds of sharedEvents.values()) expect(new Set(eventIds).size).toBe(1);

    // What the receivers got: signed, every webhook-id once, and each one a delivery that
    // succeeded at its first attempt (nothing was retried, so at-least-once was exactly once).
    for (const [endpoint, got] of [
      [joe, joeReceiver],
      [ann, annReceiver],
    ] as const) {
      const secret = (await getEndpointSecret(user.id, endpoint.id))!;
      const ids = got.requests.map((request) => request.headers["webhook-id"]);
      const repeated = ids.filter((id, index) => ids.indexOf(id) !== index);
      const repeatedRows = [...helloRows, ...sharedRows].filter((row) => row.endpointId === endpoint.id && repeated.includes(row.eventId));
      expect(new Set(ids).size, `webhook-ids received more than once: ${JSON.stringify(repeatedRows)}`).toBe(ids.length);
      const succeeded = [...helloRows, ...sharedRows].filter((row) => row.endpointId === endpoint.id && row.status === "succeeded");
      expect(succeeded.every((row) => row.attempts === 1)).toBe(true);
      expect([...ids].sort()).toEqual(succeeded.map((row) => row.eventId).sort());
      expect(ids.length).toBeGreaterThanOrEqual(2 * 15);
      for (const request of got.requests) new Webhook(secret).verify(request.rawBody, request.headers);
    }
  }, 90_000);
});

describe("a worker stopped and started again", () => {
  it("fires exactly one catch-up tick for the 10 s it was down (the latest missed), then ticks normally", async () => {
    const got = await receiver();
    const user = await newAccount();
    await newEndpoint(user.id, got.url, "r");
    const ticker = await schedule(user.id, { name: "Every second", cron: "* * * * * *", type: "clock.tick", data: { at: "{{time}}" } });

    const first = await startWorkerProcess();
    await waitFor(async () => (await ticksOf(ticker.id)).length >= 4, { timeoutMs: 15_000, what: "a few ticks before the stop" });
    await stopWorker(first);
    const before = await ticksOf(ticker.id);

    await sleep(10_000);
    // Nobody ticked while it was down.
    expect(await ticksOf(ticker.id)).toEqual(before);

    const restartedAt = Date.now();
    const second = await startWorkerProcess();
    await waitFor(async () => (await ticksOf(ticker.id)).filter((tick) => tick.firedAt >= restartedAt).length >= 5, { timeoutMs: 15_000, what: "ticks after the restart" });
    await stopWorker(second);

    const ticks = await ticksOf(ticker.id);
    const beforeStop = ticks.filter((tick) => tick.firedAt < restartedAt);
    const afterRestart = ticks.filter((tick) => tick.firedAt >= restartedAt);
    expect(beforeStop).toEqual(before);
    expectConsecutiveSeconds(beforeStop);

    // Exactly one tick time falls in the gap: the catch-up, which is the latest tick missed
    // (due less than a second before it fired), not the first one (10 s earlier).
    const [catchUp, ...resumed] = afterRestart;
    const lastBefore = beforeStop[beforeStop.length - 1];
    expect(catchUp.tickAt - lastBefore.tickAt).toBeGreaterThanOrEqual(10_000);
    expect(catchUp.firedAt).toBeGreaterThanOrEqual(catchUp.tickAt);
    expect(catchUp.firedAt - catchUp.tickAt).toBeLessThan(1000);
    expect(ticks.filter((tick) => tick.tickAt > lastBefore.tickAt && tick.tickAt < resumed[0].tickAt)).toEqual([catchUp]);
    // Then normal ticks, every second, straight after it.
    expectConsecutiveSeconds([catchUp, ...resumed]);
    expect(resumed.length).toBeGreaterThanOrEqual(4);

    // One event per tick, carrying its tick time.
    const rows = await deliveredTicks(ticker.id);
    expect(rows.map((row) => Date.parse(row.at))).toEqual(ticks.map((tick) => tick.tickAt));
  }, 90_000);
});
