/**
 * SPEC §1 (API keys) and §6 (REST API v1), over real HTTP against the built server: every
 * route's happy path with the exact field names of the contract, every error status as
 * problem+json, cursor pagination, idempotent event replays and account isolation.
 * One server for the whole file (a second one, with a tiny rate limit, for the 429 checks).
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are JSON whose shape is asserted */
import { beforeAll, describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import { prisma } from "@/lib/db";
import { createApiKey, revokeApiKey } from "@/lib/auth/api-keys";
import { apiClient, expectProblem, newApiAccount, newApiClient, startApiServer, stopServersAfterAll, type ApiAccount, type ApiClient, type ApiResponse } from "../helpers/api-client";
import { setUpReceivers, waitFor, type Receiver } from "../helpers/receiver";

const ENDPOINT_FIELDS = ["id", "name", "url", "description", "enabled", "eventTypes", "headers", "disabledReason", "ordering", "consumer", "createdAt"].sort();
const ENDPOINT_WITH_SECRET_FIELDS = [...ENDPOINT_FIELDS, "secret"].sort();
const EVENT_FIELDS = ["id", "type", "data", "createdAt"].sort();
const DELIVERY_FIELDS = ["id", "eventId", "endpointId", "status", "attempts", "nextAttemptAt", "lastStatusCode", "lastError", "createdAt"].sort();
const SECRET_FORMAT = /^whsec_[A-Za-z0-9+/]{43}=$/;
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const UNKNOWN = { endpoint: "ep_01M8ZZZZZZZZZZZZZZZZZZZZZZ", event: "msg_01M8ZZZZZZZZZZZZZZZZZZZZZZ", delivery: "dlv_01M8ZZZZZZZZZZZZZZZZZZZZZZ" };

stopServersAfterAll();

const receiver = setUpReceivers("all");
let origin = "";

beforeAll(async () => {
  origin = (await startApiServer()).origin;
}, 120_000);

const newClient = (label: string) => newApiClient(origin, label);

/** A 422 whose `errors` names `field`. */
function expectFieldError(response: ApiResponse, field: string): void {
  expectProblem(response, 422);
  expect(Object.keys(response.body.errors ?? {}), JSON.stringify(response.body)).toContain(field);
  expect(response.body.errors[field][0]).toEqual(expect.any(String));
}

async function createEndpoint(api: ApiClient, body: Record<string, unknown>): Promise<any> {
  const response = await api.post("/api/v1/endpoints", body);
  expect(response.status, response.text).toBe(201);
  return response.body;
}

async function sendEvent(api: ApiClient, body: Record<string, unknown>, headers?: Record<string, string>): Promise<ApiResponse> {
  const response = await api.post("/api/v1/events", body, { headers });
  expect(response.status, response.text).toBe(202);
  return response;
}

async function deliveriesOf(api: ApiClient, eventId: string): Promise<any[]> {
  const response = await api.get(`/api/v1/deliveries?eventId=${eventId}`);
  expect(response.status).toBe(200);
  return response.body.data;
}

/** The delivery (via the API) once `done` holds for it. */
async function deliveryWhen(api: ApiClient, id: string, done: (delivery: any) => boolean, what: string): Promise<any> {
  return waitFor(
    async () => {
      const response = await api.get(`/api/v1/deliveries/${id}`);
      return response.status === 200 && done(response.body) ? response.body : null;
    },
    { timeoutMs: 15_000, intervalMs: 50, what },
  );
}

const finished = (api: ApiClient, id: string) =>
  deliveryWhen(api, id, (delivery) => delivery.status === "succeeded" || delivery.status === "failed", `delivery ${id} to finish`);

/** Follows nextCursor from the first page to the last, returning every page. */
async function allPages(api: ApiClient, path: string, limit: number): Promise<any[]> {
  const pages: any[] = [];
  let cursor: string | null = null;
  do {
    const separator = path.includes("?") ? "&" : "?";
    const response: ApiResponse = await api.get(`${path}${separator}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    expect(response.status, response.text).toBe(200);
    expect(Object.keys(response.body).sort()).toEqual(["data", "nextCursor"]);
    pages.push(response.body);
    cursor = response.body.nextCursor;
    expect(pages.length, "pagination does not end").toBeLessThan(20);
  } while (cursor !== null);
  return pages;
}

describe("endpoints", () => {
  let api: ApiClient;

  beforeAll(async () => {
    ({ api } = await newClient("endpoints"));
  });

  it("POST creates an endpoint: 201 with exactly the contract's fields and a whsec_ secret", async () => {
    const before = Date.now();
    const response = await api.post("/api/v1/endpoints", {
      name: "Orders",
      url: "https://hooks.example.com/orders",
      description: "Order events for the warehouse",
      eventTypes: ["order.*", "invoice.paid"],
      headers: { "X-Tenant": "acme" },
    });
    expect(response.status, response.text).toBe(201);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    const endpoint = response.body;
    expect(Object.keys(endpoint).sort()).toEqual(ENDPOINT_WITH_SECRET_FIELDS);
    expect(endpoint).toEqual({
      id: expect.stringMatching(/^ep_[0-9A-Z]{26}$/),
      name: "Orders",
      url: "https://hooks.example.com/orders",
      description: "Order events for the warehouse",
      enabled: true,
      eventTypes: ["order.*", "invoice.paid"],
      headers: { "X-Tenant": "acme" },
      secret: expect.stringMatching(SECRET_FORMAT),
      disabledReason: null,
      ordering: "unordered",
      consumer: null,
      createdAt: expect.stringMatching(ISO_TIME),
    });
    expect(Buffer.from(endpoint.secret.slice("whsec_".length), "base64")).toHaveLength(32);
    expect(Date.parse(endpoint.createdAt)).toBeGreaterThanOrEqual(before - 1000);

    // Read back: the same endpoint, without the secret (only create/rotate reveal it).
    const read = await api.get(`/api/v1/endpoints/${endpoint.id}`);
    expect(read.status).toBe(200);
    expect(Object.keys(read.body).sort()).toEqual(ENDPOINT_FIELDS);
    expect(read.body).toEqual({ ...endpoint, secret: undefined });
    expect(read.body).not.toHaveProperty("secret");
    // Every endpoint gets its own secret.
    const other = await createEndpoint(api, { name: "Other", url: "https://hooks.example.com/other" });
    expect(other.secret).toMatch(SECRET_FORMAT);
    expect(other.secret).not.toBe(endpoint.secret);
  });

  it("accepts the classic body {name, destination} (destination is an alias of url), with defaults", async () => {
    const response = await api.post("/api/v1/endpoints", { name: "joe", destination: "https://joe.example.com/webhook" });
    expect(response.status, response.text).toBe(201);
    expect(Object.keys(response.body).sort()).toEqual(ENDPOINT_WITH_SECRET_FIELDS);
    expect(response.body).toMatchObject({
      name: "joe",
      url: "https://joe.example.com/webhook",
      description: "",
      enabled: true,
      eventTypes: [],
      headers: {},
      disabledReason: null,
      ordering: "unordered",
      consumer: null,
    });
    expect(response.body).not.toHaveProperty("destination");
  });

  it("GET lists the account's endpoints newest first; GET /{id} reads one", async () => {
    const { api: own } = await newClient("list");
    const first = await createEndpoint(own, { name: "First", url: "https://a.example.com/" });
    const second = await createEndpoint(own, { name: "Second", url: "https://b.example.com/" });
    const list = await own.get("/api/v1/endpoints");
    expect(list.status).toBe(200);
    expect(list.body.nextCursor).toBeNull();
    expect(list.body.data.map((e: any) => e.id)).toEqual([second.id, first.id]);
    for (const item of list.body.data) expect(Object.keys(item).sort()).toEqual(ENDPOINT_FIELDS);
    expect(JSON.stringify(list.body)).not.toContain(first.secret);

    const one = await own.get(`/api/v1/endpoints/${first.id}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: first.id, name: "First", url: "https://a.example.com/" });
  });

  it("PATCH changes the given fields only, including enabled on its own", async () => {
    const endpoint = await createEndpoint(api, { name: "Patch me", url: "https://patch.example.com/", eventTypes: ["a.b"] });

    const renamed = await api.patch(`/api/v1/endpoints/${endpoint.id}`, {
      name: "Patched",
      url: "https://patched.example.com/hook",
      description: "now described",
      eventTypes: ["order.*"],
      headers: { "X-Env": "test" },
    });
    expect(renamed.status, renamed.text).toBe(200);
    expect(Object.keys(renamed.body).sort()).toEqual(ENDPOINT_FIELDS);
    expect(renamed.body).toEqual({
      ...endpoint,
      secret: undefined,
      name: "Patched",
      url: "https://patched.example.com/hook",
      description: "now described",
      eventTypes: ["order.*"],
      headers: { "X-Env": "test" },
    });

    // Only `enabled`: the commonest update (disable / enable by hand).
    const disabled = await api.patch(`/api/v1/endpoints/${endpoint.id}`, { enabled: false });
    expect(disabled.status, disabled.text).toBe(200);
    expect(disabled.body).toMatchObject({ enabled: false, name: "Patched", eventTypes: ["order.*"] });
    expect((await api.get(`/api/v1/endpoints/${endpoint.id}`)).body.enabled).toBe(false);

    const enabled = await api.patch(`/api/v1/endpoints/${endpoint.id}`, { enabled: true, name: "Back on" });
    expect(enabled.status, enabled.text).toBe(200);
    expect(enabled.body).toMatchObject({ enabled: true, name: "Back on", disabledReason: null });

    // An empty patch changes nothing and is not an error.
    const unchanged = await api.patch(`/api/v1/endpoints/${endpoint.id}`, {});
    expect(unchanged.status, unchanged.text).toBe(200);
    expect(unchanged.body).toEqual(enabled.body);
  });

  it("DELETE answers 204, then the endpoint is gone: 404 on every route, absent from the list", async () => {
    const { api } = await newClient("delete");
    const target = await receiver();
    const endpoint = await createEndpoint(api, { name: "Delete me", url: target.url });
    const event = (await sendEvent(api, { type: "order.created", data: {} })).body;
    const [delivery] = await deliveriesOf(api, event.id);
    await finished(api, delivery.id);

    const deleted = await api.delete(`/api/v1/endpoints/${endpoint.id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe("");

    expectProblem(await api.get(`/api/v1/endpoints/${endpoint.id}`), 404);
    expectProblem(await api.delete(`/api/v1/endpoints/${endpoint.id}`), 404);
    expectProblem(await api.patch(`/api/v1/endpoints/${endpoint.id}`, { name: "zombie" }), 404);
    expectProblem(await api.post(`/api/v1/endpoints/${endpoint.id}/rotate-secret`), 404);
    expectProblem(await api.post(`/api/v1/endpoints/${endpoint.id}/test`), 404);
    const list = await api.get("/api/v1/endpoints?limit=200");
    expect(list.body.data.map((e: any) => e.id)).not.toContain(endpoint.id);
    // Its history stays readable in the log.
    expect((await api.get(`/api/v1/deliveries/${delivery.id}`)).body).toMatchObject({ endpointId: endpoint.id, status: "succeeded" });
    expect((await api.get(`/api/v1/deliveries?endpointId=${endpoint.id}`)).body.data.map((d: any) => d.id)).toEqual([delivery.id]);
    // And new events no longer go to it.
    expect((await sendEvent(api, { type: "order.created", data: {} })).body.deliveries).toBe(0);
  });

  it("rotate-secret returns a new secret and when the previous one stops signing", async () => {
    const endpoint = await createEndpoint(api, { name: "Rotate", url: "https://rotate.example.com/" });
    const before = Date.now();
    const rotated = await api.post(`/api/v1/endpoints/${endpoint.id}/rotate-secret`);
    expect(rotated.status, rotated.text).toBe(200);
    expect(Object.keys(rotated.body).sort()).toEqual([...ENDPOINT_WITH_SECRET_FIELDS, "previousSecretExpiresAt"].sort());
    expect(rotated.body.secret).toMatch(SECRET_FORMAT);
    expect(rotated.body.secret).not.toBe(endpoint.secret);
    expect(rotated.body).toMatchObject({ id: endpoint.id, name: "Rotate", url: endpoint.url, enabled: true });
    // The old secret keeps signing for 24 h from the rotation.
    const expires = Date.parse(rotated.body.previousSecretExpiresAt);
    expect(rotated.body.previousSecretExpiresAt).toMatch(ISO_TIME);
    expect(expires).toBeGreaterThanOrEqual(before + 24 * 3600_000 - 1000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 24 * 3600_000 + 1000);

    const stored = await prisma.endpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    expect(stored.secret).toBe(rotated.body.secret);
    expect(stored.previousSecret).toBe(endpoint.secret);

    const again = await api.post(`/api/v1/endpoints/${endpoint.id}/rotate-secret`);
    expect(again.status).toBe(200);
    expect(again.body.secret).not.toBe(rotated.body.secret);
  });

  it("test sends a signed webhook.test event to this endpoint only (202), and 409 when it is disabled", async () => {
    const { api: own } = await newClient("test-event");
    const target = await receiver();
    const bystander = await receiver();
    const endpoint = await createEndpoint(own, { name: "Tester", url: target.url });
    await createEndpoint(own, { name: "Bystander", url: bystander.url });

    const before = Date.now();
    const response = await own.post(`/api/v1/endpoints/${endpoint.id}/test`);
    expect(response.status, response.text).toBe(202);
    const event = response.body;
    expect(event).toMatchObject({
      id: expect.stringMatching(/^msg_[0-9A-Z]{26}$/),
      type: "webhook.test",
      createdAt: expect.stringMatching(ISO_TIME),
      deliveries: 1,
    });
    expect(event.data.message).toMatch(/^Hello Tester, current time is \d{4}-\d\d-\d\dT/);
    expect(Date.parse(event.data.message.split("current time is ")[1])).toBeGreaterThanOrEqual(before - 1000);

    await waitFor(() => target.requests.length === 1, { what: "the test event to arrive" });
    const received = target.requests[0];
    expect(received.method).toBe("POST");
    expect(received.headers["webhook-id"]).toBe(event.id);
    expect(JSON.parse(received.rawBody)).toEqual({ type: "webhook.test", timestamp: event.createdAt, data: event.data });
    expect(() => new Webhook(endpoint.secret).verify(received.rawBody, received.headers)).not.toThrow();
    const [delivery] = await deliveriesOf(own, event.id);
    expect((await finished(own, delivery.id)).status).toBe("succeeded");
    expect(bystander.requests).toHaveLength(0);

    // Disabled: refused, and no event is left behind.
    expect((await own.patch(`/api/v1/endpoints/${endpoint.id}`, { enabled: false })).status).toBe(200);
    const eventsBefore = (await own.get("/api/v1/events")).body.data.length;
    expectProblem(await own.post(`/api/v1/endpoints/${endpoint.id}/test`), 409);
    expect((await own.get("/api/v1/events")).body.data.length).toBe(eventsBefore);
    expect(target.requests).toHaveLength(1);
  });

  it("recover re-queues the endpoint's failed deliveries since a time: {recovered: n}", async () => {
    const { api: own } = await newClient("recover");
    const target = await receiver([{ status: 500, body: "down" }]);
    const endpoint = await createEndpoint(own, { name: "Flaky", url: target.url });
    const since = new Date(Date.now() - 60_000).toISOString();
    const event = (await sendEvent(own, { type: "order.created", data: { order: 1 } })).body;
    const [delivery] = await deliveriesOf(own, event.id);
    const failed = await finished(own, delivery.id);
    expect(failed).toMatchObject({ status: "failed", lastStatusCode: 500 });
    const attemptsWhenFailed = failed.attempts;
    const requestsWhenFailed = target.requests.length;
    expect(requestsWhenFailed).toBe(attemptsWhenFailed);

    // Nothing failed after a time in the future.
    const none = await own.post(`/api/v1/endpoints/${endpoint.id}/recover`, { since: new Date(Date.now() + 60_000).toISOString() });
    expect(none.status, none.text).toBe(202);
    expect(none.body).toEqual({ recovered: 0 });
    expect((await own.get(`/api/v1/deliveries/${delivery.id}`)).body.status).toBe("failed");

    target.setScript([{ status: 200 }]);
    const recovered = await own.post(`/api/v1/endpoints/${endpoint.id}/recover`, { since });
    expect(recovered.status, recovered.text).toBe(202);
    expect(recovered.body).toEqual({ recovered: 1 });
    const done = await deliveryWhen(own, delivery.id, (d) => d.status === "succeeded", "the recovered delivery to succeed");
    expect(done.attempts).toBe(attemptsWhenFailed + 1);
    expect(target.requests).toHaveLength(requestsWhenFailed + 1);
    expect(target.requests.at(-1)!.headers["webhook-id"]).toBe(event.id);
  });
});

describe("events", () => {
  let api: ApiClient;
  let endpointId: string;

  beforeAll(async () => {
    ({ api } = await newClient("events"));
    const target = await receiver();
    endpointId = (await createEndpoint(api, { name: "Sink", url: target.url, eventTypes: ["order.*"] })).id;
  });

  it("POST accepts an event: 202 {id, type, createdAt, deliveries}, one delivery per matching endpoint", async () => {
    const before = Date.now();
    const response = await sendEvent(api, { type: "order.created", data: { order: 42, items: ["a", "b"] } });
    expect(response.headers.get("idempotent-replayed")).toBeNull();
    expect(response.body).toMatchObject({
      id: expect.stringMatching(/^msg_[0-9A-Z]{26}$/),
      type: "order.created",
      createdAt: expect.stringMatching(ISO_TIME),
      deliveries: 1,
    });
    expect(Date.parse(response.body.createdAt)).toBeGreaterThanOrEqual(before - 1000);
    const deliveries = await deliveriesOf(api, response.body.id);
    expect(deliveries.map((d) => d.endpointId)).toEqual([endpointId]);

    // Filtered out: accepted, but nothing to deliver.
    const unmatched = await sendEvent(api, { type: "invoice.paid", data: {} });
    expect(unmatched.body.deliveries).toBe(0);
    expect(await deliveriesOf(api, unmatched.body.id)).toEqual([]);
  });

  it("accepts any JSON value as data, and data of exactly 256 KiB", async () => {
    for (const data of [null, 7, "text", [1, { a: true }], { nested: { deep: [null] } }]) {
      const response = await sendEvent(api, { type: "misc.value", data });
      expect((await api.get(`/api/v1/events/${response.body.id}`)).body.data).toEqual(data);
    }
    const exactly = "x".repeat(256 * 1024 - 2); // 256 KiB of JSON with its quotes
    const big = await sendEvent(api, { type: "misc.big", data: exactly });
    expect((await api.get(`/api/v1/events/${big.body.id}`)).body.data).toBe(exactly);
  });

  it("GET lists events newest first, filters by type, and GET /{id} reads one with its data", async () => {
    const { api: own } = await newClient("event-list");
    const first = (await sendEvent(own, { type: "user.signed_up", data: { user: 1 } })).body;
    const second = (await sendEvent(own, { type: "order.created", data: { order: 2 } })).body;

    const list = await own.get("/api/v1/events");
    expect(list.status).toBe(200);
    expect(list.body).toEqual({
      data: [
        { id: second.id, type: "order.created", data: { order: 2 }, createdAt: second.createdAt },
        { id: first.id, type: "user.signed_up", data: { user: 1 }, createdAt: first.createdAt },
      ],
      nextCursor: null,
    });
    const byType = await own.get("/api/v1/events?type=user.signed_up");
    expect(byType.body.data.map((e: any) => e.id)).toEqual([first.id]);

    const one = await own.get(`/api/v1/events/${first.id}`);
    expect(one.status).toBe(200);
    expect(Object.keys(one.body).sort()).toEqual(EVENT_FIELDS);
    expect(one.body).toEqual({ id: first.id, type: "user.signed_up", data: { user: 1 }, createdAt: first.createdAt });
  });
});

describe("deliveries", () => {
  let api: ApiClient;
  let good: any;
  let bad: any;
  let early: any;
  let late: any;

  beforeAll(async () => {
    ({ api } = await newClient("deliveries"));
    const ok = await receiver([{ status: 200, body: "thanks" }]);
    const failing = await receiver([{ status: 500, body: "nope" }]);
    good = await createEndpoint(api, { name: "Good", url: ok.url });
    bad = await createEndpoint(api, { name: "Bad", url: failing.url });
    early = (await sendEvent(api, { type: "order.created", data: { n: 1 } })).body;
    // Distinct creation times, so since/until can split the two events.
    await new Promise((resolve) => setTimeout(resolve, 20));
    late = (await sendEvent(api, { type: "order.updated", data: { n: 2 } })).body;
    expect(Date.parse(late.createdAt)).toBeGreaterThan(Date.parse(early.createdAt));
    for (const event of [early, late]) for (const delivery of await deliveriesOf(api, event.id)) await finished(api, delivery.id);
  }, 60_000);

  it("GET lists every delivery newest first with exactly the contract's fields", async () => {
    const list = await api.get("/api/v1/deliveries");
    expect(list.status).toBe(200);
    expect(list.body.nextCursor).toBeNull();
    expect(list.body.data).toHaveLength(4);
    for (const delivery of list.body.data) {
      expect(Object.keys(delivery).sort()).toEqual(DELIVERY_FIELDS);
      expect(delivery.id).toMatch(/^dlv_[0-9A-Z]{26}$/);
    }
    const ids = list.body.data.map((d: any) => d.id);
    expect(ids).toEqual([...ids].sort().reverse());
    expect(list.body.data.slice(0, 2).map((d: any) => d.eventId)).toEqual([late.id, late.id]);
  });

  it("filters by endpointId, eventId, status, since and until (and their combinations)", async () => {
    const ids = async (query: string) => {
      const response = await api.get(`/api/v1/deliveries?${query}`);
      expect(response.status, response.text).toBe(200);
      return response.body.data as any[];
    };
    const toGood = await ids(`endpointId=${good.id}`);
    expect(toGood).toHaveLength(2);
    expect(toGood.every((d) => d.endpointId === good.id && d.status === "succeeded" && d.lastStatusCode === 200)).toBe(true);

    const ofEarly = await ids(`eventId=${early.id}`);
    expect(ofEarly.map((d) => d.endpointId).sort()).toEqual([good.id, bad.id].sort());

    const failed = await ids("status=failed");
    expect(failed).toHaveLength(2);
    expect(failed.every((d) => d.endpointId === bad.id && d.lastStatusCode === 500 && d.nextAttemptAt === null)).toBe(true);
    expect((await ids("status=succeeded")).every((d) => d.endpointId === good.id)).toBe(true);
    expect(await ids("status=pending")).toEqual([]);

    // since is inclusive, until exclusive, both on the delivery's creation time.
    const sinceLate = await ids(`since=${encodeURIComponent(late.createdAt)}`);
    expect(sinceLate.map((d) => d.eventId)).toEqual([late.id, late.id]);
    const untilLate = await ids(`until=${encodeURIComponent(late.createdAt)}`);
    expect(untilLate.map((d) => d.eventId)).toEqual([early.id, early.id]);
    expect(await ids(`since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).toEqual([]);

    const combined = await ids(`endpointId=${bad.id}&status=failed&since=${encodeURIComponent(late.createdAt)}`);
    expect(combined.map((d) => [d.endpointId, d.eventId])).toEqual([[bad.id, late.id]]);
  });

  it("GET /{id} returns the delivery with its attempts (all of them, when fewer than a page)", async () => {
    const [delivery] = (await api.get(`/api/v1/deliveries?endpointId=${good.id}&eventId=${early.id}`)).body.data;
    const response = await api.get(`/api/v1/deliveries/${delivery.id}`);
    expect(response.status).toBe(200);
    expect(Object.keys(response.body).sort()).toEqual([...DELIVERY_FIELDS, "attemptLog", "earlierAttempts", "waitingBehind"].sort());
    expect(response.body).toMatchObject({ ...delivery, status: "succeeded", attempts: 1, earlierAttempts: 0 });
    expect(response.body.attemptLog).toEqual([
      {
        id: expect.stringMatching(/^att_/),
        number: 1,
        startedAt: expect.stringMatching(ISO_TIME),
        durationMs: expect.any(Number),
        requestHeaders: expect.objectContaining({ "webhook-id": early.id, "content-type": "application/json" }),
        responseStatus: 200,
        responseHeaders: expect.any(Object),
        responseBody: "thanks",
        error: null,
      },
    ]);

    const [failed] = (await api.get(`/api/v1/deliveries?endpointId=${bad.id}&eventId=${early.id}`)).body.data;
    const failedDetail = (await api.get(`/api/v1/deliveries/${failed.id}`)).body;
    expect(failedDetail.attemptLog.length).toBe(failedDetail.attempts);
    expect(failedDetail.attemptLog.map((a: any) => a.number)).toEqual(failedDetail.attemptLog.map((_: unknown, i: number) => i + 1));
    expect(failedDetail.attemptLog.every((a: any) => a.responseStatus === 500 && a.responseBody === "nope")).toBe(true);
  });

  it("retry replays a finished delivery (202) and refuses one still pending (409)", async () => {
    const target = await receiver([{ status: 200 }]);
    const { api: own } = await newClient("retry");
    const endpoint = await createEndpoint(own, { name: "Replay", url: target.url });
    const event = (await sendEvent(own, { type: "order.created", data: { n: 3 } })).body;
    const [delivery] = await deliveriesOf(own, event.id);
    expect((await finished(own, delivery.id)).status).toBe("succeeded");
    expect(target.requests).toHaveLength(1);

    const retried = await own.post(`/api/v1/deliveries/${delivery.id}/retry`);
    expect(retried.status, retried.text).toBe(202);
    expect(Object.keys(retried.body).sort()).toEqual(DELIVERY_FIELDS);
    expect(retried.body).toMatchObject({ id: delivery.id, eventId: event.id, endpointId: endpoint.id });
    expect(["pending", "delivering"]).toContain(retried.body.status);
    const replayed = await deliveryWhen(own, delivery.id, (d) => d.status === "succeeded" && d.attempts === 2, "the replay to succeed");
    expect(replayed.attemptLog).toHaveLength(2);
    expect(target.requests).toHaveLength(2);
    expect(target.requests[1].headers["webhook-id"]).toBe(event.id);

    // A receiver asking to be called back in an hour leaves the delivery pending.
    target.setScript([{ status: 503, headers: { "retry-after": "3600" } }]);
    const waiting = (await sendEvent(own, { type: "order.created", data: { n: 4 } })).body;
    const [pending] = await deliveriesOf(own, waiting.id);
    const held = await deliveryWhen(own, pending.id, (d) => d.status === "pending" && d.attempts === 1, "the delivery to wait for its retry");
    expect(held.lastStatusCode).toBe(503);
    expectProblem(await own.post(`/api/v1/deliveries/${pending.id}/retry`), 409);
    const after = (await own.get(`/api/v1/deliveries/${pending.id}`)).body;
    expect(after).toMatchObject({ status: "pending", attempts: 1, nextAttemptAt: held.nextAttemptAt });
  });

  it("retry and recover of a deleted endpoint's deliveries answer 409 and leave them failed", async () => {
    const target = await receiver([{ status: 500 }]);
    const { api: own } = await newClient("deleted-retry");
    const endpoint = await createEndpoint(own, { name: "Soon deleted", url: target.url });
    const event = (await sendEvent(own, { type: "order.created", data: { n: 5 } })).body;
    const [delivery] = await deliveriesOf(own, event.id);
    const before = await finished(own, delivery.id);
    expect(before.status).toBe("failed");
    expect((await own.delete(`/api/v1/endpoints/${endpoint.id}`)).status).toBe(204);

    const retried = await own.post(`/api/v1/deliveries/${delivery.id}/retry`);
    expectProblem(retried, 409);
    expect(retried.body.detail).toMatch(/deleted/);
    const recovered = await own.post(`/api/v1/endpoints/${endpoint.id}/recover`, { since: "2020-01-01T00:00:00Z" });
    expectProblem(recovered, 409);
    const after = (await own.get(`/api/v1/deliveries/${delivery.id}`)).body;
    expect(after).toMatchObject({ status: "failed", attempts: before.attempts, nextAttemptAt: null });
  });
});

describe("errors are problem+json", () => {
  let api: ApiClient;
  let account: ApiAccount;
  let endpoint: any;

  beforeAll(async () => {
    ({ api, ...account } = await newClient("errors"));
    endpoint = await createEndpoint(api, { name: "Errors", url: "https://errors.example.com/" });
  });

  it("400 for a body that is not JSON", async () => {
    const malformed = { raw: '{"name": "joe", ', headers: { "content-type": "application/json" } };
    expectProblem(await api.call("POST", "/api/v1/endpoints", malformed), 400);
    expectProblem(await api.call("PATCH", `/api/v1/endpoints/${endpoint.id}`, malformed), 400);
    expectProblem(await api.call("POST", `/api/v1/endpoints/${endpoint.id}/recover`, malformed), 400);
    expectProblem(await api.call("POST", "/api/v1/events", { ...malformed, raw: "{type: order.created}" }), 400);
    expectProblem(await api.call("POST", "/api/v1/events", { ...malformed, raw: "" }), 400);
    expect((await api.get(`/api/v1/endpoints/${endpoint.id}`)).body.name).toBe("Errors");
  });

  it("401 without a key, with an unknown or malformed key, and with a revoked key", async () => {
    const routes: Array<[string, string]> = [
      ["GET", "/api/v1/endpoints"],
      ["POST", "/api/v1/endpoints"],
      ["GET", `/api/v1/endpoints/${endpoint.id}`],
      ["POST", "/api/v1/events"],
      ["GET", "/api/v1/events"],
      ["GET", "/api/v1/deliveries"],
    ];
    for (const [method, path] of routes) {
      const response = await api.call(method, path, { key: null, json: method === "POST" ? { name: "x", url: "https://x.example.com/" } : undefined });
      expectProblem(response, 401);
      expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
    }
    expectProblem(await api.get("/api/v1/endpoints", { key: `hl_${"A".repeat(43)}` }), 401);
    expectProblem(await api.get("/api/v1/endpoints", { key: "not-a-key" }), 401);
    expectProblem(await api.get("/api/v1/endpoints", { key: null, headers: { authorization: `Basic ${account.key}` } }), 401);
    expectProblem(await api.get("/api/v1/endpoints", { key: null, headers: { authorization: account.key } }), 401);

    const { key, apiKey } = await createApiKey(account.userId, "soon revoked");
    expect((await api.get("/api/v1/endpoints", { key })).status).toBe(200);
    expect(await revokeApiKey(account.userId, apiKey.id)).toBe(true);
    expectProblem(await api.get("/api/v1/endpoints", { key }), 401);
    expectProblem(await api.post("/api/v1/events", { type: "a.b", data: 1 }, { key }), 401);
    // Nothing was created with the rejected keys.
    expect(await prisma.event.count({ where: { userId: account.userId } })).toBe(0);
    expect(await prisma.endpoint.count({ where: { userId: account.userId, name: "x" } })).toBe(0);
  });

  it("404 for unknown ids on every route that takes one", async () => {
    expectProblem(await api.get(`/api/v1/endpoints/${UNKNOWN.endpoint}`), 404);
    expectProblem(await api.patch(`/api/v1/endpoints/${UNKNOWN.endpoint}`, { name: "x" }), 404);
    expectProblem(await api.delete(`/api/v1/endpoints/${UNKNOWN.endpoint}`), 404);
    expectProblem(await api.post(`/api/v1/endpoints/${UNKNOWN.endpoint}/rotate-secret`), 404);
    expectProblem(await api.post(`/api/v1/endpoints/${UNKNOWN.endpoint}/test`), 404);
    expectProblem(await api.post(`/api/v1/endpoints/${UNKNOWN.endpoint}/recover`, { since: "2026-01-01T00:00:00Z" }), 404);
    expectProblem(await api.get(`/api/v1/events/${UNKNOWN.event}`), 404);
    expectProblem(await api.get(`/api/v1/deliveries/${UNKNOWN.delivery}`), 404);
    expectProblem(await api.post(`/api/v1/deliveries/${UNKNOWN.delivery}/retry`), 404);
    // An id of another kind is just as unknown.
    expectProblem(await api.get(`/api/v1/events/${endpoint.id}`), 404);
    expectProblem(await api.get(`/api/v1/deliveries/${endpoint.id}`), 404);
  });

  it("413 for event data over 256 KiB and for a body over the limit (declared or streamed)", async () => {
    const tooMuchData = await api.post("/api/v1/events", { type: "big.data", data: "x".repeat(256 * 1024 - 1) });
    expectProblem(tooMuchData, 413);
    const hugeBody = await api.post("/api/v1/events", { type: "big.body", data: "x".repeat(400 * 1024) });
    expectProblem(hugeBody, 413);
    expectProblem(await api.post("/api/v1/endpoints", { name: "x".repeat(300 * 1024), url: "https://big.example.com/" }), 413);

    // No content-length: the server stops reading once the body passes the limit.
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        const piece = new TextEncoder().encode("y".repeat(64 * 1024));
        controller.enqueue(new TextEncoder().encode('{"type":"big.stream","data":"'));
        for (let i = 0; i < 6; i++) controller.enqueue(piece);
        controller.enqueue(new TextEncoder().encode('"}'));
        controller.close();
      },
    });
    const streamed = await fetch(`${origin}/api/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${account.key}`, "content-type": "application/json" },
      body: chunks,
      duplex: "half",
    } as RequestInit & { duplex: "half" });
    expect(streamed.status).toBe(413);
    expect(streamed.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(await streamed.json()).toMatchObject({ status: 413, title: expect.any(String), detail: expect.any(String) });

    const types = (await api.get("/api/v1/events?limit=200")).body.data.map((e: any) => e.type);
    expect(types.filter((type: string) => type.startsWith("big."))).toEqual([]);
  });

  it("415 for a body without content-type or with another type", async () => {
    const body = JSON.stringify({ name: "typed", url: "https://typed.example.com/" });
    expectProblem(await api.call("POST", "/api/v1/endpoints", { raw: new TextEncoder().encode(body) }), 415);
    expectProblem(await api.call("POST", "/api/v1/endpoints", { raw: body, headers: { "content-type": "text/plain" } }), 415);
    expectProblem(await api.call("POST", "/api/v1/endpoints", { raw: body, headers: { "content-type": "application/x-www-form-urlencoded" } }), 415);
    expectProblem(await api.call("PATCH", `/api/v1/endpoints/${endpoint.id}`, { raw: '{"name":"t"}', headers: { "content-type": "text/json" } }), 415);
    expectProblem(await api.call("POST", "/api/v1/events", { raw: '{"type":"a","data":1}', headers: { "content-type": "multipart/form-data" } }), 415);
    expectProblem(await api.call("POST", `/api/v1/endpoints/${endpoint.id}/recover`, { raw: new TextEncoder().encode('{"since":"2026-01-01T00:00:00Z"}') }), 415);
    // Control: JSON with a charset parameter is JSON.
    const ok = await api.call("POST", "/api/v1/endpoints", { raw: body, headers: { "content-type": "application/json; charset=utf-8" } });
    expect(ok.status, ok.text).toBe(201);
  });

  it("422 names the offending field in `errors`", async () => {
    const create = (body: unknown) => api.post("/api/v1/endpoints", body);
    expectFieldError(await create({ name: "x", url: "ftp://files.example.com/" }), "url");
    expectFieldError(await create({ name: "x", url: "not a url" }), "url");
    expectFieldError(await create({ name: "x", url: "https://user:pass@example.com/" }), "url");
    expectFieldError(await create({ name: "x", url: `https://example.com/${"a".repeat(2048)}` }), "url");
    expectFieldError(await create({ name: "x", url: "http://169.254.169.254/latest/meta-data" }), "url");
    expectFieldError(await create({ name: "x" }), "url");
    expectFieldError(await create({ name: "x", destination: "javascript:alert(1)" }), "destination");
    expectFieldError(await create({ name: "x", url: "https://a.example.com/", destination: "https://b.example.com/" }), "destination");
    expectFieldError(await create({ url: "https://a.example.com/" }), "name");
    expectFieldError(await create({ name: "   ", url: "https://a.example.com/" }), "name");
    expectFieldError(await create({ name: "x", url: "https://a.example.com/", enabled: "yes" }), "enabled");
    expectFieldError(await create({ name: "x", url: "https://a.example.com/", eventTypes: "order.*" }), "eventTypes");
    expectFieldError(await create({ name: "x", url: "https://a.example.com/", eventTypes: ["order.*", "bad type!"] }), "eventTypes.1");
    expectFieldError(await create({ name: "x", url: "https://a.example.com/", headers: { "webhook-signature": "forged" } }), "headers.webhook-signature");
    const bothWrong = await create({ name: "", url: "nope" });
    expectFieldError(bothWrong, "name");
    expectFieldError(bothWrong, "url");

    expectFieldError(await api.patch(`/api/v1/endpoints/${endpoint.id}`, { url: "mailto:a@example.com" }), "url");
    expectFieldError(await api.patch(`/api/v1/endpoints/${endpoint.id}`, { enabled: 1 }), "enabled");
    expect((await api.get(`/api/v1/endpoints/${endpoint.id}`)).body).toMatchObject({ url: "https://errors.example.com/", enabled: true });

    const event = (body: unknown, headers?: Record<string, string>) => api.post("/api/v1/events", body, { headers });
    expectFieldError(await event({ type: "bad type", data: {} }), "type");
    expectFieldError(await event({ type: "x".repeat(129), data: {} }), "type");
    expectFieldError(await event({ data: {} }), "type");
    expectFieldError(await event({ type: "order.created" }), "data");
    expectFieldError(await event({ type: "order.created", data: {}, idempotencyKey: "" }), "idempotencyKey");
    expectFieldError(await event({ type: "order.created", data: {}, idempotencyKey: "a" }, { "idempotency-key": "b" }), "idempotencyKey");

    expectFieldError(await api.post(`/api/v1/endpoints/${endpoint.id}/recover`, { since: "yesterday" }), "since");
    expectFieldError(await api.post(`/api/v1/endpoints/${endpoint.id}/recover`, {}), "since");

    expectFieldError(await api.get("/api/v1/deliveries?status=lost"), "status");
    expectFieldError(await api.get("/api/v1/deliveries?since=last-week"), "since");
    expectFieldError(await api.get("/api/v1/deliveries?until=2026-13-45"), "until");
    expectFieldError(await api.get("/api/v1/endpoints?limit=0"), "limit");
    expectFieldError(await api.get("/api/v1/events?limit=1000"), "limit");
    expectFieldError(await api.get("/api/v1/events?limit=abc"), "limit");
    expectFieldError(await api.get("/api/v1/events?type=no%20spaces"), "type");

    expect(await prisma.event.count({ where: { userId: account.userId } })).toBe(0);
  });
});

describe("rate limit (429)", () => {
  let limitedOrigin = "";

  beforeAll(async () => {
    // 1 a second, bursts of one: requests sent at once meet 429s however slowly this machine
    // serves them (with 5 a second and one request after another, a round trip of ~180 ms or more
    // kept the bucket from emptying).
    limitedOrigin = (await startApiServer({ HOOKLINE_API_RATE_LIMIT: "1", HOOKLINE_WORKER: "off" })).origin;
  }, 120_000);

  it("answers 429 with Retry-After once an account exceeds its rate (tests/api/quotas.test.ts: all keys together)", async () => {
    const account = await newApiAccount("limited");
    const limited = apiClient(limitedOrigin, account.key);
    const started = Date.now();
    const responses = await Promise.all(Array.from({ length: 30 }, () => limited.get("/api/v1/endpoints")));
    const elapsedMs = Date.now() - started;
    expect(responses.map((response) => response.status).filter((status) => status !== 200 && status !== 429)).toEqual([]);
    const refused = responses.find((response) => response.status === 429) ?? null;
    const accepted = responses.filter((response) => response.status === 200).length;
    expect(refused, "no 429 among 30 requests at once").not.toBeNull();
    expectProblem(refused!, 429);
    // The burst (one second's worth) is granted, and no more than one a second on top while the
    // requests were being served.
    expect(accepted).toBeGreaterThanOrEqual(1);
    expect(accepted, `accepted in ${elapsedMs} ms`).toBeLessThanOrEqual(1 + elapsedMs / 1000);
    const retryAfter = refused!.headers.get("retry-after");
    expect(retryAfter).toMatch(/^\d+$/);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);

    // Another account has its own allowance.
    const other = await newApiAccount("not limited");
    expect((await limited.get("/api/v1/endpoints", { key: other.key })).status).toBe(200);

    // After waiting as told, the key works again.
    await new Promise((resolve) => setTimeout(resolve, Number(retryAfter) * 1000));
    expect((await limited.get("/api/v1/endpoints")).status).toBe(200);
  });
});

describe("pagination", () => {
  it("pages through endpoints with limit and nextCursor: every id once, newest first", async () => {
    const { api } = await newClient("page-endpoints");
    const created: string[] = [];
    for (let i = 0; i < 7; i++) created.push((await createEndpoint(api, { name: `E${i}`, url: `https://e${i}.example.com/` })).id);
    const pages = await allPages(api, "/api/v1/endpoints", 3);
    expect(pages.map((page) => page.data.length)).toEqual([3, 3, 1]);
    expect(pages.at(-1).nextCursor).toBeNull();
    expect(pages.slice(0, -1).every((page) => typeof page.nextCursor === "string")).toBe(true);
    const seen = pages.flatMap((page) => page.data.map((e: any) => e.id));
    expect(seen).toEqual([...created].reverse());
    expect(pages.flatMap((page) => page.data.map((e: any) => e.name))).toEqual(["E6", "E5", "E4", "E3", "E2", "E1", "E0"]);
  });

  it("pages through events; a last page that is exactly full has nextCursor null", async () => {
    const { api } = await newClient("page-events");
    const created: string[] = [];
    for (let i = 0; i < 6; i++) created.push((await sendEvent(api, { type: "page.event", data: { i } })).body.id);
    const pages = await allPages(api, "/api/v1/events", 3);
    expect(pages.map((page) => page.data.length)).toEqual([3, 3]);
    expect(pages[1].nextCursor).toBeNull();
    expect(pages.flatMap((page) => page.data.map((e: any) => e.id))).toEqual([...created].reverse());
    expect(pages.flatMap((page) => page.data.map((e: any) => e.data.i))).toEqual([5, 4, 3, 2, 1, 0]);
    // One page larger than everything: no cursor at all.
    const all = await api.get("/api/v1/events?limit=7");
    expect(all.body.data).toHaveLength(6);
    expect(all.body.nextCursor).toBeNull();
  });

  it("pages through deliveries, also with a filter", async () => {
    const target = await receiver();
    const { api } = await newClient("page-deliveries");
    const endpoint = await createEndpoint(api, { name: "Paged", url: target.url });
    const events: string[] = [];
    for (let i = 0; i < 7; i++) events.push((await sendEvent(api, { type: "page.delivery", data: { i } })).body.id);
    const pages = await allPages(api, `/api/v1/deliveries?endpointId=${endpoint.id}`, 3);
    expect(pages.map((page) => page.data.length)).toEqual([3, 3, 1]);
    const seen = pages.flatMap((page) => page.data.map((d: any) => d.id));
    expect(new Set(seen).size).toBe(7);
    expect(seen).toEqual([...seen].sort().reverse());
    expect(pages.flatMap((page) => page.data.map((d: any) => d.eventId))).toEqual([...events].reverse());
  });
});

describe("idempotent event creation", () => {
  let api: ApiClient;
  let account: ApiAccount;
  let target: Receiver;

  beforeAll(async () => {
    target = await receiver();
    ({ api, ...account } = await newClient("idempotent"));
    await createEndpoint(api, { name: "Once", url: target.url });
  });

  async function expectSingleDelivery(eventId: string): Promise<void> {
    const deliveries = await deliveriesOf(api, eventId);
    expect(deliveries).toHaveLength(1);
    expect(await prisma.delivery.count({ where: { eventId } })).toBe(1);
    await finished(api, deliveries[0].id);
    expect(target.requests.filter((request) => request.headers["webhook-id"] === eventId)).toHaveLength(1);
  }

  it("the same idempotencyKey field returns the original event, marked replayed, with no new delivery", async () => {
    const first = await sendEvent(api, { type: "order.created", data: { order: 1 }, idempotencyKey: "order-1" });
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    expect(first.body.deliveries).toBe(1);

    const again = await sendEvent(api, { type: "order.created", data: { order: 1 }, idempotencyKey: "order-1" });
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual(first.body);
    // Even with another body, the key wins: the original comes back.
    const changed = await sendEvent(api, { type: "order.updated", data: { order: 999 }, idempotencyKey: "order-1" });
    expect(changed.headers.get("idempotent-replayed")).toBe("true");
    expect(changed.body).toMatchObject({ id: first.body.id, type: "order.created", data: { order: 1 } });

    expect(await prisma.event.count({ where: { userId: account.userId, idempotencyKey: "order-1" } })).toBe(1);
    await expectSingleDelivery(first.body.id);
  });

  it("the same Idempotency-Key header does the same, and shares the field's keys", async () => {
    const first = await sendEvent(api, { type: "invoice.paid", data: { invoice: 7 } }, { "idempotency-key": "invoice-7" });
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const again = await sendEvent(api, { type: "invoice.paid", data: { invoice: 7 } }, { "idempotency-key": "invoice-7" });
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body.id).toBe(first.body.id);
    // The field and the header name the same key.
    const viaField = await sendEvent(api, { type: "invoice.paid", data: { invoice: 7 }, idempotencyKey: "invoice-7" });
    expect(viaField.headers.get("idempotent-replayed")).toBe("true");
    expect(viaField.body.id).toBe(first.body.id);
    await expectSingleDelivery(first.body.id);
  });

  it("different keys, no key, and another account's same key create new events", async () => {
    const a = await sendEvent(api, { type: "order.created", data: {}, idempotencyKey: "distinct-a" });
    const b = await sendEvent(api, { type: "order.created", data: {}, idempotencyKey: "distinct-b" });
    const plain1 = await sendEvent(api, { type: "order.created", data: {} });
    const plain2 = await sendEvent(api, { type: "order.created", data: {} });
    expect(new Set([a.body.id, b.body.id, plain1.body.id, plain2.body.id]).size).toBe(4);
    for (const response of [b, plain1, plain2]) expect(response.headers.get("idempotent-replayed")).toBeNull();

    const { api: other } = await newClient("idempotent-other");
    const foreign = await sendEvent(other, { type: "order.created", data: {}, idempotencyKey: "distinct-a" });
    expect(foreign.headers.get("idempotent-replayed")).toBeNull();
    expect(foreign.body.id).not.toBe(a.body.id);
    expect(foreign.body.deliveries).toBe(0);
  });
});

describe("account isolation", () => {
  let alice: ApiClient;
  let bob: ApiClient;
  let aliceReceiver: Receiver;
  let endpoint: any;
  let event: any;
  let delivery: any;

  beforeAll(async () => {
    aliceReceiver = await receiver();
    ({ api: alice } = await newClient("alice"));
    ({ api: bob } = await newClient("bob"));
    endpoint = await createEndpoint(alice, { name: "Alice's", url: aliceReceiver.url });
    event = (await sendEvent(alice, { type: "order.created", data: { secret: "alice" } })).body;
    [delivery] = await deliveriesOf(alice, event.id);
    delivery = await finished(alice, delivery.id);
    await createEndpoint(bob, { name: "Bob's", url: (await receiver()).url });
  });

  it("another account's ids are 404 on every route, for reads and writes", async () => {
    // Control: the owner reaches them all.
    expect((await alice.get(`/api/v1/endpoints/${endpoint.id}`)).status).toBe(200);
    expect((await alice.get(`/api/v1/events/${event.id}`)).status).toBe(200);
    expect((await alice.get(`/api/v1/deliveries/${delivery.id}`)).status).toBe(200);

    expectProblem(await bob.get(`/api/v1/endpoints/${endpoint.id}`), 404);
    expectProblem(await bob.patch(`/api/v1/endpoints/${endpoint.id}`, { name: "Bob was here", enabled: false }), 404);
    expectProblem(await bob.post(`/api/v1/endpoints/${endpoint.id}/rotate-secret`), 404);
    expectProblem(await bob.post(`/api/v1/endpoints/${endpoint.id}/test`), 404);
    expectProblem(await bob.post(`/api/v1/endpoints/${endpoint.id}/recover`, { since: "2020-01-01T00:00:00Z" }), 404);
    expectProblem(await bob.delete(`/api/v1/endpoints/${endpoint.id}`), 404);
    expectProblem(await bob.get(`/api/v1/events/${event.id}`), 404);
    expectProblem(await bob.get(`/api/v1/deliveries/${delivery.id}`), 404);
    expectProblem(await bob.post(`/api/v1/deliveries/${delivery.id}/retry`), 404);

    // And nothing changed for Alice.
    const after = await alice.get(`/api/v1/endpoints/${endpoint.id}`);
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({ name: "Alice's", enabled: true });
    const stored = await prisma.endpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    expect(stored.secret).toBe(endpoint.secret);
    expect(stored.previousSecret).toBeNull();
    expect(stored.deletedAt).toBeNull();
    expect((await alice.get(`/api/v1/deliveries/${delivery.id}`)).body).toMatchObject({ status: "succeeded", attempts: delivery.attempts });
    expect(aliceReceiver.requests).toHaveLength(1);
  });

  it("lists show none of another account's objects, whatever the filter", async () => {
    const bobEndpoints = (await bob.get("/api/v1/endpoints")).body.data;
    expect(bobEndpoints.map((e: any) => e.name)).toEqual(["Bob's"]);
    expect((await bob.get("/api/v1/events")).body.data).toEqual([]);
    expect((await bob.get("/api/v1/deliveries")).body.data).toEqual([]);
    expect((await bob.get(`/api/v1/deliveries?endpointId=${endpoint.id}`)).body.data).toEqual([]);
    expect((await bob.get(`/api/v1/deliveries?eventId=${event.id}`)).body.data).toEqual([]);
    expect((await bob.get("/api/v1/events?type=order.created")).body.data).toEqual([]);
    // A cursor just past Alice's rows opens no window onto them.
    expect((await bob.get(`/api/v1/events?cursor=${encodeURIComponent("msg_ZZZZZZZZZZZZZZZZZZZZZZZZZZ")}`)).body.data).toEqual([]);
    // Control: Alice's lists do show them.
    expect((await alice.get("/api/v1/events")).body.data.map((e: any) => e.id)).toEqual([event.id]);
  });

  it("another account's events never fan out to this account's endpoints", async () => {
    const bobs = await sendEvent(bob, { type: "order.created", data: { from: "bob" } });
    expect(bobs.body.deliveries).toBe(1);
    const [bobDelivery] = await deliveriesOf(bob, bobs.body.id);
    await finished(bob, bobDelivery.id);
    expect(bobDelivery.endpointId).not.toBe(endpoint.id);
    expect(aliceReceiver.requests).toHaveLength(1);
    expect((await alice.get("/api/v1/deliveries")).body.data.map((d: any) => d.id)).toEqual([delivery.id]);
  });
});
