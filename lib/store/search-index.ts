/**
 * The full-text index of events (SPEC §11 search): each event's type, id and data (its JSON
 * text: values and keys), plus its account, so a search reads only the account's matches. The
 * JSON text rather than its values: PostgreSQL's jsonb refuses some valid JSON (`\u0000`), and an
 * index that cannot take an event would refuse the event.
 *
 * Prisma's schema cannot describe these objects, and the migration tooling derives migrations
 * from that schema (it would drop them as drift), so they are made here, after the migrations,
 * by every `migrateDatabase` (idempotent and cheap once done):
 * - SQLite: an FTS5 table without content (the index only; `contentless_delete` lets rows go),
 *   keyed by the event's rowid and kept by triggers on Event, so every way an event is written
 *   or deleted (ingest, schedule ticks, retention, account deletion's cascade, db:copy) keeps it
 *   true. Created with its backfill in one transaction.
 *   An event written is not indexed in its own transaction: its trigger queues its rowid in
 *   EventSearchPending, and indexPendingEvents indexes the queue in bulk (the writer thread every
 *   INDEX_INTERVAL_MS, and every search first, so a search sees every event written before it).
 *   FTS5 writes a segment per transaction and merges them later: indexed with ingest's group
 *   commits (tens of events) an event cost ~15 µs, ingest 16-20 % of its throughput; indexed
 *   thousands at a time it costs ~2.6 µs, and queueing it ~0.8 µs.
 * - PostgreSQL: a stored generated tsvector column on Event with a GIN index (the `simple`
 *   configuration: no stemming, no stop words, the same rule for every language). A generated
 *   column sees only its own row, so the ids of the endpoints the event fanned out to are a
 *   column of it too (POSTGRES_ENDPOINTS_COLUMN), written with the event by every writer
 *   (insert-events.ts, bulk-insert.ts, copy.ts).
 * Both split on every character that is not a letter or digit (PostgreSQL's own parser would keep
 * `order.created` whole, as a host name), so `order.created` is found by `order` and by
 * `order.created`.
 */
import Database from "better-sqlite3";
import pg from "pg";

export const SEARCH_TABLE = "EventSearch";

/**
 * What SQLite indexes of an event: also the ids of the endpoints it went to (its deliveries are
 * written in its transaction, before it is indexed), so a delivery search filtered by endpoint
 * asks the index for that endpoint's events instead of reading every match (search.ts).
 */
const SQLITE_DOCUMENT = (row: string) =>
  `${row}.userId || ' ' || ${row}.type || ' ' || ${row}.id || ' ' ||
   coalesce((SELECT group_concat(endpointId, ' ') FROM "Delivery" WHERE eventId = ${row}.id), '') || ' ' || ${row}.payload`;

export const PENDING_TABLE = "EventSearchPending";

/**
 * Part of the queue trigger's name: a release that indexes differently bumps it, and every
 * database indexed the old way is remade at its next start (ensureSqliteSearchIndex).
 * 1: type, id and data; 2: with the endpoints' ids.
 */
const SQLITE_INDEX_VERSION = 2;
const QUEUE_TRIGGER = `Event_search_queue_v${SQLITE_INDEX_VERSION}`;

const SQLITE_OBJECTS = [SEARCH_TABLE, PENDING_TABLE, QUEUE_TRIGGER, "Event_search_delete"];

/** How often the writer thread (sqlite-writer-thread.ts) indexes what is pending. */
export const INDEX_INTERVAL_MS = 200;

/** Events indexed per transaction: large enough to make few segments, small enough to hold the write lock briefly (~10 ms). */
const INDEX_BATCH = 4000;

/**
 * Makes the index, or remakes it whole when any part of it is missing (a trigger dropped means
 * events written since are not in it): from the events, in one transaction.
 */
export function ensureSqliteSearchIndex(file: string): void {
  const db = new Database(file, { timeout: 5000 });
  try {
    const complete = () => (db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE name IN (${SQLITE_OBJECTS.map(() => "?").join(", ")})`).get(...SQLITE_OBJECTS) as { n: number }).n === SQLITE_OBJECTS.length;
    // A read first: once made (every start but the first), nothing waits for the write lock.
    // A database indexed by an older release (another trigger name) is remade.
    if (complete()) return;
    db.transaction(() => {
      if (complete()) return;
      dropSqliteSearchIndex(db);
      db.exec(`
        CREATE VIRTUAL TABLE "${SEARCH_TABLE}" USING fts5(body, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2');
        CREATE TABLE "${PENDING_TABLE}" (rowid INTEGER PRIMARY KEY);
        CREATE TRIGGER "${QUEUE_TRIGGER}" AFTER INSERT ON "Event" BEGIN
          INSERT OR IGNORE INTO "${PENDING_TABLE}"(rowid) VALUES (new.rowid);
        END;
        -- Both: a deleted event's rowid can be reused by the next event, which must then be indexed anew.
        CREATE TRIGGER "Event_search_delete" AFTER DELETE ON "Event" BEGIN
          DELETE FROM "${SEARCH_TABLE}" WHERE rowid = old.rowid;
          DELETE FROM "${PENDING_TABLE}" WHERE rowid = old.rowid;
        END;
        INSERT INTO "${SEARCH_TABLE}"(rowid, body) SELECT e.rowid, ${SQLITE_DOCUMENT("e")} FROM "Event" e;
      `);
    }).immediate();
  } finally {
    db.close();
  }
}

/**
 * Removes the index (the next migrateDatabase makes it again, from the events). For the
 * benchmark, which measures what keeping it costs ingest, and for a rebuild.
 */
export function dropSqliteSearchIndex(db: Database.Database): void {
  // Every release's triggers: all of them are named Event_search_….
  const triggers = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'Event' AND name LIKE 'Event\\_search\\_%' ESCAPE '\\'`).pluck().all() as string[];
  for (const trigger of triggers) db.exec(`DROP TRIGGER "${trigger}"`);
  db.exec(`
    DROP TABLE IF EXISTS "${PENDING_TABLE}";
    DROP TABLE IF EXISTS "${SEARCH_TABLE}";
  `);
}

/** Whether events wait to be indexed: two reads, so a caller with nothing to index takes no write lock (most calls). */
export function hasPendingEvents(db: Database.Database): boolean {
  if (!db.prepare(`SELECT 1 FROM sqlite_master WHERE name = ?`).get(PENDING_TABLE)) return false;
  return db.prepare(`SELECT 1 FROM "${PENDING_TABLE}" LIMIT 1`).get() !== undefined;
}

/**
 * Indexes the pending events, oldest first, INDEX_BATCH per transaction, until none is left or
 * `batches` transactions have run; how many it indexed. Nothing when the index does not exist
 * (":memory:" before migrating, or the benchmark without it). Any connection may run it, any
 * number at once: each takes the write lock, and reads the queue under it.
 */
export function indexPendingEvents(db: Database.Database, batches = Number.POSITIVE_INFINITY): number {
  if (!hasPendingEvents(db)) return 0;
  // Prepared here, not cached: the benchmark drops and remakes the tables under a running server.
  const index = db.prepare(
    `INSERT INTO "${SEARCH_TABLE}"(rowid, body)
     SELECT e.rowid, ${SQLITE_DOCUMENT("e")} FROM (SELECT rowid FROM "${PENDING_TABLE}" ORDER BY rowid LIMIT ${INDEX_BATCH}) p JOIN "Event" e ON e.rowid = p.rowid`,
  );
  const dequeue = db.prepare(`DELETE FROM "${PENDING_TABLE}" WHERE rowid IN (SELECT rowid FROM "${PENDING_TABLE}" ORDER BY rowid LIMIT ${INDEX_BATCH})`);
  const batch = db.transaction(() => {
    index.run();
    return dequeue.run().changes;
  });
  let indexed = 0;
  for (let done = 0; done < batches; done += 1) {
    const count = batch.immediate();
    indexed += count;
    if (count < INDEX_BATCH) break;
  }
  return indexed;
}

export async function dropPostgresSearchIndex(client: pg.Client | pg.Pool): Promise<void> {
  await client.query(`DROP INDEX IF EXISTS "Event_search_idx"; ALTER TABLE "Event" DROP COLUMN IF EXISTS "search"`);
}

/**
 * PostgreSQL's `simple` configuration keeps accents, and its unaccent extension is neither
 * installed everywhere nor usable in a generated column (it is not immutable): accented Latin
 * letters are folded here instead, the same way in the index and in the query (search.ts).
 */
const ACCENTED = "àáâãäåāăąçćčďèéêëēėęěìíîïīįıñńňòóôõöøōőùúûüūůűųýÿžźżłßśšşţťŕř";
const PLAIN = "aaaaaaaaacccdeeeeeeeeiiiiiiinnnoooooooouuuuuuuuyyzzzlssssttrr";

/** The SQL that turns `expression` into what PostgreSQL indexes: lower case, accents folded, one space between letter-and-digit runs. */
export function postgresSearchText(expression: string): string {
  return `regexp_replace(translate(lower(${expression}), '${ACCENTED}', '${PLAIN}'), '[^[:alnum:]]+', ' ', 'g')`;
}

/**
 * PostgreSQL: Event's column with the ids of the endpoints the event fanned out to (its
 * deliveries', made in its transaction), space-separated, null for none. Part of its search
 * document, as on SQLite, so a delivery search filtered by endpoint asks the index for that
 * endpoint's events instead of reading every match (search.ts). Not in the Prisma schema, like
 * the index itself.
 */
export const POSTGRES_ENDPOINTS_COLUMN = "searchEndpoints";

/** What a writer puts in POSTGRES_ENDPOINTS_COLUMN for an event delivered to these endpoints. */
export const searchEndpointsText = (endpointIds: string[]): string | null => (endpointIds.length ? endpointIds.join(" ") : null);

/** Whether the index is there, the current way (its document holding the endpoints' ids). */
export async function hasPostgresSearchIndex(client: pg.Client): Promise<boolean> {
  const { rows } = await client.query(
    `SELECT 1 FROM pg_indexes WHERE schemaname = current_schema() AND indexname = 'Event_search_idx'
        AND EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'Event' AND column_name = $1)`,
    [POSTGRES_ENDPOINTS_COLUMN],
  );
  return rows.length > 0;
}

/** Sets every event's endpoints column from its deliveries, where it differs. */
const FILL_SEARCH_ENDPOINTS = `
  UPDATE "Event" e SET "${POSTGRES_ENDPOINTS_COLUMN}" = d.ids
    FROM (SELECT "eventId", string_agg("endpointId", ' ' ORDER BY "endpointId") AS ids FROM "Delivery" GROUP BY "eventId") d
   WHERE e.id = d."eventId" AND e."${POSTGRES_ENDPOINTS_COLUMN}" IS DISTINCT FROM d.ids`;

/** After db:copy, which writes the events before their deliveries. */
export async function fillPostgresSearchEndpoints(client: pg.ClientBase): Promise<void> {
  await client.query(FILL_SEARCH_ENDPOINTS);
}

/**
 * Makes the index, or remakes it when it was made without the endpoints' ids (releases before
 * 2026-12-02), under the migration lock (migrate/postgres.ts). One transaction (one simple query
 * holding every statement). Event is rewritten twice, for the endpoints' ids and for the column:
 * a long first start on a large log, once.
 */
export async function createPostgresSearchIndex(client: pg.Client): Promise<void> {
  await client.query(`
    DROP INDEX IF EXISTS "Event_search_idx";
    ALTER TABLE "Event" DROP COLUMN IF EXISTS "search";
    ALTER TABLE "Event" ADD COLUMN IF NOT EXISTS "${POSTGRES_ENDPOINTS_COLUMN}" text;
    ${FILL_SEARCH_ENDPOINTS};
    ALTER TABLE "Event" ADD COLUMN "search" tsvector GENERATED ALWAYS AS (
      to_tsvector('simple'::regconfig, ${postgresSearchText(`"userId" || ' ' || type || ' ' || id || ' ' || coalesce("${POSTGRES_ENDPOINTS_COLUMN}", '') || ' ' || payload`)})
    ) STORED;
    CREATE INDEX "Event_search_idx" ON "Event" USING GIN ("search");
  `);
}
