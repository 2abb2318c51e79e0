/**
 * The delivery log's filters and keyset pages return exactly what a plain scan of the account's
 * rows would, on both of its query paths: a common status walks (userId, id); a rare one (at
 * most RARE_STATUS_ROWS matches) is looked up through the worker's status index first.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db";
import { idFromTime } from "@/lib/ids";
import { listDeliveries, type DeliveryFilter } from "@/lib/deliveries/queries";
import { newAccount, newEndpoint } from "../helpers/harness";

interface Row {
  id: string;
  endpointId: string;
  status: string;
  createdAt: number;
}

const DAY = 86_400_000;
let userId: string;
let endpoints: string[];
let rows: Row[];

/** What the log must show: the account's matching rows, newest first. */
function expected(filter: DeliveryFilter): string[] {
  const since = filter.since ? Date.parse(filter.since) : -Infinity;
  const until = filter.until ? Date.parse(filter.until) : Infinity;
  return rows
    .filter((row) => (!filter.endpointId || row.endpointId === filter.endpointId) && (!filter.status || row.status === filter.status))
    .filter((row) => row.createdAt >= since && row.createdAt < until)
    .map((row) => row.id)
    .sort()
    .reverse();
}

/** Every page, following nextCursor to the end. */
async function allPages(filter: DeliveryFilter): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 100; page++) {
    const result = await listDeliveries(userId, { ...filter, cursor, limit: 200 });
    ids.push(...result.data.map((row) => row.id));
    if (!result.nextCursor) return ids;
    cursor = result.nextCursor;
  }
  throw new Error("pagination did not end");
}

beforeAll(async () => {
  const account = await newAccount("log");
  userId = account.id;
  endpoints = [(await newEndpoint(userId, "http://127.0.0.1:9/a", "A")).id, (await newEndpoint(userId, "http://127.0.0.1:9/b", "B")).id];
  // Another account's rows in the same statuses must never show up.
  const stranger = await newAccount("stranger");
  const strangerEndpoint = (await newEndpoint(stranger.id, "http://127.0.0.1:9/c", "C")).id;

  rows = [];
  const events: Array<{ id: string; userId: string; type: string; payload: string; createdAt: Date }> = [];
  const deliveries: Array<{ id: string; userId: string; eventId: string; endpointId: string; status: string; attempts: number; createdAt: Date; updatedAt: Date }> = [];
  const add = (owner: string, endpointId: string, status: string, at: number) => {
    const eventId = idFromTime("msg", at);
    const id = idFromTime("dlv", at);
    events.push({ id: eventId, userId: owner, type: "order.created", payload: "{}", createdAt: new Date(at) });
    deliveries.push({ id, userId: owner, eventId, endpointId, status, attempts: 1, createdAt: new Date(at), updatedAt: new Date(at) });
    return id;
  };
  const now = Date.now();
  // 1,500 rows over ten days: succeeded is common (over the rare-status bound), failed and
  // pending are rare, delivering exists only on endpoint B.
  for (let i = 0; i < 1500; i++) {
    const at = now - 10 * DAY + Math.floor((i / 1500) * 10 * DAY);
    const status = i % 50 === 0 ? "failed" : i % 301 === 0 ? "pending" : i % 499 === 0 ? "delivering" : "succeeded";
    const endpointId = status === "delivering" ? endpoints[1] : endpoints[i % 3 === 0 ? 1 : 0];
    rows.push({ id: add(userId, endpointId, status, at), endpointId, status, createdAt: at });
    if (i % 100 === 0) add(stranger.id, strangerEndpoint, "failed", at);
  }
  // Set up as rows (no fan-out, no worker): the log's queries are what is tested.
  await prisma.$transaction([prisma.event.createMany({ data: events }), prisma.delivery.createMany({ data: deliveries })]);
});

describe("delivery log", () => {
  const cases: Array<[string, () => DeliveryFilter]> = [
    ["no filter", () => ({})],
    ["common status", () => ({ status: "succeeded" })],
    ["rare status", () => ({ status: "failed" })],
    ["rarer status", () => ({ status: "pending" })],
    ["status with no rows", () => ({ status: "delivering", endpointId: endpoints[0] })],
    ["one endpoint", () => ({ endpointId: endpoints[1] })],
    ["one endpoint, rare status", () => ({ endpointId: endpoints[1], status: "failed" })],
    ["one endpoint, common status", () => ({ endpointId: endpoints[0], status: "succeeded" })],
    ["time range", () => ({ since: new Date(Date.now() - 6 * DAY).toISOString(), until: new Date(Date.now() - 3 * DAY).toISOString() })],
    [
      "time range, rare status",
      () => ({ status: "failed", since: new Date(Date.now() - 6 * DAY).toISOString(), until: new Date(Date.now() - 3 * DAY).toISOString() }),
    ],
  ];

  it.each(cases)("%s: every page matches a plain scan", async (_name, filter) => {
    const want = expected(filter());
    expect(await allPages(filter())).toEqual(want);
  });

  it("the first page of a rare status is the newest rows, with a cursor to the rest", async () => {
    const want = expected({ status: "failed" });
    expect(want.length).toBe(30);
    const first = await listDeliveries(userId, { status: "failed", limit: 10 });
    expect(first.data.map((row) => row.id)).toEqual(want.slice(0, 10));
    expect(first.nextCursor).toBe(want[9]);
    const second = await listDeliveries(userId, { status: "failed", limit: 10, cursor: first.nextCursor! });
    expect(second.data.map((row) => row.id)).toEqual(want.slice(10, 20));
  });
});
