// SPEC §10: every input is processed in time linear in its size. Each check times the real
// parser or validator on a 1 KiB and a 256 KiB adversarial input and compares the cost per
// byte (tests/helpers/linear-time.ts): no absolute timings, so a slow machine does not fail it,
// while a quadratic algorithm (the old placeholder regex took 22 s on 200,000 spaces) does.
import { describe, expect, it } from "vitest";
import { fillTemplate, placeholdersIn } from "@/lib/schedules/template";
import { createScheduleSchema } from "@/lib/validations/schedule";
import { MAX_PER_BYTE_RATIO, perByteCostRatio } from "../helpers/linear-time";

const values = { time: "2026-01-01T00:00:05.000Z", schedule: { id: "sch_1", name: "Ticker" }, endpoint: { id: "ep_1", name: "joe" } };
const schedule = { name: "Ticker", cron: "*/5 * * * * *", type: "hello.tick" };

/** Text of `bytes` characters: `head`, then `unit` repeated. */
const repeated = (head: string, unit: string) => (bytes: number) => head + unit.repeat(Math.ceil((bytes - head.length) / unit.length));

/** Template texts that make a backtracking placeholder regex go quadratic. */
const ADVERSARIAL_TEMPLATES: Record<string, (bytes: number) => string> = {
  "an opening brace pair then spaces": repeated("{{", " "),
  "an opening brace pair, a name, then spaces": repeated("{{time", " "),
  "an opening brace pair then a long name": repeated("{{", "a"),
  "many opening brace pairs": repeated("", "{{ "),
  "spaces and tabs between repeated openers": repeated("", "{{ \t\n"),
};

describe("schedule templates are processed in linear time", () => {
  for (const [shape, make] of Object.entries(ADVERSARIAL_TEMPLATES)) {
    it(`finding placeholders: ${shape}`, () => {
      const report = perByteCostRatio(make, (text) => placeholdersIn({ m: text }), (text) => text.length);
      expect(report.ratio, JSON.stringify(report)).toBeLessThanOrEqual(MAX_PER_BYTE_RATIO);
    });

    it(`filling placeholders: ${shape}`, () => {
      const report = perByteCostRatio(make, (text) => fillTemplate({ m: text }, values), (text) => text.length);
      expect(report.ratio, JSON.stringify(report)).toBeLessThanOrEqual(MAX_PER_BYTE_RATIO);
    });
  }

  it("validating a schedule whose data is a 256 KiB adversarial template", () => {
    const make = (bytes: number) => ({ ...schedule, data: { m: ADVERSARIAL_TEMPLATES["an opening brace pair then spaces"](bytes - 16) } });
    const report = perByteCostRatio(make, (body) => createScheduleSchema.safeParse(body), (body) => body.data.m.length);
    expect(report.ratio, JSON.stringify(report)).toBeLessThanOrEqual(MAX_PER_BYTE_RATIO);
  });
});
