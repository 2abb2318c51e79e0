/**
 * The dashboard's figures (lib/stats/queries.ts over lib/store/stats.ts), against rows whose
 * answers are known: exact on a quiet day (every delivery read), estimated on a busy one from
 * each time slice's first SAMPLE_PER_SLICE deliveries, weighed by the slice's exact count; and
 * only ever the account's (or the endpoint's) own deliveries. Also the fan-out counts of the
 * event lists and an event's deliveries, which are read per page, not over the whole table.
 */
import { describe, expect, it } from "vitest";
import { prisma } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { idFromTime } from "@/lib/ids";
import { listDeliveries } from "@/lib/deliveries/queries";
import { listEventLog } from "@/lib/events/queries";
import { createSchedule, listScheduleEvents } from "@/lib/schedules/queries";
import { apportion, getEndpointStats, getOverview, SAMPLE_PER_SLICE } from "@/lib/stats/queries";
import { newAccount, newEndpoint } from "../helpers/harness";

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
// A fixed "now", mid-minute, so slices and minutes fall where the test says.
const NOW = Math.floor(Date.now() / MINUTE) * MINUTE - 10 * MINUTE + 30 * SECOND;

interface Row {
  at: number;
  status: "succeeded" | "failed" | "pending" | "delivering";
  /** One attempt per entry: its response time, or null for an attempt that got no response. */
  attempts: Array<number | null>;
}

/** Writes one event, one delivery and its attempts per row, as the worker would have left them. */
async function seed(userId: string, endpointId: string, rows: Row[]): Promise<Array<{ eventId: string; deliveryId: string }>> {
  const events: Prisma.EventCreateManyInput[] = [];
  const deliveries: Prisma.DeliveryCreateManyInput[] = [];
  const attempts: Prisma.AttemptCreateManyInput[] = [];
  const ids: Array<{ eventId: string; deliveryId: string }> = [];
  for (const row of rows) {
    const eventId = idFromTime("msg", row.at);
    const deliveryId = idFromTime("dlv", row.at);
    ids.push({ eventId, deliveryId });
    events.push({ id: eventId, userId, type: "order.created", payload: "{}", createdAt: new Date(row.at) });
    deliveries.push({ id: deliveryId, userId, eventId, endpointId, status: row.status, attempts: row.attempts.length, createdAt: new Date(row.at), updatedAt: new Date(row.at) });
    row.attempts.forEach((duration, i) =>
      attempts.push({
        id: idFromTime("att", row.at + (i + 1) * SECOND),
        deliveryId,
        number: i + 1,
        startedAt: new Date(row.at + i * SECOND),
        durationMs: duration ?? 15_000,
        requestHeaders: "{}",
        responseStatus: duration === null ? null : row.status === "succeeded" && i === row.attempts.length - 1 ? 200 : 503,
        error: duration === null ? "timeout" : null,
      }),
    );
  }
  await prisma.$transaction([prisma.event.createMany({ data: events }), prisma.delivery.createMany({ data: deliveries }), prisma.attempt.createMany({ data: attempts })]);
  return ids;
}

/** Nearest-rank percentile of plain values, as the overview defines it. */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((p / 100) * sorted.length)];
}

describe("overview, quiet day: every figure exact", () => {
  it("counts the account's last 24 hours by status, times its responses and fills the last hour by minute", async () => {
    const { id: userId } = await newAccount("quiet");
    const a = (await newEndpoint(userId, "http://127.0.0.1:9/a", "A")).id;
    const b = (await newEndpoint(userId, "http://127.0.0.1:9/b", "B")).id;
    const stranger = await newAccount("stranger");
    const strangerEndpoint = (await newEndpoint(stranger.id, "http://127.0.0.1:9/s", "S")).id;

    // 60 deliveries over the day, one every 24 minutes: statuses and response times in a pattern.
    const day: Row[] = [];
    for (let i = 0; i < 60; i++) {
      const status = i % 10 === 3 ? "failed" : i === 7 ? "pending" : i === 11 ? "delivering" : "succeeded";
      // Failed ones: two answered attempts and one that timed out (no response, not timed).
      const attempts = status === "failed" ? [400 + i, 500 + i, null] : status === "succeeded" ? [20 + ((i * 37) % 90)] : status === "delivering" ? [] : [null];
      day.push({ at: NOW - DAY + 30 * SECOND + i * 24 * MINUTE, status, attempts });
    }
    // In the last hour: 3 deliveries 5 minutes ago, 2 (one failed) 2 minutes ago, 1 pending in the current minute.
    const lastHour: Row[] = [
      ...[1, 2, 3].map((s) => ({ at: NOW - 5 * MINUTE + s * SECOND, status: "succeeded" as const, attempts: [50] })),
      { at: NOW - 2 * MINUTE + SECOND, status: "succeeded", attempts: [60] },
      { at: NOW - 2 * MINUTE + 2 * SECOND, status: "failed", attempts: [70] },
      { at: NOW - 10 * SECOND, status: "pending", attempts: [] },
    ];
    await seed(userId, a, day.filter((_, i) => i % 2 === 0));
    await seed(userId, b, [...day.filter((_, i) => i % 2 === 1), ...lastHour]);
    // Not in the window (25 h ago), and not the account's: neither may count.
    await seed(userId, a, [{ at: NOW - 25 * HOUR, status: "failed", attempts: [999] }]);
    await seed(stranger.id, strangerEndpoint, [...day, ...lastHour]);

    const mine = [...day, ...lastHour];
    const overview = await getOverview(userId, NOW);
    expect(overview.estimated).toBe(false);
    expect(overview.sampled).toBe(mine.length);
    const count = (status: Row["status"]) => mine.filter((row) => row.status === status).length;
    expect(overview.day).toEqual({
      total: 66,
      succeeded: count("succeeded"),
      failed: count("failed"),
      pending: count("pending") + count("delivering"),
      successRate: count("succeeded") / (count("succeeded") + count("failed")),
    });
    expect(count("failed")).toBe(7);
    const answered = mine.flatMap((row) => row.attempts).filter((duration): duration is number => duration !== null);
    expect(overview.latency).toEqual({ p50: percentile(answered, 50), p95: percentile(answered, 95), attempts: answered.length });

    expect(overview.lastHour).toHaveLength(60);
    expect(overview.lastHourEstimated).toBe(false);
    const minute = (ago: number) => overview.lastHour.find((bucket) => bucket.minute === new Date(Math.floor((NOW - ago) / MINUTE) * MINUTE).toISOString());
    expect(minute(5 * MINUTE)).toMatchObject({ succeeded: 3, failed: 0, pending: 0 });
    expect(minute(2 * MINUTE)).toMatchObject({ succeeded: 1, failed: 1, pending: 0 });
    expect(minute(0)).toMatchObject({ succeeded: 0, failed: 0, pending: 1 });
    // The chart's 60 minutes: the current one and the 59 before it (two of the day's rows fall in them too).
    const chartStart = Math.floor(NOW / MINUTE) * MINUTE - 59 * MINUTE;
    expect(overview.lastHour[0].minute).toBe(new Date(chartStart).toISOString());
    const inChart = mine.filter((row) => row.at >= chartStart).length;
    expect(inChart).toBe(8);
    expect(overview.lastHour.reduce((sum, bucket) => sum + bucket.succeeded + bucket.failed + bucket.pending, 0)).toBe(inChart);

    // One endpoint: only its own deliveries.
    const ofB = mine.filter((_, i) => i >= 60 || i % 2 === 1);
    const statsB = await getEndpointStats(userId, b, NOW);
    const answeredB = ofB.flatMap((row) => row.attempts).filter((duration): duration is number => duration !== null);
    expect(statsB).toEqual({
      succeeded: ofB.filter((row) => row.status === "succeeded").length,
      failed: ofB.filter((row) => row.status === "failed").length,
      successRate: expect.closeTo(ofB.filter((row) => row.status === "succeeded").length / ofB.filter((row) => row.status === "succeeded" || row.status === "failed").length, 12),
      p50: percentile(answeredB, 50),
      p95: percentile(answeredB, 95),
      estimated: false,
    });
    // Another account's endpoint, asked for by this account: nothing.
    expect(await getEndpointStats(userId, strangerEndpoint, NOW)).toEqual({ succeeded: 0, failed: 0, successRate: null, p50: null, p95: null, estimated: false });
  });

  it("shows an empty day as empty", async () => {
    const { id: userId } = await newAccount("empty");
    const overview = await getOverview(userId, NOW);
    expect(overview.day).toEqual({ total: 0, succeeded: 0, failed: 0, pending: 0, successRate: null });
    expect(overview.latency).toEqual({ p50: null, p95: null, attempts: 0 });
    expect(overview.estimated).toBe(false);
    expect(overview.lastHour.every((bucket) => bucket.succeeded + bucket.failed + bucket.pending === 0)).toBe(true);
  });
});

describe("overview, busy day: bounded reads, estimated figures", () => {
  it("reads each slice's first deliveries and weighs them by the slice's exact count", async () => {
    const { id: userId } = await newAccount("busy");
    const endpoint = (await newEndpoint(userId, "http://127.0.0.1:9/a", "A")).id;
    // A busy half hour, 5 hours ago: 100 deliveries a second apart, every fifth
    // failed, all answered in 100 ms. Its first 25 have the slice's exact proportions.
    const busy: Row[] = Array.from({ length: 100 }, (_, i) => ({
      at: NOW - 5 * HOUR + 30 * SECOND + i * SECOND,
      status: i % 5 === 4 ? "failed" : "succeeded",
      attempts: [100],
    }));
    // Two quiet half hours of 20 deliveries each, all succeeded in 300 ms: read in full.
    const quiet: Row[] = [10, 12].flatMap((hoursAgo) =>
      Array.from({ length: 20 }, (_, i) => ({ at: NOW - hoursAgo * HOUR + 30 * SECOND + i * 10 * SECOND, status: "succeeded" as const, attempts: [300] })),
    );
    await seed(userId, endpoint, [...busy, ...quiet]);

    const overview = await getOverview(userId, NOW);
    expect(overview.estimated).toBe(true);
    expect(overview.sampled).toBe(SAMPLE_PER_SLICE + 40);
    // The total is exact; the split is the sample's, scaled: here exactly the truth.
    expect(overview.day).toEqual({ total: 140, succeeded: 120, failed: 20, pending: 0, successRate: 120 / 140 });
    // Weighed, the busy slice's 25 answers stand for 100: the median is its 100 ms, as in the
    // full data (100 × 100 ms, 40 × 300 ms). Unweighed, the sample (25 × 100, 40 × 300) would say 300.
    expect(overview.latency).toEqual({ p50: 100, p95: 300, attempts: 140 });
    // The endpoint's page reads its day the same way.
    expect(await getEndpointStats(userId, endpoint, NOW)).toEqual({ succeeded: 120, failed: 20, successRate: 120 / 140, p50: 100, p95: 300, estimated: true });
  });

  it("keeps each minute's total exact when its split is estimated", async () => {
    const { id: userId } = await newAccount("busy-minute");
    const endpoint = (await newEndpoint(userId, "http://127.0.0.1:9/a", "A")).id;
    // 40 deliveries within one minute, 3 minutes ago: the first 25 all succeeded, then 15 failed.
    const start = Math.floor((NOW - 3 * MINUTE) / MINUTE) * MINUTE;
    await seed(
      userId,
      endpoint,
      Array.from({ length: 40 }, (_, i) => ({ at: start + i * SECOND, status: i < 25 ? "succeeded" : "failed", attempts: [10] })),
    );
    const overview = await getOverview(userId, NOW);
    expect(overview.lastHourEstimated).toBe(true);
    const bucket = overview.lastHour.find((minute) => minute.minute === new Date(start).toISOString());
    // Only the first 25 were read: the estimate says all 40 succeeded, but the count is right.
    expect(bucket).toMatchObject({ succeeded: 40, failed: 0, pending: 0 });
    // The day's half hour holds the same 40: its split is estimated alike, its total exact.
    expect(overview.estimated).toBe(true);
    expect(overview.day).toMatchObject({ total: 40, succeeded: 40, failed: 0 });
  });
});

describe("apportion", () => {
  it("splits a total into whole numbers in proportion, adding up exactly", () => {
    expect(apportion(10, { a: 1, b: 1, c: 1 })).toEqual({ a: 4, b: 3, c: 3 });
    expect(apportion(7, { a: 0.5, b: 0.25, c: 0.25 })).toEqual({ a: 3, b: 2, c: 2 });
    expect(apportion(100, { a: 20, b: 5, c: 0 })).toEqual({ a: 80, b: 20, c: 0 });
    expect(apportion(5, { a: 0, b: 0 })).toEqual({ a: 0, b: 0 });
    const parts = { a: 3.3, b: 2.9, c: 0.7, d: 11 };
    const split = apportion(1234, parts);
    expect(Object.values(split).reduce((sum, n) => sum + n, 0)).toBe(1234);
  });
});

describe("event lists and an event's deliveries", () => {
  it("count each event's fan-out and list an event's deliveries, old or new, only within the account", async () => {
    const { id: userId } = await newAccount("events");
    const endpoints = [
      (await newEndpoint(userId, "http://127.0.0.1:9/a", "A")).id,
      (await newEndpoint(userId, "http://127.0.0.1:9/b", "B")).id,
      (await newEndpoint(userId, "http://127.0.0.1:9/c", "C")).id,
    ];
    const stranger = await newAccount("events-stranger");
    const strangerEndpoint = (await newEndpoint(stranger.id, "http://127.0.0.1:9/s", "S")).id;
    // 30 events over 30 days; event i fans out to i % 4 endpoints (0 to 3).
    const eventIds: string[] = [];
    const fanOut = new Map<string, string[]>();
    for (let i = 0; i < 30; i++) {
      const at = NOW - 30 * DAY + i * DAY;
      const eventId = idFromTime("msg", at);
      eventIds.push(eventId);
      await prisma.event.create({ data: { id: eventId, userId, type: "order.created", payload: "{}", createdAt: new Date(at) } });
      const ids = [];
      for (let k = 0; k < i % 4; k++) {
        const id = idFromTime("dlv", at + k);
        ids.push(id);
        await prisma.delivery.create({ data: { id, userId, eventId, endpointId: endpoints[k], status: "succeeded", createdAt: new Date(at + k), updatedAt: new Date(at + k) } });
      }
      fanOut.set(eventId, ids);
    }
    // Other deliveries around (the stranger's), which no count may include.
    await seed(stranger.id, strangerEndpoint, Array.from({ length: 20 }, (_, i) => ({ at: NOW - i * DAY, status: "succeeded" as const, attempts: [] })));

    const newestFirst = [...eventIds].reverse();
    const first = await listEventLog(userId, { limit: 10 });
    expect(first.data.map((event) => [event.id, event.deliveries])).toEqual(newestFirst.slice(0, 10).map((id) => [id, fanOut.get(id)!.length]));
    const second = await listEventLog(userId, { limit: 10, cursor: first.nextCursor! });
    expect(second.data.map((event) => [event.id, event.deliveries])).toEqual(newestFirst.slice(10, 20).map((id) => [id, fanOut.get(id)!.length]));

    for (const eventId of [eventIds[3], eventIds[27], eventIds[0]]) {
      const page = await listDeliveries(userId, { eventId });
      expect(page.data.map((row) => row.id)).toEqual([...fanOut.get(eventId)!].reverse());
      expect(page.nextCursor).toBeNull();
      // Another account asking for this event's deliveries gets none.
      expect((await listDeliveries(stranger.id, { eventId })).data).toEqual([]);
    }
    // With a status filter besides, and a page size smaller than the fan-out.
    const paged = await listDeliveries(userId, { eventId: eventIds[27], status: "succeeded", limit: 2 });
    expect(paged.data.map((row) => row.id)).toEqual([...fanOut.get(eventIds[27])!].reverse().slice(0, 2));
    expect((await listDeliveries(userId, { eventId: eventIds[27], cursor: paged.nextCursor! })).data.map((row) => row.id)).toEqual([fanOut.get(eventIds[27])![0]]);

    // A schedule's events: the same counts.
    const schedule = await createSchedule(userId, { name: "ticks", cron: "0 3 * * *", timezone: "UTC", type: "order.created", data: {}, endpointId: null, paused: true });
    if ("fieldErrors" in schedule) throw new Error("schedule not created");
    await prisma.event.updateMany({ where: { id: { in: eventIds.slice(20) } }, data: { scheduleId: schedule.id } });
    const ticks = await listScheduleEvents(userId, schedule.id);
    expect(ticks.data.map((event) => [event.id, event.deliveries])).toEqual(newestFirst.slice(0, 10).map((id) => [id, fanOut.get(id)!.length]));
  });
});
