// The catalog's schema guard (lib/event-types/schema.ts): how many evaluations one value of the
// data can get, exactly, for the shapes that matter; and what compileSchema refuses and why.
import { describe, expect, it } from "vitest";
import { compileSchema, evaluationsPerValue, MAX_EVALUATIONS_PER_VALUE, rebaseRefs, validateData } from "@/lib/event-types/schema";

describe("evaluationsPerValue", () => {
  it.each([
    ["a flat object schema", { type: "object", properties: { a: { type: "string" }, b: { type: "number" } } }, 1],
    ["two in-place branches", { anyOf: [{ type: "string" }, { type: "number" }] }, 3],
    ["a binary tree: each child gets one schema", { $defs: { node: { properties: { left: { $ref: "#/$defs/node" }, right: { $ref: "#/$defs/node" } } } }, $ref: "#/$defs/node" }, 2],
    ["a recursive list through the root", { type: "array", items: { $ref: "#" } }, 2],
    ["items and contains both apply to an item", { items: { type: "number" }, contains: { minimum: 3 } }, 2],
  ])("%s: %d", (_, schema, expected) => {
    expect(evaluationsPerValue(schema)).toBe(expected);
  });

  it("grows with depth when branches recurse (2 per level), so deep data would cost 2^depth", () => {
    const doubling = { allOf: [{ items: { $ref: "#" } }, { items: { $ref: "#" } }] };
    expect(evaluationsPerValue(doubling)).toBeGreaterThan(MAX_EVALUATIONS_PER_VALUE * 1000);
    expect("problems" in compileSchema(doubling)).toBe(true);
  });

  it("is null for an in-place loop (a schema applying itself to the same value)", () => {
    expect(evaluationsPerValue({ $defs: { a: { $ref: "#/$defs/b" }, b: { not: { $ref: "#/$defs/a" } } }, $ref: "#/$defs/a" })).toBeNull();
  });
});

describe("compileSchema", () => {
  it("compiles a usual schema and reports each error of the data under its pointer", () => {
    const compiled = compileSchema({ type: "object", required: ["id"], properties: { tags: { type: "array", items: { type: "string" } } } });
    if (!("validate" in compiled)) throw new Error(compiled.problems.join("; "));
    expect(validateData(compiled.validate, { id: 1, tags: ["a", 2] })).toEqual({ errors: [{ pointer: "/tags/1", message: "must be string" }], total: 1 });
    expect(validateData(compiled.validate, {})).toEqual({ errors: [{ pointer: "", message: "must have required property 'id'" }], total: 1 });
  });

  it("reports at most 20 errors, and how many there were", () => {
    const compiled = compileSchema({ type: "array", items: { type: "string" } });
    if (!("validate" in compiled)) throw new Error("refused");
    const result = validateData(compiled.validate, Array.from({ length: 50 }, (_, index) => index));
    expect(result.errors).toHaveLength(20);
    expect(result.total).toBe(50);
  });

  it.each([
    ["a string", "object", /must be a JSON object/],
    ["too large", { description: "x".repeat(40 * 1024) }, /at most 32 KiB/],
    ["$id", { $id: "https://example.com/s", type: "string" }, /\$id is not supported/],
    ["a lookahead", { pattern: "(?=a)" }, /cannot run in linear time/],
    ["a broken pattern", { patternProperties: { "[": {} } }, /not a valid regular expression/],
    ["uniqueItems without scalar items", { uniqueItems: true, items: { type: "object" } }, /quadratic/],
  ])("refuses %s", (_, schema, message) => {
    const compiled = compileSchema(schema);
    expect("problems" in compiled && compiled.problems.join(" ")).toMatch(message);
  });

  it("accepts uniqueItems over scalar items, boolean schemas, and unknown keywords (annotations)", () => {
    for (const schema of [{ uniqueItems: true, items: { type: ["string", "integer"] } }, true, false, { "x-internal": { anything: 1 } }]) {
      expect("validate" in compileSchema(schema), JSON.stringify(schema)).toBe(true);
    }
  });
});

describe("rebaseRefs", () => {
  it("moves local references under the new base, in schema positions only", () => {
    const schema = { properties: { a: { $ref: "#/$defs/x" }, self: { $ref: "#" }, c: { const: { $ref: "#/not/a/schema" } } }, $defs: { x: { type: "string" } } };
    expect(rebaseRefs(schema, "#/components/schemas/t")).toEqual({
      properties: { a: { $ref: "#/components/schemas/t/$defs/x" }, self: { $ref: "#/components/schemas/t" }, c: { const: { $ref: "#/not/a/schema" } } },
      $defs: { x: { type: "string" } },
    });
    expect(rebaseRefs(true, "#/x")).toEqual({});
    expect(rebaseRefs(false, "#/x")).toEqual({ not: {} });
  });
});
