/**
 * Firing a schedule's tick (the ticker loop is lib/worker/ticker.ts).
 *
 * Contract:
 * - Exactly once, across every worker process on every machine: one transaction re-reads the
 *   schedule, moves `nextRunAt` past now, inserts the tick's ScheduleTick row (primary key:
 *   schedule + tick time), writes the tick's events and deliveries (insert-events.ts), and
 *   counts them on the tick row. SQLite: IMMEDIATE takes the write lock before the read, so a
 *   second ticker sees the new `nextRunAt` and does nothing. PostgreSQL: the schedule row is
 *   locked FOR UPDATE SKIP LOCKED, so a second ticker skips a schedule being fired and, once
 *   the first commits, sees the new `nextRunAt`. Either way, should two reach the same tick,
 *   the primary key refuses the second row and nothing else is written. A crash mid-way rolls
 *   all of it back, so the tick fires after the restart instead, still once.
 * - Downtime and lag: planTick (lib/schedules/cron.ts) decides which tick fires, if any.
 * - Deliveries are created exactly as for API events; deleted or disabled endpoints get none.
 *   The caller wakes the workers for the returned endpoints.
 */
import type pg from "pg";
import { fanOutTargets, newEventRows, type EventRows } from "../events/fan-out";
import { planTick, type CatchUpPolicy } from "../schedules/cron";
import { logger } from "../log";
import { fillTemplate, maxFilledBytes, namesEndpoint } from "../schedules/template";
import { MAX_EVENT_DATA_BYTES } from "../validations/event";
import type { PostgresStore, SqliteStore, Store } from "./connection";
import { insertEventRowsOnPostgres, liveEndpointsOnPostgres } from "./insert-events";
import { insertEventRowsOnSqlite, liveEndpointsOnSqlite } from "./insert-events-sqlite";
import { at, query, transaction } from "./postgres";
import { preparedStatements } from "./sqlite";

interface ScheduleRow {
  id: string;
  userId: string;
  name: string;
  cron: string;
  timezone: string;
  type: string;
  payload: string;
  endpointId: string | null;
  paused: number | boolean;
  nextRunAt: number | null;
}

export interface FiredTick {
  scheduleId: string;
  tickAt: number;
  events: string[];
  /** Endpoints that got a delivery (to wake the workers for). */
  endpointIds: string[];
}

export interface FireOptions {
  now: number;
  policy: CatchUpPolicy;
  /** When this ticker started (planTick: a ticker that ran all along fires missed ticks in order). */
  runningSince: number;
}

/** The events one tick creates: one per target endpoint when the data names the endpoint, else one. */
function tickEvents(schedule: ScheduleRow, endpoints: Array<{ id: string; name: string; eventTypes: string; ordering: string; consumerId: string | null }>, tickAt: number, now: Date): EventRows[] {
  const data = JSON.parse(schedule.payload) as unknown;
  // Data saved before its filled size was checked (lib/validations/schedule.ts) could make
  // events over the data limit, one per endpoint: such a tick creates none.
  if (maxFilledBytes(data) > MAX_EVENT_DATA_BYTES) {
    logger.warn({ scheduleId: schedule.id }, "schedule tick skipped: its data would be over the event data limit once filled in; edit the schedule's data");
    return [];
  }
  const targets = fanOutTargets(endpoints, schedule.type, schedule.endpointId);
  const values = { time: new Date(tickAt).toISOString(), schedule: { id: schedule.id, name: schedule.name } };
  const event = { type: schedule.type, scheduleId: schedule.id };
  if (namesEndpoint(data)) {
    return targets.map((endpoint) =>
      newEventRows(schedule.userId, { ...event, payload: JSON.stringify(fillTemplate(data, { ...values, endpoint })) }, [endpoint], now),
    );
  }
  return [newEventRows(schedule.userId, { ...event, payload: JSON.stringify(fillTemplate(data, values)) }, targets, now)];
}

function fired(schedule: ScheduleRow, tickAt: number, events: EventRows[]): FiredTick {
  return {
    scheduleId: schedule.id,
    tickAt,
    events: events.map((rows) => rows.event.id),
    endpointIds: [...new Set(events.flatMap((rows) => rows.deliveries.map((delivery) => delivery.endpointId)))],
  };
}

const sqliteStatements = preparedStatements((db) => ({
  due: db.prepare(`SELECT id FROM "Schedule" WHERE paused = 0 AND nextRunAt <= ? ORDER BY nextRunAt LIMIT ?`),
  earliest: db.prepare(`SELECT nextRunAt FROM "Schedule" WHERE paused = 0 AND nextRunAt IS NOT NULL ORDER BY nextRunAt LIMIT 1`).pluck(),
  schedule: db.prepare(`SELECT id, userId, name, cron, timezone, type, payload, endpointId, paused, nextRunAt FROM "Schedule" WHERE id = ?`),
  claimTick: db.prepare(`INSERT INTO "ScheduleTick" (scheduleId, tickAt, firedAt, events) VALUES (?, ?, ?, 0) ON CONFLICT DO NOTHING`),
  countTick: db.prepare(`UPDATE "ScheduleTick" SET events = ? WHERE scheduleId = ? AND tickAt = ?`),
  advance: db.prepare(`UPDATE "Schedule" SET nextRunAt = ? WHERE id = ?`),
  scheduleIds: db.prepare(`SELECT id FROM "Schedule"`).pluck(),
  // Per schedule, so the primary key (scheduleId, tickAt) finds the rows without a scan.
  pruneTicks: db.prepare(`DELETE FROM "ScheduleTick" WHERE rowid IN (SELECT rowid FROM "ScheduleTick" WHERE scheduleId = ? AND tickAt < ? LIMIT ?)`),
}));

/** Schedules due by `now`, oldest first, at most `limit`. */
export async function dueSchedules(store: Store, now: number, limit: number): Promise<string[]> {
  if (store.engine === "sqlite") return (sqliteStatements(store.sqlite).due.all(now, limit) as Array<{ id: string }>).map((row) => row.id);
  const { rows } = await query<{ id: string }>(
    store,
    store.pool,
    `SELECT id FROM "Schedule" WHERE NOT paused AND "nextRunAt" <= $1::timestamp ORDER BY "nextRunAt" LIMIT $2`,
    [at(now), limit],
  );
  return rows.map((row) => row.id);
}

/** When the next schedule comes due, if any. */
export async function earliestScheduleRun(store: Store): Promise<number | null> {
  if (store.engine === "sqlite") return (sqliteStatements(store.sqlite).earliest.get() as number | undefined) ?? null;
  const { rows } = await query<{ nextRunAt: number }>(
    store,
    store.pool,
    `SELECT "nextRunAt" FROM "Schedule" WHERE NOT paused AND "nextRunAt" IS NOT NULL ORDER BY "nextRunAt" LIMIT 1`,
  );
  return rows[0]?.nextRunAt ?? null;
}

function fireOnSqlite(store: SqliteStore, scheduleId: string, options: FireOptions): FiredTick | null {
  const sql = sqliteStatements(store.sqlite);
  const run = store.sqlite.transaction((): FiredTick | null => {
    const schedule = sql.schedule.get(scheduleId) as ScheduleRow | undefined;
    if (!schedule || schedule.paused || schedule.nextRunAt === null || schedule.nextRunAt > options.now) return null;
    const plan = planTick({ ...schedule, nextRunAt: schedule.nextRunAt, now: options.now, policy: options.policy, runningSince: options.runningSince });
    sql.advance.run(plan.nextRunAt, schedule.id);
    if (plan.tickAt === null) return null;
    if (sql.claimTick.run(schedule.id, plan.tickAt, options.now).changes === 0) return null;
    const events = tickEvents(schedule, liveEndpointsOnSqlite(store, schedule.userId), plan.tickAt, new Date(options.now));
    for (const rows of events) insertEventRowsOnSqlite(store, rows);
    sql.countTick.run(events.length, schedule.id, plan.tickAt);
    return fired(schedule, plan.tickAt, events);
  });
  // IMMEDIATE: take the write lock before reading, so two tickers never both see the tick due.
  return run.immediate();
}

async function fireOnPostgres(store: PostgresStore, client: pg.PoolClient, scheduleId: string, options: FireOptions): Promise<FiredTick | null> {
  const { rows } = await query<ScheduleRow>(
    store,
    client,
    `SELECT id, "userId", name, cron, timezone, type, payload, "endpointId", paused, "nextRunAt"
       FROM "Schedule" WHERE id = $1 FOR UPDATE SKIP LOCKED`,
    [scheduleId],
  );
  const schedule = rows[0];
  if (!schedule || schedule.paused || schedule.nextRunAt === null || schedule.nextRunAt > options.now) return null;
  const plan = planTick({ ...schedule, nextRunAt: schedule.nextRunAt, now: options.now, policy: options.policy, runningSince: options.runningSince });
  await query(store, client, `UPDATE "Schedule" SET "nextRunAt" = $2::timestamp WHERE id = $1`, [schedule.id, at(plan.nextRunAt)]);
  if (plan.tickAt === null) return null;
  const claimed = await query(
    store,
    client,
    `INSERT INTO "ScheduleTick" ("scheduleId", "tickAt", "firedAt", events) VALUES ($1, $2::timestamp, $3::timestamp, 0) ON CONFLICT DO NOTHING`,
    [schedule.id, at(plan.tickAt), at(options.now)],
  );
  if (claimed.rowCount === 0) return null;
  const endpoints = (await liveEndpointsOnPostgres(store, client, [schedule.userId])).get(schedule.userId) ?? [];
  const events = tickEvents(schedule, endpoints, plan.tickAt, new Date(options.now));
  await insertEventRowsOnPostgres(store, client, events);
  await query(store, client, `UPDATE "ScheduleTick" SET events = $3 WHERE "scheduleId" = $1 AND "tickAt" = $2::timestamp`, [schedule.id, at(plan.tickAt), events.length]);
  return fired(schedule, plan.tickAt, events);
}

/**
 * Fires the schedule's due tick, if it still has one (see the contract above). Returns what was
 * fired, or null when there was nothing to do (not due any more, paused, deleted, skipped, or
 * being fired by another ticker right now).
 */
export async function fireSchedule(store: Store, scheduleId: string, options: FireOptions): Promise<FiredTick | null> {
  if (store.engine === "sqlite") return fireOnSqlite(store, scheduleId, options);
  return transaction(store, (client) => fireOnPostgres(store, client, scheduleId, options));
}

/** Deletes tick records older than `cutoff`, a batch per statement, yielding in between. */
export async function pruneScheduleTicks(store: Store, cutoff: number, batchSize = 1000): Promise<number> {
  let pruned = 0;
  if (store.engine === "sqlite") {
    const sql = sqliteStatements(store.sqlite);
    for (const id of sql.scheduleIds.all() as string[]) {
      for (;;) {
        const deleted = sql.pruneTicks.run(id, cutoff, batchSize).changes;
        pruned += deleted;
        if (deleted < batchSize) break;
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    return pruned;
  }
  for (;;) {
    const { rowCount } = await query(
      store,
      store.pool,
      `DELETE FROM "ScheduleTick" WHERE ("scheduleId", "tickAt") IN (
         SELECT "scheduleId", "tickAt" FROM "ScheduleTick" WHERE "tickAt" < $1::timestamp LIMIT $2 FOR UPDATE SKIP LOCKED)`,
      [at(cutoff), batchSize],
    );
    pruned += rowCount;
    if (rowCount < batchSize) return pruned;
  }
}
