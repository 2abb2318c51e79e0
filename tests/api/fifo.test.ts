/**
 * SPEC §11 FIFO endpoints over real HTTP against the built server (its worker running): the
 * endpoint's `ordering` and the event's `orderingKey` in requests and responses, their
 * validation (422 naming the field), and a waiting delivery's `waitingBehind` until the one
 * before it is answered; then both arrive, in order.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { expectProblem, newApiClient, startApiServer, stopServersAfterAll } from "../helpers/api-client";
import { setUpReceivers, waitFor } from "../helpers/receiver";

stopServersAfterAll();

const startReceiver = setUpReceivers("all");
let origin = "";

beforeAll(async () => {
  origin = (await startApiServer()).origin;
}, 120_000);

describe("FIFO endpoints over the API", () => {
  it("takes ordering on endpoints and orderingKey on events, and refuses bad values by field", async () => {
    const { api } = await newApiClient(origin, "fifo-fields");
    const created = await api.post("/api/v1/endpoints", { name: "Ordered", url: "https://hooks.example.com/o", ordering: "fifo" });
    expect(created.status, created.text).toBe(201);
    expect(created.body.ordering).toBe("fifo");
    const plain = await api.post("/api/v1/endpoints", { name: "Plain", url: "https://hooks.example.com/p" });
    expect(plain.body.ordering).toBe("unordered");

    const bad = await api.post("/api/v1/endpoints", { name: "Bad", url: "https://hooks.example.com/b", ordering: "sideways" });
    expectProblem(bad, 422);
    expect(bad.body.errors.ordering).toEqual([expect.stringContaining("fifo")]);
    const patched = await api.patch(`/api/v1/endpoints/${plain.body.id}`, { ordering: "fifo" });
    expect(patched.body.ordering).toBe("fifo");
    expect((await api.get(`/api/v1/endpoints/${plain.body.id}`)).body.ordering).toBe("fifo");

    const event = await api.post("/api/v1/events", { type: "order.updated", data: { n: 1 }, orderingKey: "customer-42" });
    expect(event.status, event.text).toBe(202);
    expect(event.body).toMatchObject({ orderingKey: "customer-42", deliveries: 2 });
    expect((await api.get(`/api/v1/events/${event.body.id}`)).body.orderingKey).toBe("customer-42");
    // Without one, there is no such field.
    const keyless = await api.post("/api/v1/events", { type: "order.updated", data: { n: 2 } });
    expect(keyless.body).not.toHaveProperty("orderingKey");

    for (const orderingKey of ["x".repeat(129), "", 42, "line\nbreak"]) {
      const refused = await api.post("/api/v1/events", { type: "order.updated", data: {}, orderingKey });
      expectProblem(refused, 422);
      expect(Object.keys(refused.body.errors)).toEqual(["orderingKey"]);
    }
    expect((await api.post("/api/v1/events", { type: "order.updated", data: {}, orderingKey: "k".repeat(128) })).status).toBe(202);
  });

  it("shows what a waiting delivery waits behind, and delivers the key in order once the first is answered", async () => {
    const receiver = await startReceiver(["hang", { status: 200 }]);
    const { api } = await newApiClient(origin, "fifo-wait");
    const endpoint = await api.post("/api/v1/endpoints", { name: "Ordered", url: `${receiver.url}hooks`, ordering: "fifo" });
    const first = await api.post("/api/v1/events", { type: "order.updated", data: { n: 1 }, orderingKey: "customer-7" });
    const second = await api.post("/api/v1/events", { type: "order.updated", data: { n: 2 }, orderingKey: "customer-7" });
    const deliveryOf = async (eventId: string) => (await api.get(`/api/v1/deliveries?eventId=${eventId}&endpointId=${endpoint.body.id}`)).body.data[0];
    const firstDelivery = await deliveryOf(first.body.id);
    const secondDelivery = await deliveryOf(second.body.id);

    // The first is held by the receiver; the second waits behind it, with no attempt time.
    await waitFor(() => receiver.requests.length === 1, { what: "the first request" });
    const waiting = await api.get(`/api/v1/deliveries/${secondDelivery.id}`);
    expect(waiting.body).toMatchObject({ status: "pending", nextAttemptAt: null, attempts: 0 });
    expect(waiting.body.waitingBehind).toEqual({ deliveryId: firstDelivery.id, orderingKey: "customer-7", ahead: 1 });
    expect((await api.get(`/api/v1/deliveries/${firstDelivery.id}`)).body.waitingBehind).toBeNull();

    receiver.answerHanging({ status: 200 });
    await waitFor(async () => (await api.get(`/api/v1/deliveries/${secondDelivery.id}`)).body.status === "succeeded", { what: "the second delivery" });
    expect(receiver.requests.map((request) => JSON.parse(request.rawBody).data.n)).toEqual([1, 2]);
    expect((await api.get(`/api/v1/deliveries/${secondDelivery.id}`)).body.waitingBehind).toBeNull();
  });
});
