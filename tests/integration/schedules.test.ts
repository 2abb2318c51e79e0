/**
 * SPEC §5 scheduled events, with the real worker (and its ticker) in this process and real
 * receivers: a `*\/1 * * * * *` schedule produces one event per second, signed like any other;
 * personal data ({{endpoint.name}}) makes one event per endpoint; disabled and deleted endpoints
 * get nothing; and a tick recorded once is never fired again.
 */
import { describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import { prisma } from "@/lib/db";
import { deleteEndpoint, getEndpointSecret, setEndpointEnabled } from "@/lib/endpoints/queries";
import { store } from "@/lib/store/connection";
import { fireSchedule, pruneScheduleTicks } from "@/lib/store/fire-tick";
import { newAccount, newEndpoint, setUpHarness } from "../helpers/harness";
import { waitFor } from "../helpers/receiver";
import { pauseSchedulesAfterEach, schedule, ticksOf } from "../helpers/schedules";

const harness = setUpHarness();

pauseSchedulesAfterEach();

async function eventsOf(scheduleId: string): Promise<Array<{ id: string; type: string; data: Record<string, string>; endpointIds: string[] }>> {
  const rows = await prisma.event.findMany({
    where: { scheduleId },
    orderBy: { id: "asc" },
    select: { id: true, type: true, payload: true, deliveries: { select: { endpointId: true } } },
  });
  return rows.map((row) => ({ id: row.id, type: row.type, data: JSON.parse(row.payload), endpointIds: row.deliveries.map((d) => d.endpointId).sort() }));
}

/** The schedule's next run, as unix ms. */
async function nextRunAtOf(scheduleId: string): Promise<number | undefined> {
  return (await prisma.schedule.findUniqueOrThrow({ where: { id: scheduleId }, select: { nextRunAt: true } })).nextRunAt?.getTime();
}

/** A tick row written directly, as another process would have recorded it. */
const tickRow = (scheduleId: string, tickAt: number, firedAt: number) => ({ scheduleId, tickAt: new Date(tickAt), firedAt: new Date(firedAt), events: 1 });

describe("a schedule ticking every second", () => {
  it("delivers one signed event per second to the receiver, one per distinct consecutive tick", async () => {
    const receiver = await harness.startReceiver();
    const user = await newAccount();
    const endpoint = await newEndpoint(user.id, receiver.url, "Local receiver");
    harness.startWorker();
    const ticker = await schedule(user.id, { name: "Every second", cron: "*/1 * * * * *", type: "clock.tick", data: { at: "{{time}}", by: "{{schedule.name}}" } });
    expect(ticker.nextRunAt).toMatch(/\.000Z$/);

    // A window of whole seconds: count what arrives within it.
    const WINDOW = 6;
    await waitFor(() => receiver.requests.length >= 1, { timeoutMs: 5_000, what: "the first tick to arrive" });
    const windowStart = Date.now();
    await new Promise((resolve) => setTimeout(resolve, WINDOW * 1000));
    const inWindow = receiver.requests.filter((request) => request.receivedAt >= windowStart && request.receivedAt < windowStart + WINDOW * 1000).length;
    // Whatever the machine's load, about one per second (no speed assertion: a tolerance of 1).
    expect(inWindow).toBeGreaterThanOrEqual(WINDOW - 1);
    expect(inWindow).toBeLessThanOrEqual(WINDOW + 1);

    // Each tick time once, whole seconds, one second apart, and each with exactly one event.
    const ticks = await ticksOf(ticker.id);
    expect(ticks.length).toBeGreaterThanOrEqual(WINDOW);
    for (const [index, tick] of ticks.entries()) {
      expect(tick.tickAt % 1000).toBe(0);
      expect(tick.events).toBe(1);
      expect(tick.firedAt).toBeGreaterThanOrEqual(tick.tickAt);
      if (index > 0) expect(tick.tickAt - ticks[index - 1].tickAt).toBe(1000);
    }
    const events = await eventsOf(ticker.id);
    expect(events.map((event) => Date.parse(event.data.at))).toEqual(ticks.map((tick) => tick.tickAt));
    for (const event of events) {
      expect(event.type).toBe("clock.tick");
      expect(event.data.by).toBe("Every second");
      expect(event.endpointIds).toEqual([endpoint.id]);
    }

    // What arrived is signed like any event and carries the tick's time; each webhook-id once.
    const secret = (await getEndpointSecret(user.id, endpoint.id))!;
    const ids = receiver.requests.map((request) => request.headers["webhook-id"]);
    expect(new Set(ids).size).toBe(ids.length);
    const eventIds = new Set(events.map((event) => event.id));
    for (const request of receiver.requests) {
      const verified = new Webhook(secret).verify(request.rawBody, request.headers) as { type: string; data: { at: string } };
      expect(verified.type).toBe("clock.tick");
      expect(eventIds.has(request.headers["webhook-id"])).toBe(true);
      expect(verified.data.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    }
  }, 30_000);
});

describe("targets", () => {
  it("personal data makes one event per endpoint; disabled and deleted endpoints get nothing", async () => {
    const receivers = await Promise.all([1, 2, 3, 4].map(() => harness.startReceiver()));
    const user = await newAccount();
    const [joe, ann, off, gone] = await Promise.all(["joe", "ann", "off", "gone"].map((name, index) => newEndpoint(user.id, receivers[index].url, name)));
    await setEndpointEnabled(user.id, off.id, false);
    await deleteEndpoint(user.id, gone.id);
    harness.startWorker();
    const hello = await schedule(user.id, {
      name: "Hello ticker",
      cron: "* * * * * *",
      type: "hello.tick",
      data: { message: "Hello {{endpoint.name}}, current time is {{time}}" },
    });
    const one = await schedule(user.id, { name: "Just ann", cron: "* * * * * *", type: "only.ann", data: { n: 1 }, endpointId: ann.id });

    await waitFor(() => receivers[0].requests.length >= 2 && receivers[1].requests.length >= 4, { timeoutMs: 10_000, what: "a few ticks to arrive" });
    await prisma.schedule.updateMany({ data: { paused: true, nextRunAt: null } });

    // Hello: one event per live, enabled endpoint, each delivered only to its own endpoint.
    const helloTicks = await ticksOf(hello.id);
    expect(helloTicks.every((tick) => tick.events === 2)).toBe(true);
    const helloEvents = await eventsOf(hello.id);
    expect(helloEvents).toHaveLength(helloTicks.length * 2);
    for (const event of helloEvents) {
      expect(event.endpointIds).toHaveLength(1);
      const name = event.endpointIds[0] === joe.id ? "joe" : event.endpointIds[0] === ann.id ? "ann" : "?";
      expect(event.data.message).toMatch(new RegExp(`^Hello ${name}, current time is \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.000Z$`));
    }
    // The aimed schedule reaches ann only.
    const oneEvents = await eventsOf(one.id);
    expect(oneEvents.length).toBeGreaterThan(0);
    expect(oneEvents.every((event) => event.endpointIds.join() === ann.id)).toBe(true);

    await waitFor(() => receivers[0].requests.length === helloTicks.length, { what: "joe to get every hello" });
    const joeSecret = (await getEndpointSecret(user.id, joe.id))!;
    for (const request of receivers[0].requests) {
      const verified = new Webhook(joeSecret).verify(request.rawBody, request.headers) as { data: { message: string } };
      expect(verified.data.message).toMatch(/^Hello joe, current time is /);
    }
    expect(receivers[2].requests).toEqual([]);
    expect(receivers[3].requests).toEqual([]);
  }, 30_000);
});

describe("exactly once", () => {
  it("fires a due tick in one transaction: a second ticker finds nothing, a recorded tick is never fired again", async () => {
    const user = await newAccount();
    const receiver = await harness.startReceiver();
    await newEndpoint(user.id, receiver.url, "r");
    const created = await schedule(user.id, { name: "Minutely", cron: "* * * * *", type: "minute.tick", data: {} });
    const due = Date.parse(created.nextRunAt!);
    const options = { now: due + 10, policy: "latest" as const, runningSince: 0 };

    const first = await fireSchedule(store(), created.id, options);
    expect(first).toMatchObject({ scheduleId: created.id, tickAt: due, events: [expect.stringMatching(/^msg_/)] });
    // The same tick again (a second process that read it as due a moment ago): nothing.
    expect(await fireSchedule(store(), created.id, options)).toBeNull();
    expect(await ticksOf(created.id)).toEqual([{ tickAt: due, firedAt: due + 10, events: 1 }]);
    expect(await nextRunAtOf(created.id)).toBe(due + 60_000);

    // A tick row already there (fired by someone else) wins over a stale nextRunAt: no events.
    await prisma.scheduleTick.create({ data: tickRow(created.id, due + 60_000, due) });
    expect(await fireSchedule(store(), created.id, { ...options, now: due + 60_010 })).toBeNull();
    expect(await eventsOf(created.id)).toHaveLength(1);

    // Policy "none": a tick that came due before this ticker started is skipped, not fired.
    const skipped = await fireSchedule(store(), created.id, { now: due + 180_500, policy: "none", runningSince: due + 180_400 });
    expect(skipped).toBeNull();
    expect((await ticksOf(created.id)).map((tick) => tick.tickAt)).toEqual([due, due + 60_000]);
    expect(await nextRunAtOf(created.id)).toBe(due + 240_000);
  });
});

describe("data saved before its filled size was checked", () => {
  it("makes no event over the data limit: the tick is recorded with none", async () => {
    const user = await newAccount();
    const receiver = await harness.startReceiver();
    await newEndpoint(user.id, receiver.url, "r");
    const created = await schedule(user.id, { name: "n".repeat(100), cron: "* * * * *", type: "minute.tick", data: {} });
    // What the old validation let through: 255 KB as written, 1.5 MB once the name fills it.
    await prisma.schedule.update({ where: { id: created.id }, data: { payload: JSON.stringify({ m: "{{schedule.name}}".repeat(15_000) }) } });
    const due = Date.parse(created.nextRunAt!);

    const fired = await fireSchedule(store(), created.id, { now: due + 10, policy: "latest", runningSince: 0 });
    expect(fired).toMatchObject({ scheduleId: created.id, tickAt: due, events: [] });
    expect(await eventsOf(created.id)).toEqual([]);
    expect(await ticksOf(created.id)).toEqual([{ tickAt: due, firedAt: due + 10, events: 0 }]);
  });
});

describe("tick records", () => {
  it("older than the retention period are pruned, per schedule, in batches; recent ones stay", async () => {
    const user = await newAccount();
    const [a, b] = await Promise.all([
      schedule(user.id, { name: "A", cron: "* * * * * *", type: "a", paused: true }),
      schedule(user.id, { name: "B", cron: "* * * * * *", type: "b", paused: true }),
    ]);
    const cutoff = Date.parse("2026-06-01T00:00:00Z");
    const rows = [];
    for (let i = 1; i <= 25; i++) rows.push(tickRow(a.id, cutoff - i * 1000, cutoff - i * 1000), tickRow(b.id, cutoff - i * 1000, cutoff - i * 1000));
    rows.push(tickRow(a.id, cutoff, cutoff), tickRow(b.id, cutoff + 1000, cutoff + 1000));
    await prisma.scheduleTick.createMany({ data: rows });

    expect(await pruneScheduleTicks(store(), cutoff, 10)).toBe(50);
    expect((await ticksOf(a.id)).map((tick) => tick.tickAt)).toEqual([cutoff]);
    expect((await ticksOf(b.id)).map((tick) => tick.tickAt)).toEqual([cutoff + 1000]);
    expect(await pruneScheduleTicks(store(), cutoff, 10)).toBe(0);
  });
});
