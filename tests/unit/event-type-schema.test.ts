// The catalog's schema guard (lib/event-types/schema.ts): how many evaluations one value of the
// data can get, exactly, for the shapes that matter; what compileSchema refuses and why; and the
// patterns' bounds, when a schema is saved and, for every schema, on each validation.
import { describe, expect, it } from "vitest";
import {
  compileSchema,
  evaluationsPerValue,
  MAX_EVALUATIONS_PER_VALUE,
  MAX_PATTERN_LENGTH,
  MAX_PATTERN_STEPS_PER_CHAR,
  patternStepsPerChar,
  rebaseRefs,
  validateData,
} from "@/lib/event-types/schema";

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

  it("counts boolean schemas: each is an evaluation", () => {
    expect(evaluationsPerValue({ anyOf: Array(MAX_EVALUATIONS_PER_VALUE).fill(false) })).toBe(MAX_EVALUATIONS_PER_VALUE + 1);
    expect(evaluationsPerValue({ additionalProperties: false, patternProperties: { "^a": true, "^b": false } })).toBe(3);
    expect(evaluationsPerValue(true)).toBe(1);
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

/** The audit's schemas: one long pattern of loops, and 1,000 patternProperties every key is tested against. */
const LONG_PATTERN = { type: "object", properties: { s: { type: "string", pattern: `${"a*".repeat(1000)}c` } } };
const patternProperties = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, index) => [`^z${index}$`, true]));
const MANY_PATTERN_PROPERTIES = { additionalProperties: false, patternProperties: patternProperties(1000) };
const problemsOf = (schema: unknown, options?: { patternBounds?: boolean }) => {
  const compiled = compileSchema(schema, options);
  return "problems" in compiled ? compiled.problems.join(" ") : "";
};
function validatorOf(schema: unknown, options?: { patternBounds?: boolean }) {
  const compiled = compileSchema(schema, options);
  if (!("validate" in compiled)) throw new Error(compiled.problems.join("; "));
  return compiled.validate;
}

describe("patterns, when a schema is saved", () => {
  it("refuses a pattern longer than MAX_PATTERN_LENGTH, naming it and the limit", () => {
    expect(problemsOf(LONG_PATTERN)).toMatch(/^\/properties\/s\/pattern: the pattern "a\*a\*.*…" is 2001 characters long; at most 256$/);
    expect(problemsOf({ pattern: `^${"a".repeat(MAX_PATTERN_LENGTH)}` })).toMatch(/257 characters long; at most 256/);
  });

  it("refuses a short pattern whose compiled program is large: length alone does not bound the work", () => {
    expect(problemsOf({ type: "string", pattern: "(\\S{16})*" })).toMatch(/^\/pattern: the pattern "\(\\\\S\{16\}\)\*" may take 544 steps per character of the data it checks; at most 256 /);
  });

  it("refuses patternProperties whose tests add up past MAX_PATTERN_STEPS_PER_CHAR, booleans included", () => {
    expect(patternStepsPerChar(MANY_PATTERN_PROPERTIES)).toBeGreaterThan(MAX_PATTERN_STEPS_PER_CHAR);
    expect(problemsOf(MANY_PATTERN_PROPERTIES)).toMatch(/^The schema's patterns may take more than 256 steps per character of the data \(.*patternProperties.*\): use fewer or simpler patterns$/);
  });

  it("adds up every pattern that applies to one value, and counts patternProperties twice with additionalProperties", () => {
    // "^z0$" is 5 steps per character plus half of 9 per call: 10 per character of the data.
    expect(patternStepsPerChar({ patternProperties: patternProperties(12) })).toBe(120);
    expect(patternStepsPerChar({ additionalProperties: false, patternProperties: patternProperties(12) })).toBe(240);
    expect(patternStepsPerChar({ pattern: "^z0$", allOf: [{ pattern: "^z1$" }, { $ref: "#/$defs/z" }], $defs: { z: { pattern: "^z2$" } } })).toBe(30);
    expect(patternStepsPerChar({ type: "array", items: { pattern: "^z0$" } })).toBe(10);
  });

  it("accepts schemas just under the bounds, and validates with them", () => {
    const longest = `^${"a".repeat(MAX_PATTERN_LENGTH - 2)}$`;
    const underBounds = { type: "object", additionalProperties: false, patternProperties: patternProperties(12), properties: { s: { type: "string", pattern: longest } } };
    expect(problemsOf(underBounds)).toBe("");
    expect(problemsOf({ additionalProperties: false, patternProperties: patternProperties(13) })).toMatch(/more than 256 steps per character/);
    const validate = validatorOf(underBounds);
    expect(validateData(validate, { z3: 1, s: longest.slice(1, -1) })).toEqual({ errors: [], total: 0 });
    expect(validateData(validate, { z12: 1, s: "a" })).toEqual({
      errors: [
        { pointer: "", message: 'must NOT have additional properties ("z12")' },
        { pointer: "/s", message: `must match pattern "${longest}"` },
      ],
      total: 2,
    });
  });

  it("refuses $async, whose validator would answer with a promise", () => {
    expect(problemsOf({ $async: true, type: "string" })).toMatch(/\$async is not supported/);
  });
});

describe("patterns, on every validation (the meter)", () => {
  const METER = /^checking this data against the schema's patterns would take more than 1048576 steps plus 32 per character of its JSON/;

  it("validates a schema stored before the save-time bounds, and refuses, before running it, data its pattern would take long over", () => {
    expect(problemsOf(LONG_PATTERN)).not.toBe("");
    const validate = validatorOf(LONG_PATTERN, { patternBounds: false });
    expect(validateData(validate, { s: "aaac" })).toEqual({ errors: [], total: 0 });
    expect(validateData(validate, { s: "b" }).errors).toEqual([{ pointer: "/s", message: expect.stringMatching(/^must match pattern/) }]);
    // The audit's event: 465 ms before; ~40 million estimated steps, so the test is never run.
    const refused = validateData(validate, { s: "a".repeat(10_000) });
    expect(refused).toEqual({ errors: [{ pointer: "", message: expect.stringMatching(METER) }], total: 1 });
  });

  it("stops an object whose keys would be tested against many stored patternProperties too often", () => {
    const stored = { additionalProperties: false, patternProperties: patternProperties(60) };
    expect(problemsOf(stored)).toMatch(/more than 256 steps per character/);
    const validate = validatorOf(stored, { patternBounds: false });
    expect(validateData(validate, { z1: 1, z59: 2 })).toEqual({ errors: [], total: 0 });
    expect(validateData(validate, { z1: 1, y: 2 }).errors).toEqual([{ pointer: "", message: 'must NOT have additional properties ("y")' }]);
    const manyKeys = Object.fromEntries(Array.from({ length: 20_000 }, (_, index) => [`k${index}`, 0]));
    expect(validateData(validate, manyKeys)).toEqual({ errors: [{ pointer: "", message: expect.stringMatching(METER) }], total: 1 });
  });

  it("keeps the evaluation bound for stored schemas: 1,000 boolean patternProperties compile to nothing, as any stored schema a stricter release refuses", () => {
    expect(problemsOf(MANY_PATTERN_PROPERTIES, { patternBounds: false })).toMatch(/more than 64 times/);
  });

  it("grows with the data: text that one pattern checks at a few steps per character passes at any size", () => {
    const uuid = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$";
    const validate = validatorOf({ type: "array", items: { type: "string", pattern: uuid } });
    // ~230 KiB of UUIDs, each checked.
    expect(validateData(validate, Array(6000).fill("0123abcd-0123-4567-89ab-0123456789ab"))).toEqual({ errors: [], total: 0 });
    const costly = validatorOf({ type: "string", pattern: "^\\S+$" });
    expect(validateData(costly, "a".repeat(1000))).toEqual({ errors: [], total: 0 });
    expect(validateData(costly, "a".repeat(200_000)).errors[0].message).toMatch(METER);
  });

  it("is the only way to run a compiled validator: run outside validateData, its patterns refuse", () => {
    const validate = validatorOf({ type: "string", pattern: "^\\S+$" });
    expect(() => validate("abc")).toThrow(/validateData/);
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

describe("memory", () => {
  it("keeps nothing of a compiled schema once its validator is dropped", async () => {
    const { setFlagsFromString } = await import("node:v8");
    const { runInNewContext } = await import("node:vm");
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    // A shared compiler kept every schema it compiled (an account saving schemas in a loop grew
    // the server without bound); the schema must be collectable with its validator.
    const schemas = Array.from({ length: 20 }, (_, index) => ({ type: "object", description: `schema ${index}`, properties: { a: { type: "string", pattern: `^a${index}$` } } }));
    const refs = schemas.map((schema) => new WeakRef(schema));
    for (const schema of schemas.splice(0)) expect("validate" in compileSchema(schema)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 0));
    gc();
    await new Promise((resolve) => setTimeout(resolve, 0));
    gc();
    // The last schema checked may still be referenced (the meta-schema check's last data); none before it.
    const alive = refs.flatMap((ref, index) => (ref.deref() === undefined ? [] : [index]));
    expect(alive.filter((index) => index !== refs.length - 1)).toEqual([]);
  });
});
