/**
 * HOOKLINE_MAX_CATALOG_BYTES over real HTTP on both engines: an account's event-type schemas and
 * examples together stay within it. A create or a change that would pass it is refused with a
 * 403 naming the variable and stores nothing; a change that keeps within it (or does not touch
 * the schema and example) passes; deleting an entry makes room; parallel creates cannot pass it
 * together; and another account has its own room.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db";
import { expectProblem, newApiClient, startApiServer, stopServersAfterAll, type ApiClient, type ApiResponse } from "../helpers/api-client";

/** Room for three entries of ENTRY_BYTES, not four. */
const LIMIT = 10_000;
const ENTRY_BYTES = 3_000;

stopServersAfterAll();

let origin = "";
beforeAll(async () => {
  origin = (await startApiServer({ HOOKLINE_MAX_CATALOG_BYTES: String(LIMIT) })).origin;
}, 120_000);

/** An example whose JSON text is exactly `bytes` long. */
const exampleOf = (bytes: number) => ({ note: "x".repeat(bytes - '{"note":""}'.length) });

function expectTooLarge(response: ApiResponse): void {
  expectProblem(response, 403);
  expect(response.body.detail).toMatch(/HOOKLINE_MAX_CATALOG_BYTES/);
}

async function catalog(api: ApiClient): Promise<Array<{ name: string; example: unknown; description: string }>> {
  return (await api.get("/api/v1/event-types?limit=200")).body.data;
}

describe("the catalog's size (HOOKLINE_MAX_CATALOG_BYTES=10000)", () => {
  it("refuses a create or a change past it, storing nothing; changes within it pass; a delete makes room", async () => {
    const { api } = await newApiClient(origin, "catalog-size");
    for (const name of ["a.one", "a.two", "a.three"]) expect((await api.post("/api/v1/event-types", { name, example: exampleOf(ENTRY_BYTES) })).status).toBe(201);
    const before = await catalog(api);

    expectTooLarge(await api.post("/api/v1/event-types", { name: "a.four", example: exampleOf(ENTRY_BYTES) }));
    // The schema counts as well as the example.
    expectTooLarge(await api.post("/api/v1/event-types", { name: "a.four", schema: { description: "y".repeat(ENTRY_BYTES) } }));
    expectTooLarge(await api.patch("/api/v1/event-types/a.one", { example: exampleOf(ENTRY_BYTES * 2) }));
    expectTooLarge(await api.patch("/api/v1/event-types/a.one", { schema: { description: "y".repeat(ENTRY_BYTES) } }));
    expect(await catalog(api)).toEqual(before);

    // What fits: a small new entry, a change that does not grow the catalog, or one that shrinks it.
    expect((await api.post("/api/v1/event-types", { name: "a.small", example: { n: 1 } })).status).toBe(201);
    const described = await api.patch("/api/v1/event-types/a.one", { description: "Still the same size." });
    expect(described.status, described.text).toBe(200);
    expect(described.body.example).toEqual(exampleOf(ENTRY_BYTES));
    const shrunk = await api.patch("/api/v1/event-types/a.two", { example: { n: 2 } });
    expect(shrunk.status, shrunk.text).toBe(200);
    // Now the room a.two gave up: a.one may grow into it, as long as the whole stays within the limit.
    expect((await api.patch("/api/v1/event-types/a.one", { example: exampleOf(ENTRY_BYTES * 2) })).status).toBe(200);
    expectTooLarge(await api.post("/api/v1/event-types", { name: "a.four", example: exampleOf(ENTRY_BYTES) }));

    expect((await api.delete("/api/v1/event-types/a.one")).status).toBe(204);
    expect((await api.post("/api/v1/event-types", { name: "a.four", example: exampleOf(ENTRY_BYTES) })).status).toBe(201);

    // Another account has its own room.
    const { api: other } = await newApiClient(origin, "catalog-size-other");
    for (const name of ["b.one", "b.two", "b.three"]) expect((await other.post("/api/v1/event-types", { name, example: exampleOf(ENTRY_BYTES) })).status).toBe(201);
  });

  it("a catalog already past it (the limit lowered, or older rows) can still be made smaller, and changed without growing", async () => {
    const { api, userId } = await newApiClient(origin, "catalog-size-over");
    expect((await api.post("/api/v1/event-types", { name: "c.one", example: exampleOf(ENTRY_BYTES) })).status).toBe(201);
    expect((await api.post("/api/v1/event-types", { name: "c.two", example: exampleOf(ENTRY_BYTES) })).status).toBe(201);
    // Written past the quota, as a database from before it could hold it.
    await prisma.eventType.updateMany({ where: { userId, name: "c.two" }, data: { example: JSON.stringify(exampleOf(LIMIT)) } });

    expectTooLarge(await api.patch("/api/v1/event-types/c.one", { example: exampleOf(ENTRY_BYTES + 1) }));
    expect((await api.patch("/api/v1/event-types/c.one", { description: "unchanged size" })).status).toBe(200);
    expect((await api.patch("/api/v1/event-types/c.two", { deprecated: true })).status).toBe(200);
    const smaller = await api.patch("/api/v1/event-types/c.two", { example: exampleOf(LIMIT - 1) });
    expect(smaller.status, smaller.text).toBe(200);
    expect(smaller.body.example).toEqual(exampleOf(LIMIT - 1));
    expectTooLarge(await api.post("/api/v1/event-types", { name: "c.three", example: { n: 3 } }));
  });

  it("8 parallel creates of 3,000 bytes each store exactly 3; parallel changes cannot pass it together either", async () => {
    const { api } = await newApiClient(origin, "catalog-size-race");
    const created = await Promise.all(Array.from({ length: 8 }, (_, index) => api.post("/api/v1/event-types", { name: `race.${index}`, example: exampleOf(ENTRY_BYTES) })));
    expect(created.map((response) => response.status).sort()).toEqual([201, 201, 201, 403, 403, 403, 403, 403]);
    expect(await catalog(api)).toHaveLength(3);

    const names = (await catalog(api)).map((entry) => entry.name);
    // Each of the three grows by 500 bytes at once, with 1,000 free: two can.
    const grown = await Promise.all(names.map((name) => api.patch(`/api/v1/event-types/${name}`, { example: exampleOf(ENTRY_BYTES + 500) })));
    expect(grown.map((response) => response.status).sort()).toEqual([200, 200, 403]);
    const sizes = (await catalog(api)).map((entry) => JSON.stringify(entry.example).length);
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBeLessThanOrEqual(LIMIT);
  });
});
