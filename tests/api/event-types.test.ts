/**
 * SPEC §11 event-type catalog over real HTTP against the built server: CRUD with the contract's
 * exact DTO, names unique per account, schemas checked when stored (and refused when validating
 * against them could cost more than linear time, or too much per character), examples checked
 * against their schema, events validated on ingest (422 with JSON pointers, nothing stored; the
 * patterns' work bounded per event), other accounts unaffected, the
 * quota, and the catalog as a valid OpenAPI 3.1 document with one `webhooks` entry per type.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are JSON whose shape is asserted */
import { compileErrors, validate } from "@readme/openapi-parser";
import { beforeAll, describe, expect, it } from "vitest";
import { expectProblem, newApiClient, startApiServer, stopServersAfterAll, type ApiClient, type ApiResponse } from "../helpers/api-client";

const FIELDS = ["name", "description", "schema", "example", "deprecated", "createdAt", "updatedAt"].sort();
const ORDER_SCHEMA = {
  type: "object",
  required: ["amount", "currency"],
  properties: { amount: { type: "number", minimum: 0 }, currency: { enum: ["EUR", "USD"] }, lines: { type: "array", items: { $ref: "#/$defs/line" } } },
  $defs: { line: { type: "object", required: ["sku"], properties: { sku: { type: "string" } } } },
};
const ORDER = { name: "order.created", description: "An order was placed.", schema: ORDER_SCHEMA, example: { amount: 42, currency: "EUR" } };
const QUOTA = 4;

stopServersAfterAll();

let origin = "";
beforeAll(async () => {
  origin = (await startApiServer({ HOOKLINE_MAX_EVENT_TYPES: String(QUOTA) })).origin;
}, 120_000);

const newClient = async (label: string) => (await newApiClient(origin, label)).api;

async function create(api: ApiClient, body: Record<string, unknown>): Promise<any> {
  const response = await api.post("/api/v1/event-types", body);
  expect(response.status, response.text).toBe(201);
  return response.body;
}

/** A 422 whose `errors` has exactly these keys. */
function expectErrors(response: ApiResponse, keys: string[]): void {
  expectProblem(response, 422);
  expect(Object.keys(response.body.errors ?? {}).sort(), JSON.stringify(response.body)).toEqual([...keys].sort());
}

describe("CRUD", () => {
  it("creates, reads, lists by name, updates and deletes, with exactly the contract's fields", async () => {
    const api = await newClient("catalog-crud");
    const created = await create(api, ORDER);
    expect(Object.keys(created).sort()).toEqual(FIELDS);
    expect(created).toMatchObject({ ...ORDER, deprecated: false });
    expect((await api.get("/api/v1/event-types/order.created")).body).toEqual(created);

    await create(api, { name: "order.cancelled" });
    await create(api, { name: "invoice.paid", deprecated: true });
    const first = await api.get("/api/v1/event-types?limit=2");
    expect(first.body.data.map((type: any) => type.name)).toEqual(["invoice.paid", "order.cancelled"]);
    expect(first.body.nextCursor).toBe("order.cancelled");
    const second = await api.get(`/api/v1/event-types?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body).toEqual({ data: [created], nextCursor: null });

    const patched = await api.patch("/api/v1/event-types/order.created", { description: "Placed.", deprecated: true });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body).toMatchObject({ ...ORDER, description: "Placed.", deprecated: true });
    expect(Date.parse(patched.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(created.updatedAt));

    expect((await api.delete("/api/v1/event-types/order.created")).status).toBe(204);
    expectProblem(await api.get("/api/v1/event-types/order.created"), 404);
    expectProblem(await api.delete("/api/v1/event-types/order.created"), 404);
  });

  it("keeps names unique per account (409), refuses bad and reserved names (422), and another account's entries are not found", async () => {
    const api = await newClient("catalog-names");
    await create(api, { name: "user.signed_up" });
    expectProblem(await api.post("/api/v1/event-types", { name: "user.signed_up" }), 409);
    expectErrors(await api.post("/api/v1/event-types", { name: "has space" }), ["name"]);
    for (const reserved of ["openapi.json", ".", ".."]) expectErrors(await api.post("/api/v1/event-types", { name: reserved }), ["name"]);
    expectErrors(await api.post("/api/v1/event-types", { name: "x", unknown: 1 }), ["body"]);

    const other = await newClient("catalog-other");
    expectProblem(await other.get("/api/v1/event-types/user.signed_up"), 404);
    expectProblem(await other.patch("/api/v1/event-types/user.signed_up", { description: "mine now" }), 404);
    expectProblem(await other.delete("/api/v1/event-types/user.signed_up"), 404);
    // The same name is free in another account.
    await create(other, { name: "user.signed_up" });
    expect((await api.get("/api/v1/event-types/user.signed_up")).body.description).toBe("");
  });

  it(`caps the catalog at HOOKLINE_MAX_EVENT_TYPES (${QUOTA}) with a 403 that says how to make room`, async () => {
    const api = await newClient("catalog-quota");
    for (let index = 0; index < QUOTA; index++) await create(api, { name: `quota.${index}` });
    const refused = await api.post("/api/v1/event-types", { name: "quota.more" });
    expectProblem(refused, 403);
    expect(refused.body.detail).toMatch(/HOOKLINE_MAX_EVENT_TYPES/);
    expect((await api.get("/api/v1/event-types?limit=200")).body.data).toHaveLength(QUOTA);
  });
});

describe("schemas and examples are checked when stored", () => {
  it.each([
    ["an invalid JSON Schema", { type: "nonsense" }, /must be equal to one of the allowed values/],
    ["a remote $ref", { $ref: "https://example.com/schema.json" }, /\$ref must be local/],
    ["a pattern that needs backtracking", { type: "string", pattern: "^(a)\\1$" }, /cannot run in linear time/],
    ["uniqueItems over objects (pairwise, quadratic)", { type: "array", uniqueItems: true }, /quadratic/],
    ["combinations that multiply with depth", { allOf: [{ items: { $ref: "#" } }, { items: { $ref: "#" } }] }, /more than 64 times/],
    ["a $ref loop that never descends", { $defs: { a: { anyOf: [{ $ref: "#/$defs/a" }] } }, $ref: "#/$defs/a" }, /never ends/],
    ["another dialect", { $schema: "http://json-schema.org/draft-07/schema#" }, /\$schema must be/],
    ["a pattern over the length bound", { type: "object", properties: { s: { type: "string", pattern: `${"a*".repeat(1000)}c` } } }, /2001 characters long; at most 256/],
    [
      "1,000 patternProperties, each tested against every key",
      { additionalProperties: false, patternProperties: Object.fromEntries(Array.from({ length: 1000 }, (_, index) => [`^z${index}$`, true])) },
      /patterns may take more than 256 steps per character of the data/,
    ],
  ])("refuses %s under `schema`", async (_, schema, message) => {
    const api = await newClient("catalog-schema");
    const response = await api.post("/api/v1/event-types", { name: "checked", schema });
    expectErrors(response, ["schema"]);
    expect(response.body.errors.schema.join(" ")).toMatch(message);
  });

  it("refuses an example that does not match its schema, on create and when a PATCH changes either", async () => {
    const api = await newClient("catalog-example");
    const response = await api.post("/api/v1/event-types", { ...ORDER, example: { amount: -1, currency: "EUR" } });
    expectErrors(response, ["example/amount"]);
    expect(response.body.errors["example/amount"][0]).toMatch(/>= 0/);

    await create(api, ORDER);
    const stricter = { ...ORDER_SCHEMA, properties: { ...ORDER_SCHEMA.properties, amount: { type: "integer", minimum: 100 } } };
    expectErrors(await api.patch("/api/v1/event-types/order.created", { schema: stricter }), ["example/amount"]);
    expectErrors(await api.patch("/api/v1/event-types/order.created", { example: { currency: "GBP" } }), ["example", "example/currency"]);
    // Nothing was stored by the refused writes.
    expect((await api.get("/api/v1/event-types/order.created")).body).toMatchObject(ORDER);
    // Both at once, consistent: accepted.
    const both = await api.patch("/api/v1/event-types/order.created", { schema: stricter, example: { amount: 150, currency: "USD" } });
    expect(both.status, both.text).toBe(200);
  });
});

describe("events are validated against their type's schema on ingest", () => {
  it("accepts matching data, refuses the rest with each error under its JSON pointer and stores nothing, and follows the catalog's changes at once", async () => {
    const api = await newClient("catalog-ingest");
    await create(api, ORDER);
    const accepted = await api.post("/api/v1/events", { type: "order.created", data: { amount: 10, currency: "USD", lines: [{ sku: "A-1" }] } });
    expect(accepted.status, accepted.text).toBe(202);

    const refused = await api.post("/api/v1/events", { type: "order.created", data: { amount: "ten", currency: "GBP", lines: [{ sku: 7 }, {}] } });
    expectErrors(refused, ["/data/amount", "/data/currency", "/data/lines/0/sku", "/data/lines/1"]);
    expect(refused.body.errors["/data/amount"][0]).toMatch(/must be number/);
    expect(refused.body.errors["/data/lines/1"][0]).toMatch(/required property 'sku'/);
    expect(refused.body.detail).toMatch(/order\.created/);
    expectErrors(await api.post("/api/v1/events", { type: "order.created", data: [1, 2] }), ["/data"]);
    const listed = (await api.get("/api/v1/events?type=order.created")).body.data;
    expect(listed.map((event: any) => event.id)).toEqual([accepted.body.id]);

    // Types without a schema, or not in the catalog, take any data.
    await create(api, { name: "note.added" });
    expect((await api.post("/api/v1/events", { type: "note.added", data: "anything" })).status).toBe(202);
    expect((await api.post("/api/v1/events", { type: "not.in.catalog", data: { amount: "ten" } })).status).toBe(202);

    // A changed schema applies to the next event; a deleted entry validates nothing.
    await api.patch("/api/v1/event-types/order.created", { schema: { type: "object" }, example: null });
    expect((await api.post("/api/v1/events", { type: "order.created", data: { amount: "ten" } })).status).toBe(202);
    await api.patch("/api/v1/event-types/order.created", { schema: { type: "object", required: ["id"] } });
    expectErrors(await api.post("/api/v1/events", { type: "order.created", data: {} }), ["/data"]);
    await api.delete("/api/v1/event-types/order.created");
    expect((await api.post("/api/v1/events", { type: "order.created", data: [] })).status).toBe(202);
  });

  it("does not apply one account's schema to another account's events", async () => {
    const owner = await newClient("catalog-owner");
    await create(owner, { name: "shared.name", schema: { type: "string" } });
    const other = await newClient("catalog-stranger");
    expect((await other.post("/api/v1/events", { type: "shared.name", data: { not: "a string" } })).status).toBe(202);
    expectErrors(await owner.post("/api/v1/events", { type: "shared.name", data: { not: "a string" } }), ["/data"]);
  });

  it("runs a nested-quantifier pattern in linear time: a 200,000-character near-match is answered (backtracking would not end)", async () => {
    const api = await newClient("catalog-redos");
    await create(api, { name: "text.sent", schema: { type: "object", properties: { text: { type: "string", pattern: "^(a+)+$" } } } });
    const response = await api.post("/api/v1/events", { type: "text.sent", data: { text: `${"a".repeat(200_000)}!` } });
    expectErrors(response, ["/data/text"]);
    expect(response.body.errors["/data/text"][0]).toMatch(/must match pattern/);
    expect((await api.post("/api/v1/events", { type: "text.sent", data: { text: "a".repeat(200_000) } })).status).toBe(202);
  });

  it("refuses data whose pattern checks would pass the validation's budget, under /data, without running them", async () => {
    const api = await newClient("catalog-pattern-budget");
    // \S is 11 ranges: ~39 estimated steps per character, more than the 32 per character of data the budget grows by.
    await create(api, { name: "text.sent", schema: { type: "object", properties: { text: { type: "string", pattern: "^\\S+$" } } } });
    const response = await api.post("/api/v1/events", { type: "text.sent", data: { text: "a".repeat(200_000) } });
    expectErrors(response, ["/data"]);
    expect(response.body.errors["/data"][0]).toMatch(/patterns would take more than 1048576 steps plus 32 per character/);
    expect((await api.post("/api/v1/events", { type: "text.sent", data: { text: "a".repeat(1000) } })).status).toBe(202);
  });
});

describe("GET /api/v1/event-types/openapi.json", () => {
  it("is a valid OpenAPI 3.1 document with one webhooks entry per type, data described by the type's schema", async () => {
    const api = await newClient("catalog-openapi");
    await create(api, ORDER);
    await create(api, { name: "order.tree", description: "Recursive.", deprecated: true, schema: { type: "object", properties: { children: { type: "array", items: { $ref: "#" } } } } });
    await create(api, { name: "ping" });
    const response = await api.get("/api/v1/event-types/openapi.json");
    expect(response.status, response.text).toBe(200);
    const document = response.body;
    expect(document.openapi).toBe("3.1.0");
    expect(Object.keys(document.webhooks).sort()).toEqual(["order.created", "order.tree", "ping"]);

    const order = document.webhooks["order.created"].post;
    expect(order.description).toBe(ORDER.description);
    expect(order.parameters.map((parameter: any) => parameter.name)).toEqual(["webhook-id", "webhook-timestamp", "webhook-signature"]);
    const body = order.requestBody.content["application/json"];
    expect(body.schema.properties.data).toEqual({ $ref: "#/components/schemas/order.created" });
    expect(body.example.data).toEqual(ORDER.example);
    // The type's own references now point inside the document.
    expect(document.components.schemas["order.created"].properties.lines.items).toEqual({ $ref: "#/components/schemas/order.created/$defs/line" });
    expect(document.components.schemas["order.tree"].properties.children.items).toEqual({ $ref: "#/components/schemas/order.tree" });
    expect(document.webhooks["order.tree"].post.deprecated).toBe(true);
    expect(document.webhooks.ping.post.requestBody.content["application/json"].schema.properties.data).toEqual({});

    // validate() dereferences in place: give it a copy.
    const result = await validate(structuredClone(document) as never);
    expect(result.valid ? "" : compileErrors(result)).toBe("");
    expect(result.warnings).toEqual([]);
  });

  it("needs an API key and shows only the caller's catalog", async () => {
    expect((await fetch(`${origin}/api/v1/event-types/openapi.json`)).status).toBe(401);
    const api = await newClient("catalog-empty");
    const empty = await api.get("/api/v1/event-types/openapi.json");
    expect(empty.body.webhooks).toEqual({});
  });
});
