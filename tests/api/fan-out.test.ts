/**
 * SPEC §2–§3 over the REST API: an event fans out one delivery per enabled endpoint whose
 * event-type filter matches (empty = all, exact types, prefix wildcards like `order.*`).
 * Checked both by the POST response's `deliveries` count and by what real receivers get.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are JSON whose shape is asserted */
import { beforeAll, describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import { apiClient, newApiAccount, startApiServer, stopServersAfterAll, type ApiClient } from "../helpers/api-client";
import { setUpReceivers, waitFor, type Receiver } from "../helpers/receiver";

stopServersAfterAll();

const startReceiver = setUpReceivers("all");
let origin = "";

beforeAll(async () => {
  origin = (await startApiServer()).origin;
}, 120_000);

function newReceiver(): Promise<Receiver> {
  return startReceiver([{ status: 200 }]);
}

/** Every delivery of the event, once all of them have succeeded or failed. */
async function finishedDeliveries(api: ApiClient, eventId: string, expected: number): Promise<any[]> {
  return waitFor(
    async () => {
      const response = await api.get(`/api/v1/deliveries?eventId=${eventId}`);
      const deliveries: any[] = response.body.data;
      const done = deliveries.length === expected && deliveries.every((d) => d.status === "succeeded" || d.status === "failed");
      return done ? deliveries : null;
    },
    { timeoutMs: 15_000, intervalMs: 50, what: `the ${expected} deliveries of ${eventId} to finish` },
  );
}

describe("fan-out by event-type filter", () => {
  let api: ApiClient;
  const endpoints: Record<"orders" | "created" | "all", { id: string; secret: string; receiver: Receiver }> = {} as never;

  beforeAll(async () => {
    const account = await newApiAccount("fan-out");
    api = apiClient(origin, account.key);
    const filters = { orders: ["order.*"], created: ["order.created"], all: undefined };
    for (const [name, eventTypes] of Object.entries(filters) as Array<[keyof typeof filters, string[] | undefined]>) {
      const receiver = await newReceiver();
      const response = await api.post("/api/v1/endpoints", { name, url: receiver.url, ...(eventTypes ? { eventTypes } : {}) });
      expect(response.status, response.text).toBe(201);
      expect(response.body.eventTypes).toEqual(eventTypes ?? []);
      endpoints[name] = { id: response.body.id, secret: response.body.secret, receiver };
    }
  });

  /** The event ids each receiver got, in arrival order, after checking every signature. */
  function receivedIds(name: keyof typeof endpoints): string[] {
    const { receiver, secret } = endpoints[name];
    for (const request of receiver.requests) expect(() => new Webhook(secret).verify(request.rawBody, request.headers)).not.toThrow();
    return receiver.requests.map((request) => request.headers["webhook-id"]);
  }

  it("order.created reaches all three endpoints; invoice.paid only the one without a filter", async () => {
    const created = await api.post("/api/v1/events", { type: "order.created", data: { order: 1 } });
    expect(created.status, created.text).toBe(202);
    expect(created.body.deliveries).toBe(3);
    const paid = await api.post("/api/v1/events", { type: "invoice.paid", data: { invoice: 2 } });
    expect(paid.status, paid.text).toBe(202);
    expect(paid.body.deliveries).toBe(1);

    const createdDeliveries = await finishedDeliveries(api, created.body.id, 3);
    expect(createdDeliveries.map((d) => d.endpointId).sort()).toEqual([endpoints.orders.id, endpoints.created.id, endpoints.all.id].sort());
    expect(createdDeliveries.every((d) => d.status === "succeeded")).toBe(true);
    const paidDeliveries = await finishedDeliveries(api, paid.body.id, 1);
    expect(paidDeliveries.map((d) => [d.endpointId, d.status])).toEqual([[endpoints.all.id, "succeeded"]]);

    expect(receivedIds("orders")).toEqual([created.body.id]);
    expect(receivedIds("created")).toEqual([created.body.id]);
    expect(receivedIds("all").sort()).toEqual([created.body.id, paid.body.id].sort());
    const bodies = endpoints.all.receiver.requests.map((request) => JSON.parse(request.rawBody));
    expect(bodies).toContainEqual({ type: "invoice.paid", timestamp: paid.body.createdAt, data: { invoice: 2 } });
    expect(bodies).toContainEqual({ type: "order.created", timestamp: created.body.createdAt, data: { order: 1 } });
  });

  it("a wildcard matches the whole prefix, an exact filter only its type, and a disabled endpoint nothing", async () => {
    const before = Object.fromEntries(Object.entries(endpoints).map(([name, e]) => [name, e.receiver.requests.length]));

    const shipped = await api.post("/api/v1/events", { type: "order.shipped", data: {} });
    expect(shipped.body.deliveries).toBe(2);
    // `order.*` is a prefix of dotted types, not of any type starting with "order".
    const orders = await api.post("/api/v1/events", { type: "orders.archived", data: {} });
    expect(orders.body.deliveries).toBe(1);

    const shippedDeliveries = await finishedDeliveries(api, shipped.body.id, 2);
    expect(shippedDeliveries.map((d) => d.endpointId).sort()).toEqual([endpoints.orders.id, endpoints.all.id].sort());
    const ordersDeliveries = await finishedDeliveries(api, orders.body.id, 1);
    expect(ordersDeliveries.map((d) => d.endpointId)).toEqual([endpoints.all.id]);

    // Disabled by hand: no delivery for it, the others still get theirs.
    const disabled = await api.patch(`/api/v1/endpoints/${endpoints.all.id}`, { enabled: false });
    expect(disabled.status, disabled.text).toBe(200);
    expect(disabled.body.enabled).toBe(false);
    const refunded = await api.post("/api/v1/events", { type: "order.refunded", data: {} });
    expect(refunded.body.deliveries).toBe(1);
    expect((await api.post("/api/v1/events", { type: "invoice.paid", data: {} })).body.deliveries).toBe(0);
    const refundedDeliveries = await finishedDeliveries(api, refunded.body.id, 1);
    expect(refundedDeliveries.map((d) => d.endpointId)).toEqual([endpoints.orders.id]);

    expect(receivedIds("orders").slice(before.orders)).toEqual([shipped.body.id, refunded.body.id]);
    expect(receivedIds("created").slice(before.created)).toEqual([]);
    expect(receivedIds("all").slice(before.all).sort()).toEqual([shipped.body.id, orders.body.id].sort());
  });
});
