/**
 * Inserting events with their fan-out: the event row and one `pending` delivery, due now, per
 * target endpoint (lib/events/fan-out.ts decides which), in one transaction, so an accepted
 * event always has its deliveries.
 *
 * Contract:
 * - `insertEvent` resolves once the event is durable (committed with synchronous = FULL on
 *   SQLite, synchronous_commit = on on PostgreSQL). Events share transactions (group commit):
 *   the commit is the largest cost of accepting an event. Each event-loop turn's events are sent
 *   as one batch, and the batches that wait together share a commit (flush() below says how).
 *   On SQLite it runs on this process's writer thread when one runs (sqlite-writer.ts), else
 *   synchronously on the raw connection (see connection.ts for why).
 * - An idempotency key already used by the account makes that event `duplicate` and writes
 *   nothing for it (ON CONFLICT DO NOTHING: a unique violation never takes the batch down).
 * - If the batch fails anyway (e.g. an account deleted meanwhile), each event is tried on its
 *   own, so only the failing one fails.
 * - Workers are woken for the new deliveries after the commit (notify.ts).
 * - `insertEventRows*` write already-computed rows inside a caller's transaction (schedule ticks,
 *   fire-tick.ts); they skip the deliveries of an event whose idempotency key was taken.
 */
import type pg from "pg";
import type { EventRows } from "../events/fan-out";
import type { PostgresStore, Store } from "./connection";
import { INITIAL_STATUS, sqlStatus } from "./delivery-states";
import { result, rowsFor, writeBatchOnSqlite, type EventInsert, type InsertedEvent, type LiveEndpoint } from "./insert-events-sqlite";
import { insertEntriesOnPostgres, numberEntriesOnPostgres } from "./fifo";
import { notifyNewWork } from "./notify";
import { at, query, transaction, type PreparedStatement } from "./postgres";
import { POSTGRES_ENDPOINTS_COLUMN, searchEndpointsText } from "./search-index";
import { runningSqliteWriter } from "./sqlite-writer";

export type { EventInsert, InsertedEvent };

// Ingest's statements, prepared (postgres.ts says why).
const LIVE_ENDPOINTS: PreparedStatement = {
  name: "hookline_live_endpoints",
  text: `SELECT id, "userId", name, "eventTypes", ordering, "consumerId" FROM "Endpoint" WHERE "userId" = ANY($1::text[]) AND "deletedAt" IS NULL AND enabled ORDER BY id`,
};
const INSERT_EVENTS: PreparedStatement = {
  name: "hookline_insert_events",
  text: `INSERT INTO "Event" (id, "userId", type, payload, "idempotencyKey", "scheduleId", "orderingKey", "consumerId", "createdAt", "${POSTGRES_ENDPOINTS_COLUMN}")
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::timestamp[], $10::text[])
     ON CONFLICT DO NOTHING
     RETURNING id`,
};
const INSERT_DELIVERIES: PreparedStatement = {
  name: "hookline_insert_deliveries",
  text: `INSERT INTO "Delivery" (id, "userId", "eventId", "endpointId", status, attempts, "nextAttemptAt", "createdAt", "updatedAt")
       SELECT d.id, d."userId", d."eventId", d."endpointId", ${sqlStatus(INITIAL_STATUS)}, 0, d.due, d.created, d.created
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamp[], $6::timestamp[])
              AS d(id, "userId", "eventId", "endpointId", due, created)`,
};

/** The live, enabled endpoints of these accounts, read inside the caller's PostgreSQL transaction. */
export async function liveEndpointsOnPostgres(store: PostgresStore, client: pg.PoolClient, userIds: string[]): Promise<Map<string, LiveEndpoint[]>> {
  const { rows } = await query<LiveEndpoint>(store, client, LIVE_ENDPOINTS, [[...new Set(userIds)]]);
  const byAccount = new Map<string, LiveEndpoint[]>();
  for (const row of rows) {
    const list = byAccount.get(row.userId);
    if (list) list.push(row);
    else byAccount.set(row.userId, [row]);
  }
  return byAccount;
}

/**
 * Writes many events' rows inside the caller's PostgreSQL transaction, in two statements;
 * returns, per event, whether it was written (false: its idempotency key was taken).
 */
export async function insertEventRowsOnPostgres(store: PostgresStore, client: pg.PoolClient, batch: EventRows[]): Promise<boolean[]> {
  if (batch.length === 0) return [];
  const events = batch.map((rows) => rows.event);
  const { rows: inserted } = await query<{ id: string }>(
    store,
    client,
    INSERT_EVENTS,
    [
      events.map((event) => event.id),
      events.map((event) => event.userId),
      events.map((event) => event.type),
      events.map((event) => event.payload),
      events.map((event) => event.idempotencyKey),
      events.map((event) => event.scheduleId),
      events.map((event) => event.orderingKey),
      events.map((event) => event.consumerId),
      events.map((event) => at(event.createdAt.getTime())),
      batch.map((rows) => searchEndpointsText(rows.deliveries.map((delivery) => delivery.endpointId))),
    ],
  );
  const written = new Set(inserted.map((row) => row.id));
  const deliveries = batch.filter((rows) => written.has(rows.event.id)).flatMap((rows) => rows.deliveries);
  // Towards FIFO endpoints: numbered in their keys' queues; all but a key's first wait (fifo.ts).
  const entries = deliveries.flatMap((delivery) => (delivery.orderingKey === null ? [] : [{ deliveryId: delivery.id, endpointId: delivery.endpointId, orderingKey: delivery.orderingKey }]));
  const seqs = await numberEntriesOnPostgres(store, client, entries);
  const waits = new Set(entries.filter((_, index) => seqs[index] > 1).map((entry) => entry.deliveryId));
  if (deliveries.length) {
    await query(
      store,
      client,
      INSERT_DELIVERIES,
      [
        deliveries.map((delivery) => delivery.id),
        deliveries.map((delivery) => delivery.userId),
        deliveries.map((delivery) => delivery.eventId),
        deliveries.map((delivery) => delivery.endpointId),
        deliveries.map((delivery) => (waits.has(delivery.id) ? null : at(delivery.nextAttemptAt.getTime()))),
        deliveries.map((delivery) => at(delivery.createdAt.getTime())),
      ],
    );
  }
  await insertEntriesOnPostgres(store, client, entries, seqs);
  return batch.map((rows) => written.has(rows.event.id));
}

async function writeBatchOnPostgres(store: PostgresStore, batch: EventInsert[]): Promise<InsertedEvent[]> {
  return transaction(store, async (client) => {
    const endpoints = await liveEndpointsOnPostgres(store, client, batch.map((input) => input.userId));
    const rows = batch.map((input) => rowsFor(input, endpoints.get(input.userId) ?? []));
    const written = await insertEventRowsOnPostgres(store, client, rows);
    return rows.map((eventRows, index) => result(eventRows, written[index]));
  });
}

interface PendingInsert {
  input: EventInsert;
  resolve: (inserted: InsertedEvent) => void;
  reject: (error: unknown) => void;
}

/** One store's group commit: the events waiting for the next batch, and whether a batch is being written. */
interface GroupCommit {
  pending: PendingInsert[];
  flushScheduled: boolean;
  writing: boolean;
}

/** Events of one batch at most (the rest wait for the next): bounds one transaction and its message. */
const MAX_BATCH = 1_000;

const groupCommits = new WeakMap<Store, GroupCommit>();

export function insertEvent(store: Store, input: EventInsert): Promise<InsertedEvent> {
  return new Promise((resolve, reject) => {
    let group = groupCommits.get(store);
    if (!group) groupCommits.set(store, (group = { pending: [], flushScheduled: false, writing: false }));
    group.pending.push({ input, resolve, reject });
    scheduleFlush(store, group);
  });
}

function scheduleFlush(store: Store, group: GroupCommit): void {
  if (group.flushScheduled || group.writing) return;
  group.flushScheduled = true;
  setImmediate(() => void flush(store, group));
}

async function writeBatch(store: Store, batch: EventInsert[]): Promise<InsertedEvent[]> {
  if (store.engine === "postgres") return writeBatchOnPostgres(store, batch);
  // On the writer thread when this process runs one (the server starts it): the commit's fsync
  // then blocks that thread, not the one answering requests.
  const writer = runningSqliteWriter(store.sqlite.name);
  return writer ? writer.run({ insertEvents: batch }) : writeBatchOnSqlite(store, batch);
}

/**
 * Writes the waiting events as one batch. With no writer thread (SQLite in-process: ":memory:",
 * or the thread not running), one batch is written at a time and what arrives meanwhile makes the
 * next: one commit (one fsync) then serves every request that came during the previous one.
 * Otherwise every event-loop turn's batch goes at once, and is grouped there: the writer thread
 * commits the batches that queued up while it wrote in one transaction (sqlite-writer-thread.ts),
 * and PostgreSQL groups concurrent commits itself. Grouping on the thread rather than here starts
 * the next commit as soon as the last one ends, not once this thread has taken its answer and
 * sent the next batch: measured with `npm run bench -- --only ingest`, 2026-12-02, that took
 * ingest from 8,011–8,084 to 8,180–8,679 events/s, and to 5,163–5,335/s from 4,283–4,297/s while
 * the server also delivered them. (Each turn's few events as a commit of their own, the first
 * design, ran at the pace of those fsyncs: 0.48–0.65 of synchronous = NORMAL.)
 */
async function flush(store: Store, group: GroupCommit): Promise<void> {
  group.flushScheduled = false;
  const batch = group.pending.splice(0, MAX_BATCH);
  if (batch.length === 0) return;
  const oneAtATime = store.engine === "sqlite" && runningSqliteWriter(store.sqlite.name) === null;
  if (oneAtATime) group.writing = true;
  try {
    await writeAndSettle(store, batch);
  } finally {
    if (oneAtATime) group.writing = false;
    if (group.pending.length) scheduleFlush(store, group);
  }
}

async function writeAndSettle(store: Store, batch: PendingInsert[]): Promise<void> {
  let results: InsertedEvent[] | null = null;
  try {
    results = await writeBatch(store, batch.map((pending) => pending.input));
  } catch {
    // One write failed and took the batch with it: each on its own, so only the failing one fails.
    for (const pending of batch) {
      try {
        const [inserted] = await writeBatch(store, [pending.input]);
        wake(store, [inserted]);
        pending.resolve(inserted);
      } catch (error) {
        pending.reject(error);
      }
    }
    return;
  }
  wake(store, results);
  batch.forEach((pending, index) => pending.resolve(results[index]));
}

function wake(store: Store, inserted: InsertedEvent[]): void {
  notifyNewWork(store, [...new Set(inserted.flatMap((event) => (event.duplicate ? [] : event.endpointIds)))]);
}
