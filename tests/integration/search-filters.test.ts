/**
 * The delivery search combined with each filter (lib/store/search.ts), on both engines, against
 * the answer worked out from the rows themselves: SQLite narrows its walk with them (an endpoint,
 * event or type asked of the index, a time range turned into a span of events, a rare status
 * looked up from its few deliveries), and every one of those shortcuts must give exactly what
 * filtering every match would, page after page.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { listDeliveries, type DeliveryFilter } from "@/lib/deliveries/queries";
import { consumerIdOf, createConsumer } from "@/lib/consumers/queries";
import { createEndpoint } from "@/lib/endpoints/queries";
import { idFromTime } from "@/lib/ids";
import { store } from "@/lib/store/connection";
import { insertRows, type DeliveryInsert, type EventInsert } from "@/lib/store/bulk-insert";
import type { DeliveryStatus } from "@/lib/store/delivery-states";
import { newAccount } from "../helpers/harness";

const DAY = 86_400_000;
const now = Date.now();

let userId = "";
let endpoints: string[] = [];
const events: EventInsert[] = [];
const deliveries: DeliveryInsert[] = [];

/**
 * Three days of events (a few an hour), half about "walrus", delivered to endpoint A and most to
 * B; one in four to C as well. B and C are the consumer walrus-co's.
 */
beforeAll(async () => {
  userId = (await newAccount("search-filters")).id;
  await createConsumer(userId, { uid: "walrus-co", name: "Walrus Co" });
  const consumerId = (await consumerIdOf(userId, "walrus-co"))!;
  endpoints = [
    (await createEndpoint(userId, { name: "A", url: "http://127.0.0.1:9/a", description: "" })).id,
    (await createEndpoint(userId, { name: "B", url: "http://127.0.0.1:9/b", description: "", consumerId })).id,
    (await createEndpoint(userId, { name: "C", url: "http://127.0.0.1:9/c", description: "", consumerId })).id,
  ];
  for (let index = 0; index < 120; index++) {
    const createdAt = now - 3 * DAY + index * 36 * 60_000;
    const event = {
      id: idFromTime("msg", createdAt),
      userId,
      type: index % 3 === 0 ? "order.refunded" : "order.created",
      payload: JSON.stringify({ n: index, note: index % 2 === 0 ? "walrus crossing" : "quiet day" }),
      createdAt,
    };
    events.push(event);
    const targets = index % 5 === 0 ? endpoints.slice(0, 1) : index % 4 === 0 ? endpoints : endpoints.slice(0, 2);
    targets.forEach((endpointId, which) => {
      // Mostly succeeded; a few failed; two pending (a rare status).
      const status: DeliveryStatus = index === 40 || index === 80 ? "pending" : (index + which) % 7 === 0 ? "failed" : "succeeded";
      deliveries.push({
        id: idFromTime("dlv", createdAt),
        userId,
        eventId: event.id,
        endpointId,
        status,
        attempts: 1,
        nextAttemptAt: status === "pending" ? now + DAY : null,
        createdAt,
        updatedAt: createdAt,
        completedAt: status === "pending" ? null : createdAt,
      });
    });
  }
  await insertRows(store(), { events, deliveries });
});

/** What the search must answer: the walrus events' deliveries passing `filter`, newest event first, then newest delivery. */
function expected(filter: DeliveryFilter): string[] {
  const eventOf = new Map(events.map((event) => [event.id, event]));
  return deliveries
    .filter((delivery) => {
      const event = eventOf.get(delivery.eventId)!;
      if (!event.payload.includes("walrus")) return false;
      if (filter.endpointId && delivery.endpointId !== filter.endpointId) return false;
      if (filter.consumer && !endpoints.slice(1).includes(delivery.endpointId)) return false;
      if (filter.status && delivery.status !== filter.status) return false;
      if (filter.eventType && event.type !== filter.eventType) return false;
      if (filter.since && delivery.createdAt < Date.parse(filter.since)) return false;
      if (filter.until && delivery.createdAt >= Date.parse(filter.until)) return false;
      return true;
    })
    .sort((a, b) => (a.eventId === b.eventId ? (a.id < b.id ? 1 : -1) : a.eventId < b.eventId ? 1 : -1))
    .map((delivery) => delivery.id);
}

/** Every page of the search with `filter`, `limit` rows a page, concatenated. */
async function allPages(filter: DeliveryFilter, limit: number): Promise<string[]> {
  const found: string[] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 500; guard++) {
    const page = await listDeliveries(userId, { ...filter, q: "walrus", limit, cursor });
    found.push(...page.data.map((row) => row.id));
    if (!page.nextCursor) return found;
    cursor = page.nextCursor;
  }
  throw new Error("the pages never ended");
}

describe("delivery search with filters", () => {
  const iso = (ms: number) => new Date(ms).toISOString();
  const cases: Array<[string, () => DeliveryFilter]> = [
    ["no filter", () => ({})],
    ["one endpoint", () => ({ endpointId: endpoints[1] })],
    ["an endpoint with few of the events", () => ({ endpointId: endpoints[2] })],
    ["a consumer's endpoints", () => ({ consumer: "walrus-co" })],
    ["a consumer's endpoints, failed", () => ({ consumer: "walrus-co", status: "failed" })],
    ["an event type", () => ({ eventType: "order.refunded" })],
    ["an endpoint and a type", () => ({ endpointId: endpoints[0], eventType: "order.refunded" })],
    ["a common status", () => ({ status: "succeeded" })],
    ["a rare status", () => ({ status: "pending" })],
    ["a rare status at one endpoint", () => ({ status: "pending", endpointId: endpoints[0] })],
    ["a day in the middle", () => ({ since: iso(now - 2 * DAY), until: iso(now - DAY) })],
    ["until a day ago", () => ({ until: iso(now - DAY) })],
    ["since a day ago, failed", () => ({ since: iso(now - DAY), status: "failed" })],
  ];
  for (const [name, filter] of cases) {
    it(`${name}: the same rows as filtering every match, page by page`, async () => {
      const answer = expected(filter());
      expect(answer.length, "the fixture has matches for this case").toBeGreaterThan(0);
      expect(await allPages(filter(), 200)).toEqual(answer);
      expect(await allPages(filter(), 7)).toEqual(answer);
    });
  }

  it("finds nothing where the filter excludes every match, without error", async () => {
    const other = await createEndpoint(userId, { name: "D", url: "http://127.0.0.1:9/d", description: "" });
    expect(await allPages({ endpointId: other.id }, 50)).toEqual([]);
    expect(await allPages({ status: "delivering" }, 50)).toEqual([]);
    expect(await allPages({ until: iso(now - 4 * DAY) }, 50)).toEqual([]);
  });
});

describe("delivery and event search with many matches", () => {
  // More matching events than PostgreSQL reads whole (search.ts, FEW_MATCHES): the walk newest first.
  const MANY = 5_200;
  let manyUser = "";
  let manyEndpoints: string[] = [];
  const manyDeliveries: DeliveryInsert[] = [];

  beforeAll(async () => {
    manyUser = (await newAccount("search-many")).id;
    manyEndpoints = [
      (await createEndpoint(manyUser, { name: "A", url: "http://127.0.0.1:9/a", description: "" })).id,
      (await createEndpoint(manyUser, { name: "B", url: "http://127.0.0.1:9/b", description: "" })).id,
    ];
    const manyEvents: EventInsert[] = [];
    for (let index = 0; index < MANY; index++) {
      const createdAt = now - DAY + index * 10_000;
      const event = { id: idFromTime("msg", createdAt), userId: manyUser, type: "tide.turned", payload: JSON.stringify({ n: index, note: "narwhal" }), createdAt };
      manyEvents.push(event);
      // Every event to A; one in 100 to B, failed.
      const targets = index % 100 === 0 ? manyEndpoints : manyEndpoints.slice(0, 1);
      targets.forEach((endpointId, which) => {
        const status: DeliveryStatus = which === 1 ? "failed" : "succeeded";
        manyDeliveries.push({ id: idFromTime("dlv", createdAt), userId: manyUser, eventId: event.id, endpointId, status, attempts: 1, nextAttemptAt: null, createdAt, updatedAt: createdAt, completedAt: createdAt });
      });
    }
    await insertRows(store(), { events: manyEvents, deliveries: manyDeliveries });
  }, 60_000);

  it("pages through them newest first, with and without a filter", async () => {
    const newestFirst = [...manyDeliveries].sort((a, b) => (a.eventId === b.eventId ? (a.id < b.id ? 1 : -1) : a.eventId < b.eventId ? 1 : -1));
    const pages = async (filter: DeliveryFilter, count: number) => {
      const found: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < count; page++) {
        const result = await listDeliveries(manyUser, { ...filter, q: "narwhal", limit: 50, cursor });
        found.push(...result.data.map((row) => row.id));
        if (!result.nextCursor) break;
        cursor = result.nextCursor;
      }
      return found;
    };
    expect(await pages({}, 3)).toEqual(newestFirst.slice(0, 150).map((row) => row.id));
    const failed = newestFirst.filter((row) => row.status === "failed").map((row) => row.id);
    expect(await pages({ status: "failed" }, 3)).toEqual(failed.slice(0, 150));
    // One event in 100 went to B: PostgreSQL asks the index for B's events (few), not every match.
    const toB = newestFirst.filter((row) => row.endpointId === manyEndpoints[1]).map((row) => row.id);
    expect(toB).toHaveLength(MANY / 100);
    expect(await pages({ endpointId: manyEndpoints[1] }, 3)).toEqual(toB);
    // A range that still holds more than the count cap (the walk), and a short one (read whole).
    for (const [from, to] of [[now - 2 * DAY, now - DAY + 51_000_000], [now - DAY + 26_000_000, now - DAY + 29_600_000]]) {
      const inRange = newestFirst.filter((row) => row.createdAt >= from && row.createdAt < to).map((row) => row.id);
      expect(await pages({ since: new Date(from).toISOString(), until: new Date(to).toISOString() }, 3)).toEqual(inRange.slice(0, 150));
    }

    const { listEvents } = await import("@/lib/events/queries");
    const events = await listEvents(manyUser, { q: "narwhal", limit: 20 });
    expect(events.data.map((event) => event.id)).toEqual([...new Set(newestFirst.map((row) => row.eventId))].slice(0, 20));
  });
});
