// SPEC §10: every input is processed in time linear in its size. Each check times the real
// parser or validator on a 1 KiB and a 256 KiB adversarial input and compares the cost per
// byte (tests/helpers/linear-time.ts): no absolute timings, so a slow machine does not fail it,
// while a quadratic algorithm (the old placeholder regex took 22 s on 200,000 spaces) does.
import { describe, expect, it } from "vitest";
import { matchesEventTypes } from "@/lib/events/filter";
import { fillTemplate, placeholdersIn } from "@/lib/schedules/template";
import { createEndpointApiSchema, endpointSettingsFormSchema, updateEndpointSchema } from "@/lib/validations/endpoint";
import { createScheduleSchema } from "@/lib/validations/schedule";
import { deliveryListQuerySchema } from "@/lib/validations/delivery";
import { createEventSchema } from "@/lib/validations/event";
import { signInSchema, signUpSchema } from "@/lib/validations/auth";
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

/** Asserts that `process` costs no more per byte on 256 KiB than on 1 KiB (within the factor). */
function expectLinear<T>(make: (bytes: number) => T, process: (input: T) => unknown, sizeOf: (input: T) => number) {
  const report = perByteCostRatio(make, process, sizeOf);
  expect(report.ratio, JSON.stringify(report)).toBeLessThanOrEqual(MAX_PER_BYTE_RATIO);
}

const length = (text: string) => text.length;
const settingsForm = { name: "Receiver", url: "https://example.com/hooks", description: "", eventTypes: "", headers: "" };

/** Event-type filter texts that make a backtracking pattern work hard. */
const ADVERSARIAL_FILTERS: Record<string, (bytes: number) => string> = {
  "a long name": repeated("", "a"),
  "a long name ending badly": (bytes) => `${"a".repeat(bytes - 1)}!`,
  "dots before a missing star": (bytes) => `${"a.".repeat(bytes / 2 - 1)}.`,
  "a wildcard with a long prefix": (bytes) => `${"a".repeat(bytes - 2)}.*`,
};

describe("event-type filters are processed in linear time", () => {
  for (const [shape, make] of Object.entries(ADVERSARIAL_FILTERS)) {
    it(`the API's filter list: ${shape}`, () => {
      expectLinear(make, (filter) => updateEndpointSchema.safeParse({ eventTypes: [filter] }), length);
    });
    it(`the endpoint page's filter text: ${shape}`, () => {
      expectLinear(make, (filter) => endpointSettingsFormSchema.safeParse({ ...settingsForm, eventTypes: filter }), length);
    });
    it(`matching a stored filter against a type: ${shape}`, () => {
      expectLinear(make, (filter) => matchesEventTypes([filter, `${filter}.*`], filter), length);
    });
  }

  it("the filter text split into many filters (separators and short names)", () => {
    expectLinear(repeated("", "a, \n"), (text) => endpointSettingsFormSchema.safeParse({ ...settingsForm, eventTypes: text }), length);
    expectLinear(repeated("", " ,\t"), (text) => endpointSettingsFormSchema.safeParse({ ...settingsForm, eventTypes: text }), length);
  });
});

/** Custom header values (and lines of the header text) that make a backtracking pattern work hard. */
const ADVERSARIAL_HEADER_VALUES: Record<string, (bytes: number) => string> = {
  "a long value": repeated("", "a"),
  "spaces, then a line break at the end": (bytes) => `${" ".repeat(bytes - 1)}\n`,
  "colons": repeated("", ":"),
  "carriage returns": repeated("", "\r"),
};

describe("custom headers are processed in linear time", () => {
  for (const [shape, make] of Object.entries(ADVERSARIAL_HEADER_VALUES)) {
    it(`a header value in the API: ${shape}`, () => {
      expectLinear(make, (value) => createEndpointApiSchema.safeParse({ name: "R", url: "https://example.com/", headers: { "x-tenant": value } }), length);
    });
    it(`a header line in the endpoint page's text: ${shape}`, () => {
      expectLinear(make, (value) => endpointSettingsFormSchema.safeParse({ ...settingsForm, headers: `X-Tenant: ${value}` }), length);
    });
  }

  it("a long header name, and many header lines", () => {
    expectLinear(repeated("x", "-"), (name) => updateEndpointSchema.safeParse({ headers: { [name]: "v" } }), length);
    expectLinear(repeated("", "X-A: b\r\n"), (text) => endpointSettingsFormSchema.safeParse({ ...settingsForm, headers: text }), length);
  });
});

describe("other client input is processed in linear time", () => {
  it("cron text is refused by its length before croner reads it", () => {
    for (const unit of [" ", "*/", "1,", "* "]) {
      expectLinear(repeated("*", unit), (cron) => createScheduleSchema.safeParse({ ...schedule, cron }), length);
    }
    const refused = createScheduleSchema.safeParse({ ...schedule, cron: "* ".repeat(1000) });
    expect(refused.error?.issues.find((issue) => issue.path[0] === "cron")?.message).toBe("Cron must be at most 200 characters");
  });

  it("event types, timezones and schedule names", () => {
    expectLinear(repeated("", "a"), (type) => createEventSchema.safeParse({ type, data: null }), length);
    expectLinear(repeated("a", "."), (type) => createScheduleSchema.safeParse({ ...schedule, type }), length);
    expectLinear(repeated("Europe/", "a"), (timezone) => createScheduleSchema.safeParse({ ...schedule, timezone }), length);
  });

  it("emails at sign-up and sign-in are refused by their length before the email pattern runs", () => {
    for (const make of [repeated("", "a"), repeated("a@", "a."), repeated("", "a.-")]) {
      expectLinear(make, (email) => signUpSchema.safeParse({ email, password: "correct horse" }), length);
      expectLinear(make, (email) => signInSchema.safeParse({ email, password: "correct horse" }), length);
    }
  });

  it("query strings of the delivery log", () => {
    for (const make of [repeated("2026-11-28T00:00:00", "0"), repeated("2026-11-28T00:00:00.", "1"), repeated("", "+")]) {
      expectLinear(make, (since) => deliveryListQuerySchema.safeParse({ since, until: since }), length);
    }
    expectLinear(repeated("", "x"), (cursor) => deliveryListQuerySchema.safeParse({ cursor, eventType: cursor, endpointId: cursor }), length);
  });
});
