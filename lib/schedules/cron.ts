/**
 * Cron arithmetic for schedules, over croner. Pure: every function takes the time it reasons
 * about, so tests control the clock. Times are Unix milliseconds.
 *
 * Expressions have five fields (minute hour day month weekday) or six with seconds first
 * (`*\/5 * * * * *`); they are read in an IANA time zone, so `0 9 * * *` in Europe/Paris is
 * 09:00 Paris time whatever the server's zone, across daylight-saving changes.
 */
import { Cron } from "croner";

export const MAX_CRON_LENGTH = 200;

/** What happens to ticks that came due while no ticker was running (HOOKLINE_SCHEDULE_CATCH_UP). */
export type CatchUpPolicy = "latest" | "none";
export const CATCH_UP_POLICIES = ["latest", "none"] as const;

function cronOf(expression: string, timezone: string): Cron {
  // No callback: croner only computes times and never starts a timer of its own.
  return new Cron(expression.trim(), { mode: "5-or-6-parts", timezone });
}

/** Why `expression` is not a usable cron expression, or null when it is. */
export function cronProblem(expression: string): string | null {
  const text = expression.trim();
  if (text === "") return "Cron is required";
  if (text.length > MAX_CRON_LENGTH) return `Cron must be at most ${MAX_CRON_LENGTH} characters`;
  const fields = text.split(/\s+/).length;
  // croner also reads dates and nicknames as patterns; a schedule is five or six fields only.
  if (fields !== 5 && fields !== 6) {
    return `Cron must have 5 fields (minute hour day month weekday) or 6 with seconds first, e.g. "*/5 * * * * *"; this has ${fields}`;
  }
  let cron: Cron;
  try {
    cron = cronOf(text, "UTC");
  } catch (error) {
    return `Not a valid cron expression: ${(error as Error).message.replace(/^CronPattern:\s*/, "")}`;
  }
  // E.g. "0 0 30 2 *" (February 30th) parses but never runs.
  if (!cron.nextRun(new Date(0))) return "This cron expression never runs";
  return null;
}

/**
 * The zone's canonical spelling when `text` names an IANA time zone (any letter case), else
 * null. UTC offsets such as "+01:00" are refused: they ignore daylight saving.
 */
export function canonicalTimezone(text: string): string | null {
  const name = text.trim();
  if (name.length === 0 || name.length > 64 || !/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(name)) return null;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
  // Keep the name the user chose (an alias such as "Asia/Calcutta" stays), fixing only its case.
  return resolved.toLowerCase() === name.toLowerCase() ? resolved : name;
}

/** The next `count` run times strictly after `after`. */
export function nextRunTimes(expression: string, timezone: string, after: number, count: number): number[] {
  return cronOf(expression, timezone)
    .nextRuns(count, new Date(after))
    .map((date) => date.getTime());
}

/** The first run time strictly after `after`, or null if the expression never runs again. */
export function nextRunAfter(expression: string, timezone: string, after: number): number | null {
  return cronOf(expression, timezone).nextRun(new Date(after))?.getTime() ?? null;
}

/** How far `shortestGapMs` looks ahead: this many runs… */
export const GAP_LOOK_AHEAD_RUNS = 1000;
/** …or this long, whichever ends first. */
export const GAP_LOOK_AHEAD_MS = 8 * 24 * 60 * 60 * 1000;

/**
 * The shortest time between two consecutive runs of the expression among its runs after
 * `from` (at most GAP_LOOK_AHEAD_RUNS of them, within GAP_LOOK_AHEAD_MS of the first), stopping
 * early once a gap is shorter than `below`; null when no second run comes within that window.
 *
 * Eight days hold a full week and several day changes, so every kind of gap the pattern makes
 * shows up except at month ends and daylight-saving changes, which come too seldom to matter
 * for load. 1,000 runs in under eight days already mean a short average gap. Read in UTC: a
 * zone only shifts runs twice a year, and croner's time-zone mode costs ten times more.
 */
export function shortestGapMs(expression: string, from: number, below = 0): number | null {
  const cron = new Cron(expression.trim(), { mode: "5-or-6-parts", utcOffset: 0 });
  let previous = cron.nextRun(new Date(from));
  const end = (previous?.getTime() ?? from) + GAP_LOOK_AHEAD_MS;
  let shortest: number | null = null;
  for (let runs = 1; previous && runs < GAP_LOOK_AHEAD_RUNS; runs++) {
    const next = cron.nextRun(previous);
    if (!next || next.getTime() > end) break;
    const gap = next.getTime() - previous.getTime();
    if (shortest === null || gap < shortest) shortest = gap;
    if (shortest < below) break;
    previous = next;
  }
  return shortest;
}

/** The latest run time at or before `at`, or null if there is none. */
export function latestRunAtOrBefore(expression: string, timezone: string, at: number): number | null {
  // previousRuns looks strictly before its reference; runs fall on whole seconds, so one
  // millisecond later makes a run exactly at `at` count.
  return cronOf(expression, timezone).previousRuns(1, new Date(at + 1))[0]?.getTime() ?? null;
}

export interface TickPlan {
  /** The tick to fire now, or null when the due ticks are all skipped. */
  tickAt: number | null;
  /** True when earlier due ticks are skipped (the ticker was down or far behind). */
  skippedEarlier: boolean;
  /** The schedule's next tick after this one: strictly after `now`. */
  nextRunAt: number | null;
}

/**
 * A ticker that is running but fell behind (a long GC pause, a busy event loop, a slow disk)
 * fires each tick it missed, in order, as long as it is at most this far behind; beyond that
 * (a suspended machine, say) the missed ticks count as downtime.
 */
export const MAX_LAG_MS = 60_000;

/**
 * What a ticker does with a due schedule (`nextRunAt <= now`). Only one tick fires per call.
 * When the tick came due while this ticker was running (and it is at most MAX_LAG_MS late),
 * that tick fires and the next call takes the one after it: a short stall delays ticks but
 * loses none. After downtime the ticks missed in between are skipped, and the latest of them
 * fires once (policy "latest") or is skipped too (policy "none").
 */
export function planTick(input: {
  cron: string;
  timezone: string;
  nextRunAt: number;
  now: number;
  policy: CatchUpPolicy;
  runningSince: number;
}): TickPlan {
  const { cron, timezone, nextRunAt, now } = input;
  if (nextRunAt >= input.runningSince && now - nextRunAt <= MAX_LAG_MS) {
    return { tickAt: nextRunAt, skippedEarlier: false, nextRunAt: nextRunAfter(cron, timezone, nextRunAt) };
  }
  const latest = latestRunAtOrBefore(cron, timezone, now);
  // nextRunAt always comes from the expression; should it not (an edit raced a tick), it is
  // still the tick that was promised.
  const due = latest !== null && latest >= nextRunAt ? latest : nextRunAt;
  return {
    tickAt: input.policy === "latest" ? due : null,
    skippedEarlier: due > nextRunAt,
    nextRunAt: nextRunAfter(cron, timezone, Math.max(now, due)),
  };
}
