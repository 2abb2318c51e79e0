/**
 * The API's event list cuts a page at MAX_PAGE_DATA_BYTES of event data (lib/events/queries.ts),
 * over real HTTP on both engines: large events make shorter pages whose `nextCursor` leads on,
 * every event comes exactly once and whole, with and without `?q=`, and the response stays
 * within the budget instead of growing with `limit` × 256 KiB.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are JSON whose shape is asserted */
import { beforeAll, describe, expect, it } from "vitest";
import { MAX_PAGE_DATA_BYTES } from "@/lib/page-budget";
import { listSchedules } from "@/lib/schedules/queries";
import { newApiClient, startApiServer, stopServersAfterAll, type ApiClient } from "../helpers/api-client";

stopServersAfterAll();

let origin = "";
beforeAll(async () => {
  origin = (await startApiServer()).origin;
}, 120_000);

/** Bytes of each large event's data: 16 fit in a page, the 17th does not. */
const LARGE_DATA_BYTES = 250_000;

/** Data of exactly `bytes` bytes of JSON, numbered and holding a searchable word. */
function dataOf(index: number, bytes: number) {
  const shell = { n: index, word: "walrus", fill: "" };
  return { ...shell, fill: "x".repeat(bytes - JSON.stringify(shell).length) };
}

/** Every page from `path` (with `limit=200`), following `nextCursor`. */
async function allPages(api: ApiClient, path: string) {
  const pages: Array<{ items: any[]; bytes: number }> = [];
  let cursor: string | null = null;
  do {
    const response: any = await api.get(`${path}${path.includes("?") ? "&" : "?"}limit=200${cursor ? `&cursor=${cursor}` : ""}`);
    expect(response.status, response.text.slice(0, 300)).toBe(200);
    pages.push({ items: response.body.data, bytes: response.text.length });
    cursor = response.body.nextCursor;
  } while (cursor !== null && pages.length < 10);
  return pages;
}

describe("GET /api/v1/events with large events", () => {
  it("ends a page at the byte budget and leads on with nextCursor, with and without ?q=, every event once and whole", async () => {
    const { api } = await newApiClient(origin, "large-pages");
    const sent: Array<{ id: string; data: unknown }> = [];
    for (let index = 0; index < 20; index++) {
      const data = dataOf(index, LARGE_DATA_BYTES);
      const response = await api.post("/api/v1/events", { type: "blob.stored", data });
      expect(response.status, response.text.slice(0, 300)).toBe(202);
      sent.push({ id: response.body.id, data });
    }
    const newestFirst = [...sent].reverse();
    const fit = Math.floor(MAX_PAGE_DATA_BYTES / LARGE_DATA_BYTES);
    expect(fit).toBe(16);

    for (const path of ["/api/v1/events", "/api/v1/events?q=walrus", "/api/v1/events?type=blob.stored"]) {
      const pages = await allPages(api, path);
      expect(pages.map((page) => page.items.length), path).toEqual([fit, sent.length - fit]);
      expect(pages.flatMap((page) => page.items.map((event: any) => ({ id: event.id, data: event.data }))), path).toEqual(newestFirst);
      // The page's text: the data, and little else.
      for (const page of pages) expect(page.bytes).toBeLessThan(page.items.length * LARGE_DATA_BYTES + 2_000);
    }
  });

  it("still fills a page to `limit` with small events, and a page of one large event among small ones ends where the budget does", async () => {
    const { api } = await newApiClient(origin, "mixed-pages");
    const send = async (data: unknown) => (await api.post("/api/v1/events", { type: "mixed.item", data })).body.id as string;
    const small: string[] = [];
    for (let index = 0; index < 5; index++) small.push(await send({ n: index }));
    const large: string[] = [];
    for (let index = 0; index < 17; index++) large.push(await send(dataOf(index, LARGE_DATA_BYTES)));
    const latest = await send({ n: "last" });

    const first = await api.get("/api/v1/events?limit=3");
    expect(first.body.data.map((event: any) => event.id)).toEqual([latest, large[16], large[15]]);
    const pages = await allPages(api, "/api/v1/events");
    // The newest small one and 16 large ones fill the first page's budget; then the last large one and the five small ones.
    expect(pages.map((page) => page.items.map((event: any) => event.id))).toEqual([
      [latest, ...large.slice(1).reverse()],
      [large[0], ...small.reverse()],
    ]);
  });
});

describe("GET /api/v1/schedules with large data", () => {
  it("ends a page at the byte budget, every schedule once and whole, and the dashboard's list reads none of the data", async () => {
    const { api, userId } = await newApiClient(origin, "large-schedules");
    const created: Array<{ id: string; name: string; data: unknown }> = [];
    for (let index = 0; index < 20; index++) {
      const data = dataOf(index, LARGE_DATA_BYTES);
      // Once a year: nothing fires during the test.
      const response = await api.post("/api/v1/schedules", { name: `Blob ${index}`, cron: "0 0 1 1 *", type: "blob.stored", data });
      expect(response.status, response.text.slice(0, 300)).toBe(201);
      created.push({ id: response.body.id, name: `Blob ${index}`, data });
    }
    const pages = await allPages(api, "/api/v1/schedules");
    expect(pages.map((page) => page.items.length)).toEqual([16, 4]);
    expect(pages.flatMap((page) => page.items.map((schedule: any) => ({ id: schedule.id, name: schedule.name, data: schedule.data })))).toEqual([...created].reverse());
    for (const page of pages) expect(page.bytes).toBeLessThan(page.items.length * LARGE_DATA_BYTES + 4_000);
    // Every field the API documents, in its order.
    expect(Object.keys(pages[0].items[0])).toEqual(["id", "name", "cron", "timezone", "type", "data", "endpointId", "paused", "nextRunAt"]);
    expect(pages[0].items[0]).toMatchObject({ cron: "0 0 1 1 *", timezone: "UTC", type: "blob.stored", endpointId: null, paused: false, nextRunAt: expect.stringMatching(/^\d{4}-01-01T00:00:00.000Z$/) });

    const summaries = await listSchedules(userId);
    expect(summaries.map((schedule) => schedule.id)).toEqual([...created].reverse().map((schedule) => schedule.id));
    expect(summaries.every((schedule) => !("data" in schedule))).toBe(true);
  });
});
