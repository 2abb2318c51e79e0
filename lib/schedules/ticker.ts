/**
 * The schedule ticker: runs inside every worker (lib/worker/run.ts), so in the web server's
 * worker and in each `npm run worker` process alike.
 *
 * Contract:
 * - Exactly once: a tick is fired in ONE IMMEDIATE transaction that re-reads the schedule,
 *   inserts its ScheduleTick row (primary key: schedule + tick time), writes the tick's events
 *   and deliveries, and moves `nextRunAt` past now. Another process waiting on the write lock
 *   then sees the new `nextRunAt` and does nothing; should it reach the same tick anyway, the
 *   primary key refuses the second row and nothing else is written. A crash mid-way rolls all
 *   of it back, so the tick fires after the restart instead, still once.
 * - Downtime: ticks missed while no ticker ran are skipped, except the latest one, which fires
 *   once (HOOKLINE_SCHEDULE_CATCH_UP=latest, the default); with `none` it is skipped as well.
 *   A ticker that ran all along but fell behind fires each missed tick, in order (up to
 *   MAX_LAG_MS late). See planTick in cron.ts.
 * - Punctual: besides polling every POLL_MS, a timer is set for the earliest `nextRunAt`, so a
 *   tick fires within milliseconds of its time when the ticker is idle.
 * - Deliveries are created exactly as for API events (events/fan-out.ts) and the worker in this
 *   process is woken for them (notifyNewWork). Deleted or disabled endpoints get nothing.
 * - Tick records older than the retention period are pruned hourly: a schedule's nextRunAt only
 *   moves forward, so an old tick can never come due again and its row guards nothing.
 */
import type Database from "better-sqlite3";
import { preparedStatements } from "../store/sqlite";
import { env } from "../env";
import { insertEventRows, liveEndpointsRaw, newEventRows, fanOutTargets, type EventRows } from "../events/fan-out";
import { notifyNewWork } from "../worker/wake";
import { planTick, type CatchUpPolicy } from "./cron";
import { fillTemplate, namesEndpoint } from "./template";

/** The longest a due tick waits when no timer was set for it (a schedule created elsewhere). */
export const POLL_MS = 250;
/** Due schedules fired per pass; more go in the next pass, at once. */
const BATCH = 100;
/** A schedule whose tick threw (a bug, or a row edited by hand) is left alone this long. */
const FAILURE_BACKOFF_MS = 30_000;
/** Tick pruning: first shortly after start, then hourly, in small batches. */
const PRUNE_FIRST_MS = 60_000;
const PRUNE_EVERY_MS = 3_600_000;
const PRUNE_BATCH = 1000;

interface ScheduleRow {
  id: string;
  userId: string;
  name: string;
  cron: string;
  timezone: string;
  type: string;
  payload: string;
  endpointId: string | null;
  paused: number;
  nextRunAt: number | null;
}

export interface FiredTick {
  scheduleId: string;
  tickAt: number;
  events: string[];
  /** Endpoints that got a delivery (to wake the worker for). */
  endpointIds: string[];
}

const statementsFor = preparedStatements((db) => {
  return {
    due: db.prepare(`SELECT id FROM "Schedule" WHERE paused = 0 AND nextRunAt <= ? ORDER BY nextRunAt LIMIT ?`),
    earliest: db.prepare(`SELECT nextRunAt FROM "Schedule" WHERE paused = 0 AND nextRunAt IS NOT NULL ORDER BY nextRunAt LIMIT 1`),
    schedule: db.prepare(`SELECT id, userId, name, cron, timezone, type, payload, endpointId, paused, nextRunAt FROM "Schedule" WHERE id = ?`),
    claimTick: db.prepare(`INSERT INTO "ScheduleTick" (scheduleId, tickAt, firedAt, events) VALUES (?, ?, ?, 0) ON CONFLICT DO NOTHING`),
    countTick: db.prepare(`UPDATE "ScheduleTick" SET events = ? WHERE scheduleId = ? AND tickAt = ?`),
    advance: db.prepare(`UPDATE "Schedule" SET nextRunAt = ? WHERE id = ?`),
    scheduleIds: db.prepare(`SELECT id FROM "Schedule"`),
    // Per schedule, so the primary key (scheduleId, tickAt) finds the rows without a scan.
    pruneTicks: db.prepare(`DELETE FROM "ScheduleTick" WHERE rowid IN (SELECT rowid FROM "ScheduleTick" WHERE scheduleId = ? AND tickAt < ? LIMIT ?)`),
  };
});


/** The events one tick creates: one per target endpoint when the data names the endpoint, else one. */
function tickEvents(db: Database.Database, schedule: ScheduleRow, tickAt: number, now: Date): EventRows[] {
  const data = JSON.parse(schedule.payload) as unknown;
  const targets = fanOutTargets(liveEndpointsRaw(db, schedule.userId), schedule.type, schedule.endpointId);
  const values = { time: new Date(tickAt).toISOString(), schedule: { id: schedule.id, name: schedule.name } };
  const event = { type: schedule.type, scheduleId: schedule.id };
  if (namesEndpoint(data)) {
    return targets.map((endpoint) =>
      newEventRows(schedule.userId, { ...event, payload: JSON.stringify(fillTemplate(data, { ...values, endpoint })) }, [endpoint.id], now),
    );
  }
  return [newEventRows(schedule.userId, { ...event, payload: JSON.stringify(fillTemplate(data, values)) }, targets.map((endpoint) => endpoint.id), now)];
}

/**
 * Fires the schedule's due tick, if it still has one (see the contract above). Returns what was
 * fired, or null when there was nothing to do (not due any more, paused, deleted, or skipped).
 */
export function fireSchedule(
  db: Database.Database,
  scheduleId: string,
  options: { now: number; policy: CatchUpPolicy; runningSince: number },
): FiredTick | null {
  const sql = statementsFor(db);
  const run = db.transaction((): FiredTick | null => {
    const schedule = sql.schedule.get(scheduleId) as ScheduleRow | undefined;
    if (!schedule || schedule.paused || schedule.nextRunAt === null || schedule.nextRunAt > options.now) return null;
    const plan = planTick({ cron: schedule.cron, timezone: schedule.timezone, nextRunAt: schedule.nextRunAt, now: options.now, policy: options.policy, runningSince: options.runningSince });
    sql.advance.run(plan.nextRunAt, schedule.id);
    if (plan.tickAt === null) return null;
    if (sql.claimTick.run(schedule.id, plan.tickAt, options.now).changes === 0) return null;
    const events = tickEvents(db, schedule, plan.tickAt, new Date(options.now));
    for (const rows of events) insertEventRows(db, rows);
    sql.countTick.run(events.length, schedule.id, plan.tickAt);
    return {
      scheduleId: schedule.id,
      tickAt: plan.tickAt,
      events: events.map((rows) => rows.event.id),
      endpointIds: [...new Set(events.flatMap((rows) => rows.deliveries.map((delivery) => delivery.endpointId)))],
    };
  });
  // IMMEDIATE: take the write lock before reading, so two tickers never both see the tick due.
  return run.immediate();
}

/** Deletes tick records older than `cutoff`, a batch per statement, yielding in between. */
export async function pruneScheduleTicks(db: Database.Database, cutoff: number, batchSize = PRUNE_BATCH): Promise<number> {
  const sql = statementsFor(db);
  let pruned = 0;
  for (const { id } of sql.scheduleIds.all() as Array<{ id: string }>) {
    for (;;) {
      const deleted = sql.pruneTicks.run(id, cutoff, batchSize).changes;
      pruned += deleted;
      if (deleted < batchSize) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return pruned;
}

export interface TickerOptions {
  db: Database.Database;
  policy: CatchUpPolicy;
  log: (message: string, error?: unknown) => void;
  /** Tick records older than this are pruned (defaults to HOOKLINE_RETENTION_DAYS). */
  retentionDays?: number;
}

export interface TickerHandle {
  stop(): void;
}

export function startScheduleTicker(options: TickerOptions): TickerHandle {
  const { db, policy, log } = options;
  const sql = statementsFor(db);
  const runningSince = Date.now();
  const failedUntil = new Map<string, number>();
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

  function pass(): void {
    timer = null;
    if (stopped) return;
    let delay = POLL_MS;
    try {
      const now = Date.now();
      const due = (sql.due.all(now, BATCH) as Array<{ id: string }>).filter(({ id }) => (failedUntil.get(id) ?? 0) <= now);
      const woken = new Set<string>();
      let firedAny = false;
      for (const { id } of due) {
        try {
          const fired = fireSchedule(db, id, { now, policy, runningSince });
          firedAny ||= fired !== null;
          for (const endpointId of fired?.endpointIds ?? []) woken.add(endpointId);
          failedUntil.delete(id);
        } catch (error) {
          failedUntil.set(id, now + FAILURE_BACKOFF_MS);
          log(`schedule ${id}: could not fire its tick; trying again in ${FAILURE_BACKOFF_MS / 1000} s`, error);
        }
      }
      if (woken.size) notifyNewWork([...woken]);
      if (due.length === BATCH) delay = 0;
      else {
        // Still due after firing: a ticker catching up after a stall goes on at once. Still due
        // without firing: a schedule backing off after a failure, which waits for the poll.
        const earliest = sql.earliest.get() as { nextRunAt: number } | undefined;
        const wait = earliest ? earliest.nextRunAt - Date.now() : POLL_MS;
        if (wait > 0) delay = Math.min(POLL_MS, wait);
        else if (firedAny) delay = 0;
      }
    } catch (error) {
      log("looking for due schedules failed", error);
    }
    timer = setTimeout(pass, delay);
    timer.unref();
  }

  timer = setTimeout(pass, 0);
  timer.unref();

  const retentionMs = (options.retentionDays ?? env.HOOKLINE_RETENTION_DAYS) * 86_400_000;
  const prune = () => pruneScheduleTicks(db, Date.now() - retentionMs).catch((error) => log("pruning old schedule ticks failed; will try again later", error));
  const firstPrune = setTimeout(prune, PRUNE_FIRST_MS);
  const pruneTimer = setInterval(prune, PRUNE_EVERY_MS);
  firstPrune.unref();
  pruneTimer.unref();

  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      clearTimeout(firstPrune);
      clearInterval(pruneTimer);
    },
  };
}
