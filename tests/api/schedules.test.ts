/**
 * SPEC §6 schedules over real HTTP against the built server (worker inside): create, read,
 * list with cursor pagination, edit, pause/resume and delete, with the contract's exact DTO;
 * problem+json 422s naming the bad field; 404 for other accounts' ids; and a schedule created
 * through the API really ticks, signed, until it is deleted.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are JSON whose shape is asserted */
import { beforeAll, describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import { expectProblem, newApiClient, startApiServer, stopServersAfterAll, type ApiClient, type ApiResponse } from "../helpers/api-client";
import { setUpReceivers, waitFor } from "../helpers/receiver";

const SCHEDULE_FIELDS = ["id", "name", "cron", "timezone", "type", "data", "endpointId", "paused", "nextRunAt"].sort();
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const UNKNOWN_SCHEDULE = "sch_01M8ZZZZZZZZZZZZZZZZZZZZZZ";
const HELLO = { name: "Hello ticker", cron: "*/5 * * * * *", type: "hello.tick", data: { message: "Hello {{endpoint.name}}, current time is {{time}}" } };

stopServersAfterAll();

let origin = "";
const startReceiver = setUpReceivers("all");

beforeAll(async () => {
  origin = (await startApiServer()).origin;
}, 120_000);

const newClient = (label: string) => newApiClient(origin, label);

/** A 422 whose `errors` names exactly `field`, with a message matching `message`. */
function expectFieldError(response: ApiResponse, field: string, message: RegExp = /./): void {
  expectProblem(response, 422);
  expect(Object.keys(response.body.errors ?? {}), JSON.stringify(response.body)).toEqual([field]);
  expect(response.body.errors[field][0]).toMatch(message);
}

async function createSchedule(api: ApiClient, body: Record<string, unknown>): Promise<any> {
  const response = await api.post("/api/v1/schedules", body);
  expect(response.status, response.text).toBe(201);
  return response.body;
}

async function createEndpoint(api: ApiClient, name: string, url = "https://example.com/hooks"): Promise<any> {
  const response = await api.post("/api/v1/endpoints", { name, url });
  expect(response.status, response.text).toBe(201);
  return response.body;
}

describe("CRUD", () => {
  it("creates a schedule with exactly the contract's fields and the next tick computed", async () => {
    const { api } = await newClient("crud");
    const before = Date.now();
    const created = await createSchedule(api, HELLO);
    expect(Object.keys(created).sort()).toEqual(SCHEDULE_FIELDS);
    expect(created).toMatchObject({ ...HELLO, timezone: "UTC", endpointId: null, paused: false });
    expect(created.id).toMatch(/^sch_[0-9A-Z]{26}$/);
    expect(created.nextRunAt).toMatch(ISO_TIME);
    const next = Date.parse(created.nextRunAt);
    expect(next).toBeGreaterThan(before);
    expect(next % 5000).toBe(0);

    const read = await api.get(`/api/v1/schedules/${created.id}`);
    expect(read.status).toBe(200);
    // A tick between the two requests moves nextRunAt on by whole periods; nothing else changes.
    expect(read.body).toEqual({ ...created, nextRunAt: read.body.nextRunAt });
    expect((Date.parse(read.body.nextRunAt) - next) % 5000).toBe(0);
    expect(Date.parse(read.body.nextRunAt)).toBeGreaterThanOrEqual(next);
    await api.delete(`/api/v1/schedules/${created.id}`);
  });

  it("reads the expression in the given time zone (canonical spelling stored)", async () => {
    const { api } = await newClient("tz");
    const created = await createSchedule(api, { name: "Morning", cron: "0 9 * * *", timezone: "europe/paris", type: "daily.report" });
    expect(created.timezone).toBe("Europe/Paris");
    expect(created.data).toEqual({});
    const local = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Paris", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date(created.nextRunAt));
    expect(local).toBe("09:00");
  });

  it("edits, pauses, resumes, retargets and deletes", async () => {
    const { api } = await newClient("edit");
    const endpoint = await createEndpoint(api, "joe");
    const created = await createSchedule(api, { name: "Minutely", cron: "0 * * * * *", type: "minute.tick", data: { n: 1 } });

    // Other fields leave the next tick alone; a new expression moves it.
    const renamed = await api.patch(`/api/v1/schedules/${created.id}`, { name: "Renamed", data: { n: 2 }, type: "minute.tock" });
    expect(renamed.status, renamed.text).toBe(200);
    expect(renamed.body).toEqual({ ...created, name: "Renamed", data: { n: 2 }, type: "minute.tock" });
    const hourly = await api.patch(`/api/v1/schedules/${created.id}`, { cron: "0 0 * * * *" });
    expect(hourly.body.cron).toBe("0 0 * * * *");
    expect(Date.parse(hourly.body.nextRunAt) % 3_600_000).toBe(0);

    const paused = await api.patch(`/api/v1/schedules/${created.id}`, { paused: true });
    expect(paused.body).toMatchObject({ paused: true, nextRunAt: null });
    const resumed = await api.patch(`/api/v1/schedules/${created.id}`, { paused: false });
    // Resuming counts from now: the next full hour (whichever that is by now).
    expect(resumed.body).toMatchObject({ paused: false, nextRunAt: expect.stringMatching(/T\d\d:00:00\.000Z$/) });
    expect(Date.parse(resumed.body.nextRunAt)).toBeGreaterThan(Date.now() - 1000);

    const aimed = await api.patch(`/api/v1/schedules/${created.id}`, { endpointId: endpoint.id });
    expect(aimed.body.endpointId).toBe(endpoint.id);
    const all = await api.patch(`/api/v1/schedules/${created.id}`, { endpointId: null });
    expect(all.body.endpointId).toBeNull();

    const deleted = await api.delete(`/api/v1/schedules/${created.id}`);
    expect(deleted.status).toBe(204);
    expectProblem(await api.get(`/api/v1/schedules/${created.id}`), 404);
    expectProblem(await api.delete(`/api/v1/schedules/${created.id}`), 404);
    expectProblem(await api.patch(`/api/v1/schedules/${created.id}`, { name: "x" }), 404);
  });

  it("lists newest first with cursor pagination", async () => {
    const { api } = await newClient("pages");
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await createSchedule(api, { name: `S${i}`, cron: "0 0 1 1 *", type: "yearly" })).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: ApiResponse = await api.get(`/api/v1/schedules?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.status).toBe(200);
      expect(Object.keys(page.body).sort()).toEqual(["data", "nextCursor"]);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      for (const schedule of page.body.data) expect(Object.keys(schedule).sort()).toEqual(SCHEDULE_FIELDS);
      seen.push(...page.body.data.map((schedule: any) => schedule.id));
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());

    expectFieldError(await api.get("/api/v1/schedules?limit=0"), "limit");
    expectFieldError(await api.get("/api/v1/schedules?sort=name"), "body");
  });
});

describe("validation: 422 problem+json naming the field", () => {
  it("refuses a bad cron, time zone, type, data or endpoint on create", async () => {
    const { api } = await newClient("invalid");
    const other = await newClient("invalid-other");
    const foreignEndpoint = await createEndpoint(other.api, "not yours");

    expectFieldError(await api.post("/api/v1/schedules", { ...HELLO, cron: "* * *" }), "cron", /5 fields/);
    expectFieldError(await api.post("/api/v1/schedules", { ...HELLO, cron: "61 * * * *" }), "cron", /minute/);
    expectFieldError(await api.post("/api/v1/schedules", { ...HELLO, cron: "0 0 30 2 *" }), "cron", /never runs/);
    expectFieldError(await api.post("/api/v1/schedules", { ...HELLO, timezone: "Mars/Olympus" }), "timezone", /Unknown time zone/);
    expectFieldError(await api.post("/api/v1/schedules", { ...HELLO, type: "has spaces" }), "type");
    expectFieldError(await api.post("/api/v1/schedules", { ...HELLO, data: [1, 2] }), "data", /JSON object/);
    expectFieldError(await api.post("/api/v1/schedules", { ...HELLO, data: "text" }), "data", /JSON object/);
    expectFieldError(await api.post("/api/v1/schedules", { ...HELLO, data: { m: "{{endpoint.nme}}" } }), "data", /Unknown placeholder \{\{endpoint\.nme\}\}/);
    expectFieldError(await api.post("/api/v1/schedules", { ...HELLO, data: { blob: "x".repeat(256 * 1024) } }), "data", /at most 256 KiB/);
    expectFieldError(await api.post("/api/v1/schedules", { ...HELLO, name: "" }), "name");
    expectFieldError(await api.post("/api/v1/schedules", { ...HELLO, endpointId: foreignEndpoint.id }), "endpointId", /No such endpoint/);
    expectFieldError(await api.post("/api/v1/schedules", { ...HELLO, endpointId: "ep_01M8ZZZZZZZZZZZZZZZZZZZZZZ" }), "endpointId", /No such endpoint/);
    expectFieldError(await api.post("/api/v1/schedules", { ...HELLO, paused: "yes" }), "paused");
    expectFieldError(await api.post("/api/v1/schedules", { ...HELLO, color: "red" }), "body");

    // Several bad fields: each named.
    const many = await api.post("/api/v1/schedules", { name: "x", cron: "nope", timezone: "Nowhere", type: "" });
    expectProblem(many, 422);
    expect(Object.keys(many.body.errors).sort()).toEqual(["cron", "timezone", "type"]);

    // Nothing was created.
    expect((await api.get("/api/v1/schedules")).body.data).toEqual([]);
  });

  it("refuses the same on edit, leaving the schedule unchanged", async () => {
    const { api } = await newClient("invalid-edit");
    const other = await newClient("invalid-edit-other");
    const foreignEndpoint = await createEndpoint(other.api, "not yours");
    // Yearly: no tick moves nextRunAt while the edits are refused, so the whole schedule compares.
    const created = await createSchedule(api, { ...HELLO, cron: "0 0 1 1 *" });
    const path = `/api/v1/schedules/${created.id}`;
    expectFieldError(await api.patch(path, { cron: "0 0 * *" }), "cron");
    expectFieldError(await api.patch(path, { timezone: "+01:00" }), "timezone");
    expectFieldError(await api.patch(path, { data: null }), "data");
    expectFieldError(await api.patch(path, { endpointId: foreignEndpoint.id }), "endpointId");
    expectFieldError(await api.patch(path, { paused: 1 }), "paused");
    expect((await api.get(path)).body).toEqual(created);
    await api.delete(path);
  });

  it("answers malformed JSON with 400 and a non-JSON body with 415", async () => {
    const { api } = await newClient("malformed");
    expectProblem(await api.call("POST", "/api/v1/schedules", { raw: "{", headers: { "content-type": "application/json" } }), 400);
    expectProblem(await api.call("POST", "/api/v1/schedules", { raw: "name=x", headers: { "content-type": "application/x-www-form-urlencoded" } }), 415);
  });
});

describe("account isolation", () => {
  it("answers 404 for another account's schedule, and lists only one's own", async () => {
    const owner = await newClient("owner");
    const stranger = await newClient("stranger");
    const created = await createSchedule(owner.api, { name: "Mine", cron: "0 0 1 1 *", type: "yearly" });
    const path = `/api/v1/schedules/${created.id}`;
    expectProblem(await stranger.api.get(path), 404);
    expectProblem(await stranger.api.patch(path, { paused: true }), 404);
    expectProblem(await stranger.api.delete(path), 404);
    expect((await stranger.api.get("/api/v1/schedules")).body.data).toEqual([]);
    expectProblem(await owner.api.get(`/api/v1/schedules/${UNKNOWN_SCHEDULE}`), 404);
    // Untouched by the stranger's attempts.
    expect((await owner.api.get(path)).body).toEqual(created);
    expectProblem(await stranger.api.get("/api/v1/schedules", { key: null }), 401);
  });
});

describe("a schedule created through the API", () => {
  it("ticks: signed events reach the endpoint every second until the schedule is deleted", async () => {
    const { api } = await newClient("ticking");
    const receiver = await startReceiver();
    const endpoint = await createEndpoint(api, "Local receiver", receiver.url);
    const created = await createSchedule(api, { ...HELLO, cron: "* * * * * *" });

    await waitFor(() => receiver.requests.length >= 2, { timeoutMs: 10_000, what: "two ticks" });
    const deleted = await api.delete(`/api/v1/schedules/${created.id}`);
    expect(deleted.status).toBe(204);
    const afterDelete = receiver.requests.length;

    for (const request of receiver.requests) {
      const verified = new Webhook(endpoint.secret).verify(request.rawBody, request.headers) as { type: string; data: { message: string } };
      expect(verified.type).toBe("hello.tick");
      expect(verified.data.message).toMatch(/^Hello Local receiver, current time is \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    }
    // The events are in the account's event list, and stay there after the delete.
    const events = await api.get("/api/v1/events");
    expect(events.body.data.filter((event: any) => event.type === "hello.tick").length).toBeGreaterThanOrEqual(2);

    // Deleted: no more ticks (at most one already in flight when it was deleted).
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(receiver.requests.length).toBeLessThanOrEqual(afterDelete + 1);
  }, 30_000);
});
