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
 * - PostgreSQL: a stored generated tsvector column on Event with a GIN index (the `simple`
 *   configuration: no stemming, no stop words, the same rule for every language).
 * Both split on every character that is not a letter or digit (PostgreSQL's own parser would keep
 * `order.created` whole, as a host name), so `order.created` is found by `order` and by
 * `order.created`.
 */
import Database from "better-sqlite3";
import pg from "pg";

export const SEARCH_TABLE = "EventSearch";

const SQLITE_DOCUMENT = (row: string) => `${row}.userId || ' ' || ${row}.type || ' ' || ${row}.id || ' ' || ${row}.payload`;

const SQLITE_OBJECTS = [SEARCH_TABLE, "Event_search_insert", "Event_search_delete"];

/**
 * Makes the index, or remakes it whole when any part of it is missing (a trigger dropped means
 * events written since are not in it): from the events, in one transaction.
 */
export function ensureSqliteSearchIndex(file: string): void {
  const db = new Database(file, { timeout: 5000 });
  try {
    const complete = () => (db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE name IN (?, ?, ?)`).get(...SQLITE_OBJECTS) as { n: number }).n === SQLITE_OBJECTS.length;
    // A read first: once made (every start but the first), nothing waits for the write lock.
    if (complete()) return;
    db.transaction(() => {
      if (complete()) return;
      dropSqliteSearchIndex(db);
      db.exec(`
        CREATE VIRTUAL TABLE "${SEARCH_TABLE}" USING fts5(body, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2');
        CREATE TRIGGER "Event_search_insert" AFTER INSERT ON "Event" BEGIN
          INSERT INTO "${SEARCH_TABLE}"(rowid, body) VALUES (new.rowid, ${SQLITE_DOCUMENT("new")});
        END;
        CREATE TRIGGER "Event_search_delete" AFTER DELETE ON "Event" BEGIN
          DELETE FROM "${SEARCH_TABLE}" WHERE rowid = old.rowid;
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
  db.exec(`
    DROP TRIGGER IF EXISTS "Event_search_insert";
    DROP TRIGGER IF EXISTS "Event_search_delete";
    DROP TABLE IF EXISTS "${SEARCH_TABLE}";
  `);
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

export async function hasPostgresSearchIndex(client: pg.Client): Promise<boolean> {
  const { rows } = await client.query(`SELECT 1 FROM pg_indexes WHERE schemaname = current_schema() AND indexname = 'Event_search_idx'`);
  return rows.length > 0;
}

/** Call under the migration lock (migrate/postgres.ts): adding the column rewrites Event once. */
export async function createPostgresSearchIndex(client: pg.Client): Promise<void> {
  await client.query(`
    ALTER TABLE "Event" ADD COLUMN IF NOT EXISTS "search" tsvector GENERATED ALWAYS AS (
      to_tsvector('simple'::regconfig, ${postgresSearchText(`"userId" || ' ' || type || ' ' || id || ' ' || payload`)})
    ) STORED;
    CREATE INDEX IF NOT EXISTS "Event_search_idx" ON "Event" USING GIN ("search");
  `);
}
