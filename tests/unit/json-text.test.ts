// JSON text walked without parsing (lib/json-text.ts): the indented copy pages show, bounded,
// and the nesting depth forms check before they parse; and the form fields built on them; and
// API responses with stored JSON text spliced in, which must read exactly as JSON.stringify.
import { describe, expect, it } from "vitest";
import { indentedBody, indentedJson, jsonNestingDepth, jsonWithRawFields, pageJson } from "@/lib/json-text";
import { sendEventFormSchema } from "@/lib/validations/event";
import { eventTypeFormSchema } from "@/lib/validations/event-type";
import { MAX_FIELD_DEPTH } from "@/lib/validations/json-field";
import { scheduleFormSchema } from "@/lib/validations/schedule";

const nested = (depth: number, inner = "0") => "[".repeat(depth) + inner + "]".repeat(depth);

describe("indentedJson", () => {
  const values: unknown[] = [
    null,
    true,
    -0.5,
    1e21,
    "plain",
    'quotes " and \\ backslashes, {brackets}, [arrays], commas, colons: and \n newlines',
    "ünïcødé ✓ \u2028",
    {},
    [],
    { a: {}, b: [], c: [{}], d: [[]] },
    { order: { id: 42, items: [{ sku: "A-1", qty: 2, price: 4.2 }, { sku: "B:2", qty: 1, tags: ["x,y", "}{"] }] }, paid: false, note: null },
    [1, [2, [3, [4, []]]], "five"],
  ];

  it.each(values.map((value) => [JSON.stringify(value), value]))("writes %s exactly as JSON.stringify(value, null, 2)", (_, value) => {
    expect(indentedJson(value)).toEqual({ text: JSON.stringify(value, null, 2), indented: true });
  });

  it("stays compact when indenting would pass the limit, at the exact boundary", () => {
    const value = { a: [1, 2, { b: "c" }] };
    const pretty = JSON.stringify(value, null, 2);
    expect(indentedJson(value, pretty.length)).toEqual({ text: pretty, indented: true });
    expect(indentedJson(value, pretty.length - 1)).toEqual({ text: JSON.stringify(value), indented: false });
  });

  it("keeps deep, wide data to its compact size instead of growing with depth", () => {
    // The audit's event: 125,000 numbers 61 levels deep, 250 KB compact, 32 MB indented.
    const value = JSON.parse(nested(61, Array(125_000).fill(0).join(",")));
    const shown = indentedJson(value);
    expect(shown.indented).toBe(false);
    expect(shown.text).toBe(JSON.stringify(value));
  });

  it("indents a request body that is JSON and leaves any other text as it is", () => {
    expect(indentedBody('{"a":[1]}')).toBe('{\n  "a": [\n    1\n  ]\n}');
    expect(indentedBody("not json {")).toBe("not json {");
    expect(indentedBody(nested(40, Array(2_000).fill(0).join(",")), 1_000)).toBe(nested(40, Array(2_000).fill(0).join(",")));
  });
});

describe("jsonWithRawFields and pageJson", () => {
  const values: unknown[] = [{ a: [1, 2.5, -0, 1e21, null, true], "": "empty key", ключ: "значение" }, 'a "quoted" \\ \u2028 \ud83d\ude00', null, 0, [], {}];

  it("write what JSON.stringify writes for the object with the raw field parsed, in the object's order", () => {
    for (const data of values) {
      const object = { id: "sch_1", data: "placeholder", left: undefined, when: new Date(Date.UTC(2026, 11, 2)), last: 'x"y' };
      expect(jsonWithRawFields(object, { data: JSON.stringify(data) })).toBe(JSON.stringify({ ...object, data }));
    }
    expect(jsonWithRawFields({}, {})).toBe("{}");
    expect(jsonWithRawFields({ __proto__: null, x: 1 }, {})).toBe('{"x":1}');
  });

  it("only fields of the object are written, raw or not", () => {
    expect(jsonWithRawFields({ id: 1 }, { data: "[1]" })).toBe('{"id":1}');
  });

  it("pageJson is JSON.stringify({data, nextCursor}) of items given as text", () => {
    const items = values.map((value) => ({ value }));
    expect(pageJson(items.map((item) => JSON.stringify(item)), 'msg_"1"')).toBe(JSON.stringify({ data: items, nextCursor: 'msg_"1"' }));
    expect(pageJson([], null)).toBe('{"data":[],"nextCursor":null}');
  });
});

describe("jsonNestingDepth", () => {
  it("counts objects and arrays, not brackets inside strings", () => {
    expect(jsonNestingDepth("42")).toBe(0);
    expect(jsonNestingDepth("[]")).toBe(1);
    expect(jsonNestingDepth('{"a":[{"b":"[[[{{{"}],"c":"\\"]]"}')).toBe(3);
    expect(jsonNestingDepth(nested(20_000))).toBe(20_000);
  });
});

describe("dashboard JSON fields", () => {
  const tooDeep = nested(MAX_FIELD_DEPTH + 1);
  const deepest = nested(MAX_FIELD_DEPTH);

  it("refuse JSON nested past the API's limit beside the field, at any depth, instead of throwing", () => {
    for (const text of [tooDeep, nested(20_000)]) {
      const event = sendEventFormSchema.safeParse({ type: "order.created", data: text, orderingKey: "" });
      expect(event.error?.issues).toEqual([expect.objectContaining({ path: ["data"], message: `Data must not be nested more than ${MAX_FIELD_DEPTH} levels deep` })]);
      const eventType = eventTypeFormSchema.safeParse({ description: "", schema: text, example: text });
      expect(eventType.error?.issues.map(({ path, message }) => [path[0], message])).toEqual([
        ["schema", `Schema must not be nested more than ${MAX_FIELD_DEPTH} levels deep`],
        ["example", `Example must not be nested more than ${MAX_FIELD_DEPTH} levels deep`],
      ]);
      const schedule = scheduleFormSchema.safeParse({ name: "T", cron: "0 9 * * *", timezone: "", type: "t", data: `{"a":${text}}`, endpointId: "" });
      expect(schedule.error?.issues).toEqual([expect.objectContaining({ path: ["data"], message: `Data must not be nested more than ${MAX_FIELD_DEPTH} levels deep` })]);
    }
  });

  it("take JSON as deep as the API takes", () => {
    expect(sendEventFormSchema.parse({ type: "order.created", data: deepest, orderingKey: "" }).data).toBe(deepest);
    expect(eventTypeFormSchema.parse({ description: "", schema: "", example: deepest }).example).toEqual(JSON.parse(deepest));
  });
});
