/**
 * FIFO endpoints (SPEC §11): per endpoint and ordering key, one delivery at a time, in the order
 * their events came; different keys proceed in parallel.
 *
 * How: each unfinished delivery towards a FIFO endpoint has a FifoQueue row (endpoint, key, seq).
 * The key's first row is its delivery being attempted (or retrying, or waiting for a slot); every
 * later one waits as `pending` with no `nextAttemptAt`, which nothing claims (claim-due.ts takes
 * only due rows, so the claim itself knows nothing of ordering). When the first ends, succeeded
 * or failed for good, its row goes and the next one is made due at once (release). A delivery
 * re-queued by hand (retry, recover) joins the end of its key's queue.
 *
 * Contract, on both engines:
 * - A key's queue is changed only under its serialisation: SQLite's write lock (every write here
 *   runs in the caller's IMMEDIATE transaction), on PostgreSQL a transaction-scoped advisory lock
 *   per (endpoint, key), taken in sorted order, so ingest adding to a key and a worker releasing
 *   it never miss each other (the one that locks second reads after the first committed).
 * - `seq` is one more than the key's last, 1 when the key has none: seq 1 means due now.
 * - Only deliveries towards endpoints with ordering `fifo` when the event was written (or when
 *   re-queued) are queued. Changing an endpoint's ordering either way makes its waiting
 *   deliveries due and empties its queue (so ordering applies to the events sent after the
 *   change); deleting it empties it (its waiting deliveries fail, as any pending one).
 * - A delivery is released by the worker when its attempt ends it, if its endpoint was FIFO when
 *   claimed (`ordered`); one claimed before a change of ordering finds no row, or a row the
 *   change's clearing removes.
 * - Each operation is a few index probes per delivery (FifoQueue's key is endpoint, key, seq),
 *   whatever the backlog; deliveries towards other endpoints never touch the table.
 */
import type Database from "better-sqlite3";
import { AHEAD_COUNTED, type Ordering } from "../events/ordering";
import type { PostgresStore, Store } from "./connection";
import { sqlStatus } from "./delivery-states";
import { at, query, transaction, type Queryable } from "./postgres";
import { preparedStatements } from "./sqlite";

export interface QueueEntry {
  deliveryId: string;
  endpointId: string;
  orderingKey: string;
}

const waiting = `status = ${sqlStatus("pending")} AND nextAttemptAt IS NULL`;

const sqliteStatements = preparedStatements((db) => ({
  busy: db.prepare(`SELECT 1 FROM "FifoQueue" WHERE endpointId = ? AND orderingKey = ? LIMIT 1`),
  enqueue: db.prepare(
    `INSERT INTO "FifoQueue" (deliveryId, endpointId, orderingKey, seq)
     SELECT @deliveryId, @endpointId, @orderingKey, coalesce(max(seq), 0) + 1 FROM "FifoQueue" WHERE endpointId = @endpointId AND orderingKey = @orderingKey
     RETURNING seq`,
  ),
  dequeue: db.prepare(`DELETE FROM "FifoQueue" WHERE deliveryId = ? RETURNING endpointId, orderingKey`),
  // The key's new first delivery, if it was waiting: due now (one whose retry is scheduled keeps its time).
  releaseHead: db.prepare(
    `UPDATE "Delivery" SET nextAttemptAt = @now, updatedAt = @now
      WHERE id = (SELECT deliveryId FROM "FifoQueue" WHERE endpointId = @endpointId AND orderingKey = @orderingKey ORDER BY seq LIMIT 1)
        AND ${waiting}`,
  ),
  wait: db.prepare(`UPDATE "Delivery" SET nextAttemptAt = NULL WHERE id = ?`),
  // Re-queued by hand: towards endpoints that are FIFO now, with their event's key.
  requeueTargets: db.prepare(
    `SELECT d.id AS deliveryId, d.endpointId, coalesce(ev.orderingKey, '') AS orderingKey
       FROM json_each(?) r JOIN "Delivery" d ON d.id = r.value JOIN "Endpoint" e ON e.id = d.endpointId JOIN "Event" ev ON ev.id = d.eventId
      WHERE e.ordering = 'fifo' AND NOT EXISTS (SELECT 1 FROM "FifoQueue" q WHERE q.deliveryId = d.id)
      ORDER BY d.id`,
  ),
  releaseEndpoint: db.prepare(
    `UPDATE "Delivery" SET nextAttemptAt = @now, updatedAt = @now
      WHERE id IN (SELECT deliveryId FROM "FifoQueue" WHERE endpointId = @endpointId) AND ${waiting}`,
  ),
  clearEndpoint: db.prepare(`DELETE FROM "FifoQueue" WHERE endpointId = ?`),
}));

/** SQLite: whether the key has queued deliveries (a new one then waits behind them). */
export function fifoKeyIsBusyOnSqlite(db: Database.Database, endpointId: string, orderingKey: string): boolean {
  return sqliteStatements(db).busy.get(endpointId, orderingKey) !== undefined;
}

/** SQLite: queues the deliveries (already written) at the end of their keys; each one's seq. */
export function enqueueOnSqlite(db: Database.Database, entries: QueueEntry[]): number[] {
  const sql = sqliteStatements(db);
  return entries.map((entry) => (sql.enqueue.get(entry) as { seq: number }).seq);
}

/** SQLite: the deliveries ended (succeeded or failed for good): out of their queues, and each key's next one due. */
export function releaseOnSqlite(db: Database.Database, deliveryIds: string[], now: number): void {
  const sql = sqliteStatements(db);
  for (const id of deliveryIds) {
    const entry = sql.dequeue.get(id) as { endpointId: string; orderingKey: string } | undefined;
    if (entry) sql.releaseHead.run({ ...entry, now });
  }
}

/**
 * SQLite: deliveries just re-queued by hand (pending, due now): those towards FIFO endpoints join
 * the end of their keys' queues, and wait there unless first.
 */
export function requeueOnSqlite(db: Database.Database, deliveryIds: string[]): void {
  if (deliveryIds.length === 0) return;
  const sql = sqliteStatements(db);
  const entries = sql.requeueTargets.all(JSON.stringify(deliveryIds)) as QueueEntry[];
  enqueueOnSqlite(db, entries).forEach((seq, index) => {
    if (seq > 1) sql.wait.run(entries[index].deliveryId);
  });
}

/** SQLite: the endpoint changes its ordering: its waiting deliveries due now, its queue emptied. */
function clearEndpointQueueOnSqlite(db: Database.Database, endpointId: string, now: number): void {
  const sql = sqliteStatements(db);
  sql.releaseEndpoint.run({ endpointId, now });
  sql.clearEndpoint.run(endpointId);
}

/**
 * PostgreSQL: the keys' advisory locks, in one sorted order (every caller), held to the end of
 * the transaction. Hash collisions only serialise two keys that did not need it.
 */
async function lockKeys(store: PostgresStore, client: Queryable, entries: Array<Pick<QueueEntry, "endpointId" | "orderingKey">>): Promise<void> {
  if (entries.length === 0) return;
  await query(
    store,
    client,
    `SELECT pg_advisory_xact_lock(k) FROM (
       SELECT DISTINCT hashtextextended('hookline:fifo:' || e || ':' || o, 0) AS k FROM unnest($1::text[], $2::text[]) AS p(e, o) ORDER BY k) keys`,
    [entries.map((entry) => entry.endpointId), entries.map((entry) => entry.orderingKey)],
  );
}

/**
 * PostgreSQL, before the deliveries are written: locks their keys and numbers them after what
 * each key holds; returns each entry's seq (in order: several of one key follow each other).
 */
export async function numberEntriesOnPostgres(store: PostgresStore, client: Queryable, entries: QueueEntry[]): Promise<number[]> {
  if (entries.length === 0) return [];
  await lockKeys(store, client, entries);
  const { rows } = await query<{ endpointId: string; orderingKey: string; last: number }>(
    store,
    client,
    `SELECT p.e AS "endpointId", p.o AS "orderingKey", coalesce(q.last, 0) AS last
       FROM (SELECT DISTINCT e, o FROM unnest($1::text[], $2::text[]) AS u(e, o)) p
            CROSS JOIN LATERAL (SELECT max(seq) AS last FROM "FifoQueue" WHERE "endpointId" = p.e AND "orderingKey" = p.o) q`,
    [entries.map((entry) => entry.endpointId), entries.map((entry) => entry.orderingKey)],
  );
  const last = new Map(rows.map((row) => [`${row.endpointId}\n${row.orderingKey}`, row.last]));
  return entries.map((entry) => {
    const key = `${entry.endpointId}\n${entry.orderingKey}`;
    const seq = (last.get(key) ?? 0) + 1;
    last.set(key, seq);
    return seq;
  });
}

/** PostgreSQL: writes the numbered entries (their deliveries written first). */
export async function insertEntriesOnPostgres(store: PostgresStore, client: Queryable, entries: QueueEntry[], seqs: number[]): Promise<void> {
  if (entries.length === 0) return;
  await query(
    store,
    client,
    `INSERT INTO "FifoQueue" ("deliveryId", "endpointId", "orderingKey", seq) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[])`,
    [entries.map((entry) => entry.deliveryId), entries.map((entry) => entry.endpointId), entries.map((entry) => entry.orderingKey), seqs],
  );
}

const WAITING_PG = `d.status = ${sqlStatus("pending")} AND d."nextAttemptAt" IS NULL`;

/** PostgreSQL: as releaseOnSqlite, in the caller's transaction. */
export async function releaseOnPostgres(store: PostgresStore, client: Queryable, deliveryIds: string[], now: number): Promise<void> {
  if (deliveryIds.length === 0) return;
  const { rows: ended } = await query<{ endpointId: string; orderingKey: string }>(
    store,
    client,
    `DELETE FROM "FifoQueue" WHERE "deliveryId" = ANY($1::text[]) RETURNING "endpointId", "orderingKey"`,
    [deliveryIds],
  );
  if (ended.length === 0) return;
  // After the delete: whoever adds to these keys meanwhile either committed before this lock
  // (and its delivery is read below) or reads the queue after this commit (and finds it shorter).
  await lockKeys(store, client, ended);
  await query(
    store,
    client,
    `UPDATE "Delivery" d SET "nextAttemptAt" = $3::timestamp, "updatedAt" = $3::timestamp
       FROM (SELECT DISTINCT e, o FROM unnest($1::text[], $2::text[]) AS u(e, o)) p
            CROSS JOIN LATERAL (SELECT "deliveryId" FROM "FifoQueue" WHERE "endpointId" = p.e AND "orderingKey" = p.o ORDER BY seq LIMIT 1) head
      WHERE d.id = head."deliveryId" AND ${WAITING_PG}`,
    [ended.map((entry) => entry.endpointId), ended.map((entry) => entry.orderingKey), at(now)],
  );
}

/** PostgreSQL: as requeueOnSqlite, in the caller's transaction. */
export async function requeueOnPostgres(store: PostgresStore, client: Queryable, deliveryIds: string[]): Promise<void> {
  if (deliveryIds.length === 0) return;
  const { rows: entries } = await query<QueueEntry>(
    store,
    client,
    `SELECT d.id AS "deliveryId", d."endpointId", coalesce(ev."orderingKey", '') AS "orderingKey"
       FROM "Delivery" d JOIN "Endpoint" e ON e.id = d."endpointId" JOIN "Event" ev ON ev.id = d."eventId"
      WHERE d.id = ANY($1::text[]) AND e.ordering = 'fifo' AND NOT EXISTS (SELECT 1 FROM "FifoQueue" q WHERE q."deliveryId" = d.id)
      ORDER BY d.id`,
    [deliveryIds],
  );
  const seqs = await numberEntriesOnPostgres(store, client, entries);
  await insertEntriesOnPostgres(store, client, entries, seqs);
  const waits = entries.filter((_, index) => seqs[index] > 1).map((entry) => entry.deliveryId);
  if (waits.length) await query(store, client, `UPDATE "Delivery" SET "nextAttemptAt" = NULL WHERE id = ANY($1::text[])`, [waits]);
}

/**
 * PostgreSQL: as clearEndpointQueueOnSqlite, in the caller's transaction. Under the keys' locks:
 * an ingest that read the endpoint as FIFO and is adding to a key right now either commits first
 * (its deliveries are released here) or numbers after this commit (an empty key: due at once).
 */
export async function clearEndpointQueueOnPostgres(store: PostgresStore, client: Queryable, endpointId: string, now: number): Promise<void> {
  const { rows: keys } = await query<{ orderingKey: string }>(store, client, `SELECT DISTINCT "orderingKey" FROM "FifoQueue" WHERE "endpointId" = $1`, [endpointId]);
  if (keys.length === 0) return;
  await lockKeys(store, client, keys.map(({ orderingKey }) => ({ endpointId, orderingKey })));
  await query(
    store,
    client,
    `WITH cleared AS (DELETE FROM "FifoQueue" WHERE "endpointId" = $1 RETURNING "deliveryId")
     UPDATE "Delivery" d SET "nextAttemptAt" = $2::timestamp, "updatedAt" = $2::timestamp
       FROM cleared c WHERE d.id = c."deliveryId" AND ${WAITING_PG}`,
    [endpointId, at(now)],
  );
}

/**
 * Sets the live endpoint's ordering; a change releases what its queue held (clearEndpointQueue*),
 * in the same transaction. False when there is no such live endpoint.
 */
export async function setEndpointOrdering(store: Store, userId: string, endpointId: string, ordering: Ordering, now: number): Promise<boolean> {
  if (store.engine === "sqlite") {
    const db = store.sqlite;
    return db
      .transaction(() => {
        const live = db.prepare(`SELECT ordering FROM "Endpoint" WHERE id = ? AND userId = ? AND deletedAt IS NULL`).get(endpointId, userId) as { ordering: string } | undefined;
        if (!live) return false;
        if (live.ordering === ordering) return true;
        db.prepare(`UPDATE "Endpoint" SET ordering = ?, updatedAt = ? WHERE id = ?`).run(ordering, now, endpointId);
        clearEndpointQueueOnSqlite(db, endpointId, now);
        return true;
      })
      .immediate();
  }
  return transaction(store, async (client) => {
    const { rows } = await query<{ ordering: string }>(
      store,
      client,
      `SELECT ordering FROM "Endpoint" WHERE id = $1 AND "userId" = $2 AND "deletedAt" IS NULL FOR UPDATE`,
      [endpointId, userId],
    );
    if (rows.length === 0) return false;
    if (rows[0].ordering === ordering) return true;
    await query(store, client, `UPDATE "Endpoint" SET ordering = $2, "updatedAt" = $3::timestamp WHERE id = $1`, [endpointId, ordering, at(now)]);
    await clearEndpointQueueOnPostgres(store, client, endpointId, now);
    return true;
  });
}

export interface WaitingBehind {
  /** The delivery its key is on now (being attempted, or waiting for its next attempt). */
  deliveryId: string;
  orderingKey: string;
  /** Deliveries ahead of it in its key's queue, counted up to AHEAD_COUNTED. */
  ahead: number;
}

/** What a delivery of the account waits behind in its FIFO queue; null when it is first or not queued. */
export async function waitingBehind(store: Store, userId: string, deliveryId: string): Promise<WaitingBehind | null> {
  const entry = await store.prisma.fifoQueue.findFirst({ where: { deliveryId, delivery: { userId } }, select: { endpointId: true, orderingKey: true, seq: true } });
  if (!entry) return null;
  const where = { endpointId: entry.endpointId, orderingKey: entry.orderingKey };
  const head = await store.prisma.fifoQueue.findFirst({ where, orderBy: { seq: "asc" }, select: { deliveryId: true, seq: true } });
  if (!head || head.deliveryId === deliveryId) return null;
  const ahead = await store.prisma.fifoQueue.count({ where: { ...where, seq: { lt: entry.seq } }, take: AHEAD_COUNTED });
  return { deliveryId: head.deliveryId, orderingKey: entry.orderingKey, ahead };
}
