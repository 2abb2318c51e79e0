/**
 * SPEC §12 consumers over real HTTP against the built server (its worker running): the CRUD of
 * `/api/v1/consumers`, endpoints belonging to a consumer, and targeted fan-out, checked by what
 * real receivers get: an event for a consumer reaches only that consumer's matching endpoints,
 * an event without one only the account-level endpoints, and nothing crosses accounts.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are JSON whose shape is asserted */
import { beforeAll, describe, expect, it } from "vitest";
import { expectProblem, newApiClient, startApiServer, stopServersAfterAll } from "../helpers/api-client";
import { setUpReceivers, waitFor, type Receiver } from "../helpers/receiver";

stopServersAfterAll();

const startReceiver = setUpReceivers("all");
let origin = "";
const QUOTA = 4;

beforeAll(async () => {
  origin = (await startApiServer({ HOOKLINE_MAX_CONSUMERS: String(QUOTA) })).origin;
}, 120_000);

describe("/api/v1/consumers", () => {
  it("creates, lists, reads, renames and deletes consumers by uid, refusing a taken or malformed uid", async () => {
    const { api } = await newApiClient(origin, "consumers-crud");
    const created = await api.post("/api/v1/consumers", { uid: "acme-corp", name: "Acme Corp" });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toEqual({ uid: "acme-corp", name: "Acme Corp", createdAt: expect.any(String), updatedAt: expect.any(String) });
    await api.post("/api/v1/consumers", { uid: "beta_2", name: "Beta" });
    await api.post("/api/v1/consumers", { uid: "Zed.co", name: "Zed" });

    expectProblem(await api.post("/api/v1/consumers", { uid: "acme-corp", name: "Again" }), 409);
    for (const uid of ["", "has space", "slash/x", "..", "x".repeat(129)]) {
      const refused = await api.post("/api/v1/consumers", { uid, name: "Bad" });
      expectProblem(refused, 422);
      expect(Object.keys(refused.body.errors)).toEqual(["uid"]);
    }
    expectProblem(await api.post("/api/v1/consumers", { uid: "no-name" }), 422);

    const first = await api.get("/api/v1/consumers?limit=2");
    expect(first.body.data.map((row: any) => row.uid)).toEqual(["Zed.co", "acme-corp"]);
    const second = await api.get(`/api/v1/consumers?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body).toEqual({ data: [expect.objectContaining({ uid: "beta_2" })], nextCursor: null });

    expect((await api.get("/api/v1/consumers/acme-corp")).body.name).toBe("Acme Corp");
    const renamed = await api.patch("/api/v1/consumers/acme-corp", { name: "Acme Corporation" });
    expect(renamed.body).toMatchObject({ uid: "acme-corp", name: "Acme Corporation" });
    expectProblem(await api.patch("/api/v1/consumers/acme-corp", { uid: "other" }), 422);

    // Another account sees none of them.
    const { api: other } = await newApiClient(origin, "consumers-other");
    expectProblem(await other.get("/api/v1/consumers/acme-corp"), 404);
    expectProblem(await other.delete("/api/v1/consumers/acme-corp"), 404);
    expect((await other.get("/api/v1/consumers")).body.data).toEqual([]);

    expect((await api.delete("/api/v1/consumers/acme-corp")).status).toBe(204);
    expectProblem(await api.get("/api/v1/consumers/acme-corp"), 404);
    expectProblem(await api.delete("/api/v1/consumers/acme-corp"), 404);
  });

  it("puts endpoints under a consumer by uid, refuses an unknown one by field, and deletes them with it", async () => {
    const { api } = await newApiClient(origin, "consumers-endpoints");
    await api.post("/api/v1/consumers", { uid: "acme", name: "Acme" });
    const owned = await api.post("/api/v1/endpoints", { name: "Acme hook", url: "https://hooks.example.com/acme", consumer: "acme" });
    expect(owned.status, owned.text).toBe(201);
    expect(owned.body.consumer).toBe("acme");
    const own = await api.post("/api/v1/endpoints", { name: "Ours", url: "https://hooks.example.com/ours" });
    expect(own.body.consumer).toBeNull();

    const unknown = await api.post("/api/v1/endpoints", { name: "X", url: "https://hooks.example.com/x", consumer: "nobody" });
    expectProblem(unknown, 422);
    expect(unknown.body.errors).toEqual({ consumer: [expect.stringContaining("nobody")] });
    // Another account's consumer is unknown here too.
    const { api: other } = await newApiClient(origin, "consumers-endpoints-other");
    expectProblem(await other.post("/api/v1/endpoints", { name: "X", url: "https://hooks.example.com/x", consumer: "acme" }), 422);

    const moved = await api.patch(`/api/v1/endpoints/${own.body.id}`, { consumer: "acme" });
    expect(moved.body.consumer).toBe("acme");
    const back = await api.patch(`/api/v1/endpoints/${own.body.id}`, { consumer: null });
    expect(back.body.consumer).toBeNull();

    expect((await api.delete("/api/v1/consumers/acme")).status).toBe(204);
    expectProblem(await api.get(`/api/v1/endpoints/${owned.body.id}`), 404);
    expect((await api.get(`/api/v1/endpoints/${own.body.id}`)).status).toBe(200);
  });
});

describe("the consumer quota", () => {
  it(`caps an account at HOOKLINE_MAX_CONSUMERS (${QUOTA}) with a 403 that says how to make room`, async () => {
    const { api } = await newApiClient(origin, "consumers-quota");
    for (let index = 0; index < QUOTA; index++) expect((await api.post("/api/v1/consumers", { uid: `c${index}`, name: "C" })).status).toBe(201);
    const refused = await api.post("/api/v1/consumers", { uid: "one-more", name: "C" });
    expectProblem(refused, 403);
    expect(refused.body.detail).toMatch(/HOOKLINE_MAX_CONSUMERS/);
    // Deleting one makes room again.
    expect((await api.delete("/api/v1/consumers/c0")).status).toBe(204);
    expect((await api.post("/api/v1/consumers", { uid: "one-more", name: "C" })).status).toBe(201);
  });
});

describe("targeted fan-out", () => {
  it("sends a consumer's event to that consumer's matching endpoints only, and an event without one to the account's", async () => {
    const { api } = await newApiClient(origin, "consumers-fan-out");
    await api.post("/api/v1/consumers", { uid: "one", name: "One" });
    await api.post("/api/v1/consumers", { uid: "two", name: "Two" });
    const receivers: Record<string, Receiver> = {};
    const add = async (name: string, consumer?: string, eventTypes?: string[]) => {
      receivers[name] = await startReceiver([{ status: 200 }]);
      const response = await api.post("/api/v1/endpoints", { name, url: `${receivers[name].url}hooks`, ...(consumer ? { consumer } : {}), ...(eventTypes ? { eventTypes } : {}) });
      expect(response.status, response.text).toBe(201);
    };
    await add("account");
    await add("one-all", "one");
    await add("one-orders", "one", ["order.*"]);
    await add("two-all", "two");

    const send = async (body: Record<string, unknown>) => {
      const response = await api.post("/api/v1/events", body);
      expect(response.status, response.text).toBe(202);
      return response.body;
    };
    const forAccount = await send({ type: "order.created", data: { n: 1 } });
    expect(forAccount.deliveries).toBe(1);
    expect(forAccount).not.toHaveProperty("consumer");
    const forOne = await send({ type: "order.created", data: { n: 2 }, consumer: "one" });
    expect(forOne).toMatchObject({ deliveries: 2, consumer: "one" });
    const forOneOther = await send({ type: "invoice.paid", data: { n: 3 }, consumer: "one" });
    expect(forOneOther.deliveries).toBe(1);
    const forTwo = await send({ type: "order.created", data: { n: 4 }, consumer: "two" });
    expect(forTwo.deliveries).toBe(1);
    expect((await api.get(`/api/v1/events/${forOne.id}`)).body.consumer).toBe("one");

    const unknown = await api.post("/api/v1/events", { type: "order.created", data: {}, consumer: "three" });
    expectProblem(unknown, 422);
    expect(Object.keys(unknown.body.errors)).toEqual(["consumer"]);

    const idsAt = (name: string) => receivers[name].requests.map((request) => request.headers["webhook-id"]).sort();
    await waitFor(() => Object.values(receivers).reduce((total, receiver) => total + receiver.requests.length, 0) >= 5, { what: "the five deliveries" });
    expect(idsAt("account")).toEqual([forAccount.id]);
    expect(idsAt("one-all")).toEqual([forOne.id, forOneOther.id].sort());
    expect(idsAt("one-orders")).toEqual([forOne.id]);
    expect(idsAt("two-all")).toEqual([forTwo.id]);

    // The delivery log by consumer: its endpoints' deliveries only, with search and status too.
    const eventsIn = async (query: string) => (await api.get(`/api/v1/deliveries?${query}`)).body.data.map((row: any) => row.eventId).sort();
    expect(await eventsIn("consumer=one")).toEqual([forOne.id, forOne.id, forOneOther.id].sort());
    expect(await eventsIn("consumer=two")).toEqual([forTwo.id]);
    expect(await eventsIn("consumer=one&q=invoice.paid")).toEqual([forOneOther.id]);
    expect(await eventsIn("consumer=one&status=failed")).toEqual([]);
    expect(await eventsIn("consumer=nobody")).toEqual([]);
  });
});
