/**
 * SPEC §11 search over real HTTP against the built server, on both engines: `?q=` on the event
 * and delivery lists finds events by words of their data, type and id (every word, as a phrase,
 * case- and accent-insensitively), combines with the other filters and keyset pagination, never
 * shows another account's rows, and takes any text literally (no query syntax, no 500).
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are JSON whose shape is asserted */
import { beforeAll, describe, expect, it } from "vitest";
import { expectProblem, newApiClient, startApiServer, stopServersAfterAll, type ApiClient } from "../helpers/api-client";

stopServersAfterAll();

let origin = "";
beforeAll(async () => {
  origin = (await startApiServer()).origin;
}, 120_000);

async function send(api: ApiClient, type: string, data: unknown): Promise<string> {
  const response = await api.post("/api/v1/events", { type, data });
  expect(response.status, response.text).toBe(202);
  return response.body.id;
}

const ids = (response: any) => response.body.data.map((row: any) => row.id);

describe("GET /api/v1/events?q=", () => {
  it("finds events by words of their data, type and id, every word required, newest first", async () => {
    const { api } = await newApiClient(origin, "search-events");
    const zurich = await send(api, "order.created", { customer: "Zürich Gadgets", note: "express delivery" });
    const berlin = await send(api, "order.created", { customer: "Berlin Tools", note: "standard delivery" });
    const refund = await send(api, "payment.refunded", { customer: "Berlin Tools", amount: 4200 });

    expect(ids(await api.get("/api/v1/events?q=delivery"))).toEqual([berlin, zurich]);
    expect(ids(await api.get("/api/v1/events?q=berlin"))).toEqual([refund, berlin]);
    expect(ids(await api.get("/api/v1/events?q=berlin%20delivery"))).toEqual([berlin]);
    // Accents and case do not matter; numbers are words too.
    expect(ids(await api.get("/api/v1/events?q=ZURICH"))).toEqual([zurich]);
    expect(ids(await api.get("/api/v1/events?q=4200"))).toEqual([refund]);
    // The type, whole or in parts, and the event's id.
    expect(ids(await api.get("/api/v1/events?q=payment.refunded"))).toEqual([refund]);
    expect(ids(await api.get("/api/v1/events?q=refunded"))).toEqual([refund]);
    expect(ids(await api.get(`/api/v1/events?q=${zurich}`))).toEqual([zurich]);
    // A phrase: words in this order, next to each other.
    expect(ids(await api.get("/api/v1/events?q=delivery.express"))).toEqual([]);
    expect(ids(await api.get("/api/v1/events?q=express.delivery"))).toEqual([zurich]);
    // With the type filter.
    expect(ids(await api.get("/api/v1/events?q=berlin&type=order.created"))).toEqual([berlin]);
    const none = await api.get("/api/v1/events?q=nothing-like-this");
    expect(none.body).toEqual({ data: [], nextCursor: null });
  });

  it("pages through the matches with the cursor, and returns each event's full DTO", async () => {
    const { api } = await newApiClient(origin, "search-pages");
    const sent: string[] = [];
    for (let index = 0; index < 5; index++) sent.push(await send(api, "invoice.issued", { ref: `batch-seven item ${index}` }));
    await send(api, "invoice.issued", { ref: "other" });
    const first = await api.get("/api/v1/events?q=seven&limit=2");
    expect(ids(first)).toEqual([sent[4], sent[3]]);
    expect(first.body.data[0]).toEqual({ id: sent[4], type: "invoice.issued", data: { ref: "batch-seven item 4" }, createdAt: expect.any(String) });
    const second = await api.get(`/api/v1/events?q=seven&limit=2&cursor=${first.body.nextCursor}`);
    expect(ids(second)).toEqual([sent[2], sent[1]]);
    const third = await api.get(`/api/v1/events?q=seven&limit=2&cursor=${second.body.nextCursor}`);
    expect(third.body).toEqual({ data: [expect.objectContaining({ id: sent[0] })], nextCursor: null });
  });

  it("never returns another account's events, and takes any text literally", async () => {
    const { api: mine } = await newApiClient(origin, "search-mine");
    const { api: theirs } = await newApiClient(origin, "search-theirs");
    const own = await send(mine, "note.added", { text: "quartz harmonica" });
    await send(theirs, "note.added", { text: "quartz harmonica" });
    expect(ids(await mine.get("/api/v1/events?q=harmonica"))).toEqual([own]);
    // Another account's event id finds nothing, and neither does its id as a cursor.
    const foreign = ids(await theirs.get("/api/v1/events?q=harmonica"))[0];
    expect(ids(await mine.get(`/api/v1/events?q=${foreign}`))).toEqual([]);
    expect(ids(await mine.get(`/api/v1/events?q=harmonica&cursor=${foreign}`))).toEqual([]);

    // FTS and tsquery syntax is only text here.
    for (const text of ['quartz" OR "x', "quartz NEAR(x)", "quartz AND", "quartz*", "-quartz", "quartz:*", "(quartz", "{body}:quartz"]) {
      const response = await mine.get(`/api/v1/events?q=${encodeURIComponent(text)}`);
      expect(response.status, `${text}: ${response.text}`).toBe(200);
    }
    expect(ids(await mine.get(`/api/v1/events?q=${encodeURIComponent('"quartz"')}`))).toEqual([own]);
  });

  it("refuses a search with no letter or digit, or longer than 200 characters (422 naming q)", async () => {
    const { api } = await newApiClient(origin, "search-invalid");
    for (const q of ["!!!", " ", "x".repeat(201)]) {
      const response = await api.get(`/api/v1/events?q=${encodeURIComponent(q)}`);
      expectProblem(response, 422);
      expect(Object.keys(response.body.errors)).toEqual(["q"]);
    }
  });
});

describe("GET /api/v1/deliveries?q=", () => {
  it("lists the deliveries of the matching events, with the other filters, page by page", async () => {
    const { api } = await newApiClient(origin, "search-deliveries");
    const endpoints: string[] = [];
    for (const name of ["one", "two"]) {
      const response = await api.post("/api/v1/endpoints", { name, url: `http://127.0.0.1:9/${name}` });
      expect(response.status, response.text).toBe(201);
      endpoints.push(response.body.id);
    }
    const events: string[] = [];
    for (let index = 0; index < 3; index++) events.push(await send(api, "shipment.sent", { carrier: "Pelican Freight", parcel: index }));
    await send(api, "shipment.sent", { carrier: "Other Lines" });

    const all = await api.get("/api/v1/deliveries?q=pelican&limit=200");
    expect(all.status, all.text).toBe(200);
    expect(all.body.data).toHaveLength(6);
    // Newest event first; each delivery with the API's fields.
    expect(all.body.data.map((row: any) => row.eventId)).toEqual([events[2], events[2], events[1], events[1], events[0], events[0]]);
    expect(Object.keys(all.body.data[0]).sort()).toEqual(["attempts", "createdAt", "endpointId", "eventId", "id", "lastError", "lastStatusCode", "nextAttemptAt", "status"]);

    const pages: string[] = [];
    let cursor = "";
    for (let guard = 0; guard < 5; guard++) {
      const page = await api.get(`/api/v1/deliveries?q=pelican&limit=4${cursor ? `&cursor=${cursor}` : ""}`);
      pages.push(...ids(page));
      if (!page.body.nextCursor) break;
      cursor = page.body.nextCursor;
    }
    expect(pages).toEqual(ids(all));

    const toOne = await api.get(`/api/v1/deliveries?q=pelican&endpointId=${endpoints[0]}`);
    expect(toOne.body.data.map((row: any) => row.endpointId)).toEqual([endpoints[0], endpoints[0], endpoints[0]]);
    expect(ids(await api.get(`/api/v1/deliveries?q=pelican&eventId=${events[1]}`))).toHaveLength(2);
    expect(ids(await api.get("/api/v1/deliveries?q=pelican&status=succeeded"))).toEqual([]);
    expect((await api.get("/api/v1/deliveries?q=lines")).body.data).toHaveLength(2);
  });
});
