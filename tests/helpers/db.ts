/**
 * Looking inside this test file's database, on whichever engine it runs (SQLite by default,
 * PostgreSQL with HOOKLINE_TEST_ENGINE=postgres; tests/helpers/setup-database.ts). Tests set up
 * and read rows through Prisma's model API (`prisma` from @/lib/db, same on both engines); what
 * Prisma cannot say — which tables exist, every row of a table whatever its model, foreign keys,
 * the bytes the database keeps on disk — is here, with one implementation per engine over the
 * store's own connections (lib/store/connection.ts), so tests never reach for a driver.
 *
 * Rows read here are raw: times are Unix milliseconds on both engines (as the store reads them),
 * booleans 0/1 on SQLite and true/false on PostgreSQL; compare them within one engine only.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { env } from "@/lib/env";
import { store, type PostgresStore, type SqliteStore } from "@/lib/store/connection";
import { parseDatabaseUrl } from "@/lib/store/engine";
import { query } from "@/lib/store/postgres";
import { PENDING_TABLE, SEARCH_TABLE } from "@/lib/store/search-index";

export type Engine = "sqlite" | "postgres";

/** The engine this test file's database (DATABASE_URL) runs on. */
export function testEngine(): Engine {
  return parseDatabaseUrl(env.DATABASE_URL).engine;
}

export const onSqlite = testEngine() === "sqlite";
export const onPostgres = testEngine() === "postgres";

function sqliteStore(): SqliteStore {
  const current = store();
  if (current.engine !== "sqlite") throw new Error("not a SQLite test database");
  return current;
}

function postgresStore(): PostgresStore {
  const current = store();
  if (current.engine !== "postgres") throw new Error("not a PostgreSQL test database");
  return current;
}

async function pgRows<Row extends object>(text: string, values: unknown[] = []): Promise<Row[]> {
  const current = postgresStore();
  return (await query<Row>(current, current.pool, text, values)).rows;
}

/** A table name as an SQL identifier (the same quoting on both engines). */
function identifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Every table of the database, sorted by name (code point order, the same on both engines):
 * the application's tables and `_prisma_migrations`, not the engine's own catalog.
 */
export async function tableNames(): Promise<string[]> {
  const names = onSqlite
    ? // Ordinary tables: not the search index's FTS5 table, its shadow tables nor its queue (lib/store/search-index.ts).
      (sqliteStore().sqlite.prepare(`SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> ?`).all(PENDING_TABLE) as { name: string }[])
    : await pgRows<{ name: string }>(`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`);
  return names.map((row) => row.name).sort();
}

/**
 * SQLite: entries of the search index (lib/store/search-index.ts), indexed or still queued, and
 * events, which must be equal. Null on PostgreSQL (a generated column there).
 */
export function searchIndexEntries(): { entries: number; events: number } | null {
  if (!onSqlite) return null;
  const count = (table: string) => (sqliteStore().sqlite.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n;
  return { entries: count(SEARCH_TABLE) + count(PENDING_TABLE), events: count("Event") };
}

/** The columns of `table`, in their order. */
export async function columnNames(table: string): Promise<string[]> {
  const columns = onSqlite
    ? (sqliteStore().sqlite.prepare(`SELECT name FROM pragma_table_info(?) ORDER BY cid`).all(table) as { name: string }[])
    : await pgRows<{ name: string }>(
        `SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
        [table],
      );
  if (columns.length === 0) throw new Error(`no table ${table}`);
  return columns.map((row) => row.name);
}

/**
 * Every row of `table`, with `_row`: the row's identity inside the engine (SQLite's rowid,
 * PostgreSQL's ctid), stable as long as the row is not updated. Order: by that identity.
 */
export async function tableRows(table: string): Promise<Array<Record<string, unknown> & { _row: string }>> {
  if (onSqlite) {
    const rows = sqliteStore().sqlite.prepare(`SELECT rowid AS _row, * FROM ${identifier(table)} ORDER BY rowid`).all() as Array<Record<string, unknown>>;
    return rows.map((row) => ({ ...row, _row: String(row._row) }));
  }
  return pgRows(`SELECT ctid::text AS _row, * FROM ${identifier(table)} ORDER BY ctid`);
}

/** The number of rows in each table. */
export async function rowCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of await tableNames()) {
    counts[table] = onSqlite
      ? (sqliteStore().sqlite.prepare(`SELECT count(*) AS n FROM ${identifier(table)}`).get() as { n: number }).n
      : (await pgRows<{ n: number }>(`SELECT count(*) AS n FROM ${identifier(table)}`))[0].n;
  }
  return counts;
}

/**
 * Rows whose foreign key names a row that does not exist, one entry per table and parent ([]
 * when the database is consistent). SQLite: `PRAGMA foreign_key_check`. PostgreSQL: every
 * foreign-key constraint of the schema checked by a query of its own (a constraint enforces
 * itself, but not on rows written while it was disabled or marked NOT VALID).
 */
export async function foreignKeyViolations(): Promise<Array<{ table: string; parent: string }>> {
  if (onSqlite) {
    const rows = sqliteStore().sqlite.pragma("foreign_key_check") as Array<{ table: string; parent: string }>;
    return rows.map(({ table, parent }) => ({ table, parent }));
  }
  const constraints = await pgRows<{ child: string; parent: string; columns: string[]; parentColumns: string[] }>(
    `SELECT cl.relname::text AS child, pl.relname::text AS parent,
            (SELECT array_agg(a.attname::text ORDER BY k.i) FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
               JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n) AS "columns",
            (SELECT array_agg(a.attname::text ORDER BY k.i) FROM unnest(c.confkey) WITH ORDINALITY k(n, i)
               JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n) AS "parentColumns"
       FROM pg_constraint c
       JOIN pg_class cl ON cl.oid = c.conrelid
       JOIN pg_class pl ON pl.oid = c.confrelid
       JOIN pg_namespace n ON n.oid = c.connamespace
      WHERE c.contype = 'f' AND n.nspname = current_schema()`,
  );
  // The schema has foreign keys (Delivery → Event, …): finding none means this query is wrong.
  if (constraints.length === 0) throw new Error("no foreign-key constraints found in the schema");
  const violations: Array<{ table: string; parent: string }> = [];
  for (const { child, parent, columns, parentColumns } of constraints) {
    const present = columns.map((column) => `c.${identifier(column)} IS NOT NULL`).join(" AND ");
    const matches = columns.map((column, i) => `p.${identifier(parentColumns[i])} = c.${identifier(column)}`).join(" AND ");
    const [{ n }] = await pgRows<{ n: number }>(
      `SELECT count(*) AS n FROM ${identifier(child)} c WHERE ${present} AND NOT EXISTS (SELECT 1 FROM ${identifier(parent)} p WHERE ${matches})`,
    );
    if (n > 0) violations.push({ table: child, parent });
  }
  return violations;
}

/**
 * The files that hold this database on disk, after everything written so far has reached them:
 * SQLite's main file and write-ahead log, checkpointed; PostgreSQL (after a CHECKPOINT) the
 * database's own folder under base/ and the cluster's write-ahead log (pg_wal). On PostgreSQL
 * the server must run on this machine with its data directory readable here (the test clusters
 * do: lib/store/postgres/cluster.ts).
 */
export async function databaseFiles(): Promise<string[]> {
  if (onSqlite) {
    const current = sqliteStore();
    current.sqlite.pragma("wal_checkpoint(PASSIVE)");
    return [current.file, `${current.file}-wal`].filter((file) => existsSync(file));
  }
  await pgRows("CHECKPOINT");
  const [{ dataDirectory, databaseOid }] = await pgRows<{ dataDirectory: string; databaseOid: number }>(
    `SELECT current_setting('data_directory') AS "dataDirectory", (SELECT oid::int FROM pg_database WHERE datname = current_database()) AS "databaseOid"`,
  );
  const folders = [path.join(dataDirectory, "base", String(databaseOid)), path.join(dataDirectory, "pg_wal")];
  for (const folder of folders) {
    if (!existsSync(folder)) throw new Error(`${folder} is not readable here: the PostgreSQL server must run on this machine for this test`);
  }
  return folders.flatMap((folder) =>
    readdirSync(folder)
      .map((name) => path.join(folder, name))
      .filter((file) => statSync(file).isFile()),
  );
}

/** Whether any of the database's files (databaseFiles) contains `text`. */
export async function databaseFilesContain(text: string): Promise<boolean> {
  const needle = Buffer.from(text);
  for (const file of await databaseFiles()) {
    if (readFileSync(file).includes(needle)) return true;
  }
  return false;
}
