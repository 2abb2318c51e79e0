// Placeholders in a schedule's data (lib/schedules/template.ts) and the schema that guards
// them (lib/validations/schedule.ts).
import { describe, expect, it } from "vitest";
import { fillTemplate, HELLO_TICKER_PRESET, maxFilledBytes, namesEndpoint, placeholdersIn, unknownPlaceholders } from "@/lib/schedules/template";
import { createScheduleSchema, scheduleFormSchema } from "@/lib/validations/schedule";

const values = {
  time: "2026-01-01T00:00:05.000Z",
  schedule: { id: "sch_1", name: "Ticker" },
  endpoint: { id: "ep_1", name: "joe" },
};

describe("maxFilledBytes", () => {
  it("bounds the filled data's size whatever the names, and counts unknown placeholders as written", () => {
    const data = { m: "{{ schedule.name }} {{endpoint.name}} at {{time}} ({{schedule.id}}, {{endpoint.id}}) {{nope}}" };
    const longest = "\u0001".repeat(100);
    const filled = fillTemplate(data, { time: new Date(Date.UTC(9999, 11, 31)).toISOString(), schedule: { id: `sch_${"0".repeat(26)}`, name: longest }, endpoint: { id: `ep_${"0".repeat(26)}`, name: longest } });
    expect(maxFilledBytes(data)).toBeGreaterThanOrEqual(Buffer.byteLength(JSON.stringify(filled)));
    expect(maxFilledBytes({ m: "no placeholders", n: [1, 2] })).toBe(Buffer.byteLength(JSON.stringify({ m: "no placeholders", n: [1, 2] })));
  });
});

describe("fillTemplate", () => {
  it("fills the classic greeting", () => {
    expect(fillTemplate(HELLO_TICKER_PRESET.data, values)).toEqual({ message: "Hello joe, current time is 2026-01-01T00:00:05.000Z" });
  });

  it("fills string values at any depth, leaves keys, numbers and the input untouched", () => {
    const data = { "{{time}}": 1, nested: [{ at: "{{ time }}", who: "{{endpoint.id}}/{{schedule.id}}" }, 2, null, true], by: "{{schedule.name}}" };
    const copy = structuredClone(data);
    expect(fillTemplate(data, values)).toEqual({
      "{{time}}": 1,
      nested: [{ at: "2026-01-01T00:00:05.000Z", who: "ep_1/sch_1" }, 2, null, true],
      by: "Ticker",
    });
    expect(data).toEqual(copy);
  });

  it("keeps text that merely looks like JSON or a placeholder intact (the result is re-serialised)", () => {
    const filled = fillTemplate({ quote: 'say "{{endpoint.name}}" {{unknown}}' }, { ...values, endpoint: { id: "ep_2", name: 'a "quoted" name' } });
    expect(filled).toEqual({ quote: 'say "a "quoted" name" {{unknown}}' });
    expect(JSON.parse(JSON.stringify(filled))).toEqual(filled);
  });

  it("leaves endpoint placeholders as written when there is no endpoint", () => {
    expect(fillTemplate({ m: "{{endpoint.name}} at {{time}}" }, { time: values.time, schedule: values.schedule })).toEqual({ m: `{{endpoint.name}} at ${values.time}` });
  });
});

describe("placeholders", () => {
  it("lists them and tells personal (per-endpoint) data from shared data", () => {
    expect([...placeholdersIn({ a: "{{time}} {{endpoint.name}}", b: ["{{nope}}"] })].sort()).toEqual(["endpoint.name", "nope", "time"]);
    expect(namesEndpoint(HELLO_TICKER_PRESET.data)).toBe(true);
    expect(namesEndpoint({ message: "tick at {{time}}" })).toBe(false);
    expect(unknownPlaceholders({ a: "{{endpoint.nme}}", b: "{{time}}" })).toEqual(["endpoint.nme"]);
  });
});

describe("schedule schemas", () => {
  const valid = { name: "Ticker", cron: "*/5 * * * * *", type: "hello.tick", data: { message: "Hi {{endpoint.name}}" } };

  it("fills defaults and canonicalises the time zone", () => {
    expect(createScheduleSchema.parse(valid)).toEqual({ ...valid, timezone: "UTC", endpointId: null, paused: false });
    expect(createScheduleSchema.parse({ ...valid, timezone: "europe/paris" }).timezone).toBe("Europe/Paris");
  });

  it("reports each bad field under its own name", () => {
    const result = createScheduleSchema.safeParse({ name: "", cron: "* * *", timezone: "Mars/Base", type: "bad type!", data: [1], endpointId: 5, extra: 1 });
    expect(result.success).toBe(false);
    const fields = new Set(result.error!.issues.map((issue) => String(issue.path[0] ?? "body")));
    expect([...fields].sort()).toEqual(["body", "cron", "data", "endpointId", "name", "timezone", "type"].sort());
  });

  it("refuses unknown placeholders, too-large and too-deep data", () => {
    const unknown = createScheduleSchema.safeParse({ ...valid, data: { m: "{{endpoint.nme}}" } });
    expect(unknown.error?.issues[0]).toMatchObject({ path: ["data"], message: expect.stringContaining("{{endpoint.nme}}") });
    const large = createScheduleSchema.safeParse({ ...valid, data: { blob: "x".repeat(256 * 1024) } });
    expect(large.error?.issues[0]).toMatchObject({ path: ["data"], message: "Data must be at most 256 KiB" });
    // 255 KB as written, 1.5 MB per event once a 100-character name fills each placeholder.
    const growing = createScheduleSchema.safeParse({ ...valid, data: { m: "{{schedule.name}}".repeat(15_000) } });
    expect(growing.error?.issues[0]).toMatchObject({ path: ["data"], message: expect.stringMatching(/^Data must be at most 256 KiB with its placeholders filled in/) });
    let deep: unknown = 1;
    for (let i = 0; i < 70; i++) deep = { deep };
    expect(createScheduleSchema.safeParse({ ...valid, data: deep }).error?.issues[0].message).toMatch(/nested more than 64/);
  });

  it("reads the dashboard form: JSON text, empty endpoint = all, empty timezone = UTC", () => {
    const parsed = scheduleFormSchema.parse({ name: "T", cron: "0 9 * * *", timezone: "", type: "daily.report", data: '{"a": 1}', endpointId: "" });
    expect(parsed).toEqual({ name: "T", cron: "0 9 * * *", timezone: "UTC", type: "daily.report", data: { a: 1 }, endpointId: null });
    const bad = scheduleFormSchema.safeParse({ name: "T", cron: "0 9 * * *", timezone: "UTC", type: "t", data: "{oops", endpointId: "" });
    expect(bad.error?.issues[0]).toMatchObject({ path: ["data"], message: expect.stringMatching(/^Data must be valid JSON/) });
    const notObject = scheduleFormSchema.safeParse({ name: "T", cron: "0 9 * * *", timezone: "UTC", type: "t", data: "[1, 2]", endpointId: "" });
    expect(notObject.error?.issues[0].message).toMatch(/^Data must be a JSON object/);
  });
});

describe("the placeholder scan finds what the old regex found", () => {
  // The regex the linear scan replaced (it backtracked quadratically): the reference, on short texts.
  const OLD = /\{\{\s*([A-Za-z0-9_.-]*)\s*\}\}/g;
  const PIECES = ["{", "{{", "}", "}}", " ", "\t", "\n", "\u00a0", "\u2028", "a", "Z", "9", "_", ".", "-", "time", "endpoint.name", "schedule.id", "é", "$", "x{"];

  function randomText(seed: number): string {
    let state = seed;
    const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31);
    return Array.from({ length: next() % 24 }, () => PIECES[next() % PIECES.length]).join("");
  }

  it("on 5,000 random texts: the same placeholder names, and the same filled text", () => {
    for (let seed = 1; seed <= 5_000; seed++) {
      const text = randomText(seed);
      expect([...placeholdersIn({ m: text })], JSON.stringify(text)).toEqual([...new Set([...text.matchAll(OLD)].map((match) => match[1]))]);
      const expected = text.replace(OLD, (whole, name: string) =>
        ({ time: values.time, "schedule.name": values.schedule.name, "schedule.id": values.schedule.id, "endpoint.name": values.endpoint.name, "endpoint.id": values.endpoint.id })[name] ?? whole,
      );
      expect(fillTemplate({ m: text }, values), JSON.stringify(text)).toEqual({ m: expected });
    }
  });

  it("handles the edge cases by name", () => {
    expect(fillTemplate({ m: "{{{time}}}" }, values)).toEqual({ m: `{${values.time}}` });
    expect(fillTemplate({ m: "{{ time\t}}{{time}}" }, values)).toEqual({ m: values.time + values.time });
    expect(fillTemplate({ m: "{{ time {{time}}" }, values)).toEqual({ m: `{{ time ${values.time}` });
    expect(fillTemplate({ m: "{{}}" }, values)).toEqual({ m: "{{}}" });
    expect([...placeholdersIn({ m: "{{}} {{ }}" })]).toEqual([""]);
  });

  it("data with a very large array (past what a spread into push() takes) is read without overflowing the stack", () => {
    const data = { list: Array.from({ length: 200_000 }, () => 0), m: "{{endpoint.name}}" };
    expect(namesEndpoint(data)).toBe(true);
  });
});
