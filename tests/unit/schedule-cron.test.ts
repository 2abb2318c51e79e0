// Cron arithmetic for schedules (lib/schedules/cron.ts): validation, run times in a time zone
// (daylight saving included), and which tick fires after a delay or downtime.
import { describe, expect, it } from "vitest";
import { canonicalTimezone, cronProblem, latestRunAtOrBefore, MAX_LAG_MS, nextRunAfter, nextRunTimes, planTick } from "@/lib/schedules/cron";

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

describe("cronProblem", () => {
  it("accepts five fields, or six with seconds first", () => {
    expect(cronProblem("*/5 * * * * *")).toBeNull();
    expect(cronProblem("0 9 * * 1-5")).toBeNull();
    expect(cronProblem("  0 0 1 * *  ")).toBeNull();
    expect(cronProblem("0 30 8 * * MON")).toBeNull();
  });

  it("refuses other field counts, dates and nicknames, naming the expected shape", () => {
    for (const text of ["* * * * * * *", "* * * *", "@hourly", "2026-01-01T00:00:00Z"]) {
      expect(cronProblem(text), text).toMatch(/5 fields .* or 6 with seconds first/);
    }
    expect(cronProblem("")).toBe("Cron is required");
    expect(cronProblem("   ")).toBe("Cron is required");
  });

  it("refuses values out of range, bad steps and junk, with croner's reason", () => {
    expect(cronProblem("61 * * * *")).toMatch(/^Not a valid cron expression: .*minute.*61/);
    expect(cronProblem("*/0 * * * *")).toMatch(/^Not a valid cron expression: .*stepping/);
    expect(cronProblem("a b c d e")).toMatch(/^Not a valid cron expression/);
    expect(cronProblem("0 25 * * *")).toMatch(/^Not a valid cron expression: .*hour/);
  });

  it("refuses an expression that never runs, and one that is too long", () => {
    expect(cronProblem("0 0 30 2 *")).toBe("This cron expression never runs");
    expect(cronProblem(`0 ${"1,".repeat(120)}2 * * *`)).toMatch(/at most 200 characters/);
  });
});

describe("canonicalTimezone", () => {
  it("accepts IANA names in any letter case and returns the canonical spelling", () => {
    expect(canonicalTimezone("UTC")).toBe("UTC");
    expect(canonicalTimezone("utc")).toBe("UTC");
    expect(canonicalTimezone("Europe/Paris")).toBe("Europe/Paris");
    expect(canonicalTimezone("america/new_york")).toBe("America/New_York");
    expect(canonicalTimezone(" Asia/Tokyo ")).toBe("Asia/Tokyo");
  });

  it("refuses unknown zones, offsets and empty text", () => {
    for (const text of ["Mars/Olympus", "Europe/Pariss", "+01:00", "GMT+1:00", "", "Europe/Paris; DROP", "x".repeat(65)]) {
      expect(canonicalTimezone(text), text).toBeNull();
    }
  });
});

describe("run times", () => {
  it("lists the next runs strictly after a time, with seconds", () => {
    const runs = nextRunTimes("*/5 * * * * *", "UTC", at("2026-01-01T00:00:05.000Z"), 3).map(iso);
    expect(runs).toEqual(["2026-01-01T00:00:10.000Z", "2026-01-01T00:00:15.000Z", "2026-01-01T00:00:20.000Z"]);
  });

  it("reads the expression in the schedule's time zone, across a daylight-saving change", () => {
    // Paris moves from UTC+1 to UTC+2 on 2026-03-29: 09:00 local is 08:00Z, then 07:00Z.
    const runs = nextRunTimes("0 9 * * *", "Europe/Paris", at("2026-03-27T12:00:00Z"), 3).map(iso);
    expect(runs).toEqual(["2026-03-28T08:00:00.000Z", "2026-03-29T07:00:00.000Z", "2026-03-30T07:00:00.000Z"]);
    expect(iso(nextRunAfter("0 9 * * *", "America/New_York", at("2026-01-05T00:00:00Z")))).toBe("2026-01-05T14:00:00.000Z");
  });

  it("finds the latest run at or before a time (a run exactly then counts)", () => {
    expect(iso(latestRunAtOrBefore("*/5 * * * * *", "UTC", at("2026-01-01T00:00:10.000Z")))).toBe("2026-01-01T00:00:10.000Z");
    expect(iso(latestRunAtOrBefore("*/5 * * * * *", "UTC", at("2026-01-01T00:00:09.999Z")))).toBe("2026-01-01T00:00:05.000Z");
    expect(iso(latestRunAtOrBefore("0 9 * * *", "Europe/Paris", at("2026-01-05T07:59:59Z")))).toBe("2026-01-04T08:00:00.000Z");
  });
});

describe("planTick", () => {
  const everySecond = { cron: "* * * * * *", timezone: "UTC" };
  const started = at("2026-01-01T00:00:00Z");

  it("fires the due tick itself when the ticker is on time (or a little late)", () => {
    const plan = planTick({ ...everySecond, nextRunAt: at("2026-01-01T00:01:00Z"), now: at("2026-01-01T00:01:00.180Z"), policy: "latest", runningSince: started });
    expect(plan).toEqual({ tickAt: at("2026-01-01T00:01:00Z"), skippedEarlier: false, nextRunAt: at("2026-01-01T00:01:01Z") });
  });

  it("after downtime fires only the latest missed tick, once, and continues after now", () => {
    const plan = planTick({ ...everySecond, nextRunAt: at("2026-01-01T00:01:00Z"), now: at("2026-01-01T00:01:10.400Z"), policy: "latest", runningSince: at("2026-01-01T00:01:10.300Z") });
    expect(iso(plan.tickAt)).toBe("2026-01-01T00:01:10.000Z");
    expect(plan.skippedEarlier).toBe(true);
    expect(iso(plan.nextRunAt)).toBe("2026-01-01T00:01:11.000Z");
  });

  it("with policy none skips ticks that came due before this ticker started", () => {
    const restart = { ...everySecond, nextRunAt: at("2026-01-01T00:01:00Z"), now: at("2026-01-01T00:01:10.400Z"), policy: "none" as const };
    const plan = planTick({ ...restart, runningSince: at("2026-01-01T00:01:10.300Z") });
    expect(plan.tickAt).toBeNull();
    expect(iso(plan.nextRunAt)).toBe("2026-01-01T00:01:11.000Z");
    // A ticker that was already running fires its due ticks as usual.
    expect(iso(planTick({ ...restart, runningSince: started }).tickAt)).toBe("2026-01-01T00:01:00.000Z");
  });

  it("a running ticker that fell behind fires every missed tick in order, up to MAX_LAG_MS late", () => {
    const behind = { ...everySecond, policy: "latest" as const, runningSince: started, now: at("2026-01-01T00:01:10.400Z") };
    const first = planTick({ ...behind, nextRunAt: at("2026-01-01T00:01:00Z") });
    expect(first).toEqual({ tickAt: at("2026-01-01T00:01:00Z"), skippedEarlier: false, nextRunAt: at("2026-01-01T00:01:01Z") });
    const second = planTick({ ...behind, nextRunAt: first.nextRunAt! });
    expect(iso(second.tickAt)).toBe("2026-01-01T00:01:01.000Z");
    // Further behind than MAX_LAG_MS (a suspended machine): treated as downtime.
    const suspended = planTick({ ...behind, nextRunAt: at("2026-01-01T00:01:10.400Z") - MAX_LAG_MS - 1000 });
    expect(iso(suspended.tickAt)).toBe("2026-01-01T00:01:10.000Z");
    expect(suspended.skippedEarlier).toBe(true);
  });

  it("keeps hourly schedules in their zone when catching up", () => {
    const plan = planTick({ cron: "0 * * * *", timezone: "Asia/Kolkata", nextRunAt: at("2026-01-01T00:30:00Z"), now: at("2026-01-01T05:45:00Z"), policy: "latest", runningSince: started });
    // Kolkata is UTC+5:30: local full hours fall at :30 UTC.
    expect(iso(plan.tickAt)).toBe("2026-01-01T05:30:00.000Z");
    expect(iso(plan.nextRunAt)).toBe("2026-01-01T06:30:00.000Z");
  });
});
