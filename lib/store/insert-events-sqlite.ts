/**
 * The SQLite half of inserting events (insert-events.ts has the contract): its statements and
 * the group commit, in a module of their own so that the writer thread (sqlite-writer-thread.ts)
 * loads them without the rest of the store (the Prisma clients, notify).
 */
import { fanOutTargets, newEventRows, type EventRows, type FanOutEndpoint } from "../events/fan-out";
import type { SqliteStore } from "./connection";
import { INITIAL_STATUS, sqlStatus } from "./delivery-states";
import { enqueueOnSqlite, fifoKeyIsBusyOnSqlite } from "./fifo";
import { preparedStatements } from "./sqlite";

export interface EventInsert {
  userId: string;
  type: string;
  /** The event's data, already valid JSON text. */
  payload: string;
  idempotencyKey?: string | null;
  /** FIFO endpoints deliver the events of one key in order (lib/store/fifo.ts). */
  orderingKey?: string | null;
  /** For one consumer (SPEC §12): only its endpoints get it. */
  consumerId?: string | null;
  /** Only this endpoint (test events), whatever its filter. */
  onlyEndpointId?: string;
  now: Date;
}

export type InsertedEvent = { duplicate: false; eventId: string; endpointIds: string[] } | { duplicate: true };

export type LiveEndpoint = FanOutEndpoint & { name: string; userId: string };

const sqliteStatements = preparedStatements((db) => ({
  liveEndpoints: db.prepare(`SELECT id, userId, name, eventTypes, ordering, consumerId FROM "Endpoint" WHERE userId = ? AND deletedAt IS NULL AND enabled = 1 ORDER BY id`),
  event: db.prepare(
    `INSERT INTO "Event" (id, userId, type, payload, idempotencyKey, scheduleId, orderingKey, consumerId, createdAt)
     VALUES (@id, @userId, @type, @payload, @idempotencyKey, @scheduleId, @orderingKey, @consumerId, @createdAt) ON CONFLICT DO NOTHING`,
  ),
  // As Prisma writes them: times in Unix ms, updatedAt set on create.
  delivery: db.prepare(
    `INSERT INTO "Delivery" (id, userId, eventId, endpointId, status, attempts, nextAttemptAt, createdAt, updatedAt)
     VALUES (@id, @userId, @eventId, @endpointId, ${sqlStatus(INITIAL_STATUS)}, 0, @nextAttemptAt, @createdAt, @createdAt)`,
  ),
}));

/** The account's live, enabled endpoints, read inside the caller's SQLite transaction. */
export function liveEndpointsOnSqlite(store: Pick<SqliteStore, "sqlite">, userId: string): LiveEndpoint[] {
  return sqliteStatements(store.sqlite).liveEndpoints.all(userId) as LiveEndpoint[];
}

/** Writes the rows inside the caller's SQLite transaction; false when the idempotency key was taken. */
export function insertEventRowsOnSqlite(store: Pick<SqliteStore, "sqlite">, rows: EventRows): boolean {
  const sql = sqliteStatements(store.sqlite);
  if (sql.event.run({ ...rows.event, createdAt: rows.event.createdAt.getTime() }).changes === 0) return false;
  for (const delivery of rows.deliveries) {
    const { orderingKey, ...row } = delivery;
    // Towards a FIFO endpoint it waits (no nextAttemptAt) behind the ones queued before it.
    const waits = orderingKey !== null && fifoKeyIsBusyOnSqlite(store.sqlite, delivery.endpointId, orderingKey);
    sql.delivery.run({ ...row, nextAttemptAt: waits ? null : delivery.nextAttemptAt.getTime(), createdAt: delivery.createdAt.getTime() });
    if (orderingKey !== null) enqueueOnSqlite(store.sqlite, [{ deliveryId: delivery.id, endpointId: delivery.endpointId, orderingKey }]);
  }
  return true;
}

export function rowsFor(input: EventInsert, endpoints: LiveEndpoint[]): EventRows {
  const targets = fanOutTargets(endpoints, input.type, input.onlyEndpointId, input.consumerId);
  return newEventRows(input.userId, input, targets, input.now);
}

export function result(rows: EventRows, written: boolean): InsertedEvent {
  return written ? { duplicate: false, eventId: rows.event.id, endpointIds: rows.deliveries.map((delivery) => delivery.endpointId) } : { duplicate: true };
}

/**
 * One group commit on SQLite, synchronous: on the writer thread (sqlite-writer.ts), or here.
 * Each account's endpoints are read once per batch (a batch is mostly one account's events).
 */
export function writeBatchOnSqlite(store: Pick<SqliteStore, "sqlite">, batch: EventInsert[]): InsertedEvent[] {
  return store.sqlite
    .transaction(() => {
      const endpointsOf = new Map<string, LiveEndpoint[]>();
      return batch.map((input) => {
        let endpoints = endpointsOf.get(input.userId);
        if (!endpoints) endpointsOf.set(input.userId, (endpoints = liveEndpointsOnSqlite(store, input.userId)));
        const rows = rowsFor(input, endpoints);
        return result(rows, insertEventRowsOnSqlite(store, rows));
      });
    })
    .immediate();
}

