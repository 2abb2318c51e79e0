/**
 * Moving up from SQLite to PostgreSQL (`npm run db:copy -- --to postgres://…`, scripts/db-copy.ts).
 *
 * Contract of `copySqliteToPostgres({ from, to })`:
 * - `from` is a `file:` SQLite database, `to` a `postgres://` one; anything else is refused
 *   (`CopyRefused`, with a message saying what to do) before either database is touched. The
 *   source is opened read-only and never changed.
 * - Refused, again before anything is written: a source whose migrations are behind this version
 *   (start this version on it once, or `npm run db:migrate`); a target holding any Hookline rows.
 *   A target without Hookline's tables (a fresh database) is migrated first, with the same
 *   PostgreSQL migrations `npm start` applies.
 * - What is copied is derived, not listed: the tables and columns are the Prisma schema's models
 *   and scalar fields (the generated client's `ModelName` / `<Model>ScalarFieldEnum`), the column
 *   types, primary keys and foreign keys come from the migrated target's catalog. A model or column
 *   that either database lacks, or has in excess, stops the copy with the difference named, so a
 *   column added later is never silently dropped. A column type it does not know how to convert
 *   stops it too.
 * - Consistency: the whole source is read inside ONE SQLite read transaction, so the copy is the
 *   database exactly as it was at one instant even while a server and workers keep writing (WAL:
 *   readers do not block writers). Chosen over `VACUUM INTO` a temporary file, which is as
 *   consistent but needs a second copy of the database on disk; the cost here is that SQLite cannot
 *   checkpoint past our snapshot while we read, so the WAL grows for the copy's duration. Writes
 *   committed after the snapshot are not copied: `sourceChangedDuringCopy` says so (stop the
 *   SQLite server before copying for real).
 * - Atomic: every row goes in ONE PostgreSQL transaction, whose tables are locked against writers
 *   first (EXCLUSIVE: reads still work) and checked empty again under the lock; any failure
 *   rolls it back and leaves the target with no Hookline rows.
 * - Order and batches: parents before children (a topological order of the foreign keys); each
 *   table is streamed from SQLite (`iterate()`, primary-key order) and inserted with one
 *   `INSERT … SELECT FROM unnest($1::type[], …)` per batch of at most `batchRows` rows (1,000)
 *   or ~`batchBytes` of text (8 MiB), so memory stays bounded whatever the database's size.
 * - Types: DateTime is a unix-ms integer on SQLite (or, for rows a database default filled, SQLite's
 *   "YYYY-MM-DD HH:MM:SS" UTC text) and `timestamp(3)` (UTC) on PostgreSQL; Boolean is 0/1 and
 *   `boolean`; integers are read as 64-bit (no precision lost); text is copied as is, except
 *   U+0000, which PostgreSQL's text cannot hold: copied as U+FFFD, as the app now stores it
 *   (response bodies recorded before it did), and counted in the report.
 * - Verification, before COMMIT: per table, PostgreSQL's own row count and a checksum of every
 *   column of every row (md5 over each row's normalized values, in primary-key order) must equal
 *   what was read from SQLite. Ids, secrets, password and key hashes are therefore copied byte for
 *   byte, or the copy is rolled back.
 * - Not copied: `WorkerHeartbeat` (rows describe processes running against the SQLite file; the
 *   workers started on PostgreSQL register themselves within seconds, and copied rows would only
 *   make health and metrics report workers that do not exist) and `_prisma_migrations` (the target
 *   has its own, from its own migrations). Afterwards the copied tables are ANALYZEd, so the
 *   planner knows their sizes from the first request.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import type pg from "pg";
import { Prisma } from "../generated/prisma/client";
import { closeStore, openStore, type PostgresStore } from "./connection";
import { parseDatabaseUrl } from "./engine";
import { migratePostgres, redactUrl } from "./migrate/postgres";
import { pendingSqliteMigrations } from "./migrate/sqlite";
import { query, transaction } from "./postgres";
import { fillPostgresSearchEndpoints, POSTGRES_ENDPOINTS_COLUMN } from "./search-index";

/** Models whose rows are not copied, and why (printed in the report). */
export const NOT_COPIED: Record<string, string> = {
  WorkerHeartbeat: "live processes, not data: PostgreSQL's workers register themselves",
};

/** A refusal: nothing was written; the message says what to do. */
export class CopyRefused extends Error {}

export interface CopyOptions {
  /** `file:…` */
  from: string;
  /** `postgres://…` */
  to: string;
  batchRows?: number;
  batchBytes?: number;
  /** Progress lines. */
  log?: (line: string) => void;
}

export interface TableReport {
  table: string;
  /** Rows in the source's snapshot. */
  sourceRows: number;
  /** Rows PostgreSQL counted after the inserts (null when not copied). */
  targetRows: number | null;
  /** md5 of the rows' contents, equal on both sides (null when not copied). */
  checksum: string | null;
  /** Why the table was not copied. */
  skipped?: string;
  /** Text values whose U+0000 characters were copied as U+FFFD (PostgreSQL's text cannot hold them). */
  nulReplaced?: number;
}

export interface CopyReport {
  tables: TableReport[];
  /** Migrations applied to the target before copying. */
  migrated: string[];
  /** Another connection committed to the source while it was read: those writes are not in the copy. */
  sourceChangedDuringCopy: boolean;
  elapsedMs: number;
}

type Kind = "text" | "integer" | "bigint" | "float" | "boolean" | "timestamp";

interface Column {
  name: string;
  kind: Kind;
  /** PostgreSQL's type, as format_type() spells it (for the unnest casts). */
  pgType: string;
}

interface Table {
  name: string;
  columns: Column[];
  primaryKey: string[];
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Why a copy from `from` to `to` cannot even start (pure), or null. */
export function copyRefusal(from: string | undefined, to: string | undefined): string | null {
  if (!to) return "Name the PostgreSQL database to copy into: --to postgres://user:password@host:5432/database";
  if (!from) return "Name the SQLite database to copy: --from file:./data/hookline.db (or set DATABASE_URL to it)";
  let source, target;
  try {
    source = parseDatabaseUrl(from);
  } catch (error) {
    return `The source: ${(error as Error).message.replace(/^DATABASE_URL/, "it")}`;
  }
  if (source.engine !== "sqlite") {
    return "The source must be a SQLite database (file:…); it names PostgreSQL. db:copy moves a SQLite database up to PostgreSQL: pass --from file:./data/hookline.db (to copy between PostgreSQL servers use pg_dump and pg_restore).";
  }
  try {
    target = parseDatabaseUrl(to);
  } catch (error) {
    return `The target: ${(error as Error).message.replace(/^DATABASE_URL/, "--to")}`;
  }
  if (target.engine !== "postgres") return "The target (--to) must be a PostgreSQL database, postgres://user:password@host:5432/database; it names a SQLite file.";
  return null;
}

/** Every model of the Prisma schema with its scalar fields, as the generated client knows them. */
export function schemaModels(): Array<{ name: string; fields: string[] }> {
  const namespace = Prisma as unknown as Record<string, Record<string, string> | undefined>;
  return Object.values(Prisma.ModelName).map((model) => {
    const fields = namespace[`${model}ScalarFieldEnum`];
    if (!fields) throw new Error(`The generated Prisma client has no ${model}ScalarFieldEnum: regenerate it (npm run prisma:generate).`);
    return { name: model, fields: Object.values(fields) };
  });
}

function kindOf(typname: string): Kind | null {
  if (["text", "varchar", "bpchar"].includes(typname)) return "text";
  if (["int2", "int4"].includes(typname)) return "integer";
  if (typname === "int8") return "bigint";
  if (["float4", "float8"].includes(typname)) return "float";
  if (typname === "bool") return "boolean";
  if (typname === "timestamp" || typname === "timestamptz") return "timestamp";
  return null;
}

/** Differences between two column lists, as readable text (empty when equal as sets). */
function columnDifference(where: string, table: string, expected: string[], actual: string[]): string[] {
  const missing = expected.filter((column) => !actual.includes(column));
  const extra = actual.filter((column) => !expected.includes(column));
  return [
    ...(missing.length ? [`${where} ${table} lacks ${missing.join(", ")}`] : []),
    ...(extra.length ? [`${where} ${table} has ${extra.join(", ")}, which the schema does not`] : []),
  ];
}

/** How the source's tables differ from the schema's models (empty when they match). */
function sourceSchemaProblems(source: Database.Database): string[] {
  return schemaModels().flatMap((model) => {
    const columns = (source.pragma(`table_info(${quote(model.name)})`) as Array<{ name: string }>).map((column) => column.name);
    return columns.length ? columnDifference("the source's table", model.name, model.fields, columns) : [`the source has no table ${model.name}`];
  });
}

function schemaMismatch(problems: string[]): CopyRefused {
  return new CopyRefused(
    `The databases do not match this version's schema (prisma/schema.prisma):\n  - ${problems.join("\n  - ")}\n` +
      "Both must be at this version: start this version of Hookline on the SQLite file once (or npm run db:migrate), then copy again.",
  );
}

/** The tables to copy, described from the schema and the target's catalog, in foreign-key order. */
async function describeTables(store: PostgresStore, client: pg.PoolClient, source: Database.Database): Promise<Table[]> {
  const models = schemaModels();
  const names = models.map((model) => model.name);
  const { rows: columnRows } = await query<{ table: string; column: string; type: string; typname: string }>(
    store,
    client,
    `SELECT c.relname::text AS table, a.attname::text AS column, format_type(a.atttypid, a.atttypmod) AS type, t.typname::text AS typname
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_type t ON t.oid = a.atttypid
      WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
        AND c.relname = ANY($1::text[])
        -- Not the search index's columns (search-index.ts): no data to copy, filled after the copy.
        AND a.attgenerated = '' AND a.attname <> $2
      ORDER BY a.attnum`,
    [names, POSTGRES_ENDPOINTS_COLUMN],
  );
  const { rows: keyRows } = await query<{ table: string; columns: string[] }>(
    store,
    client,
    `SELECT c.relname::text AS table, array_agg(a.attname::text ORDER BY k.ord) AS columns
       FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
       CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
      WHERE i.indisprimary AND c.relnamespace = current_schema()::regnamespace AND c.relname = ANY($1::text[])
      GROUP BY c.relname`,
    [names],
  );
  const { rows: foreignKeys } = await query<{ child: string; parent: string }>(
    store,
    client,
    `SELECT c.relname::text AS child, p.relname::text AS parent
       FROM pg_constraint f JOIN pg_class c ON c.oid = f.conrelid JOIN pg_class p ON p.oid = f.confrelid
      WHERE f.contype = 'f' AND c.relnamespace = current_schema()::regnamespace AND c.relname = ANY($1::text[])`,
    [names],
  );

  const problems = sourceSchemaProblems(source);
  const tables: Table[] = [];
  for (const model of models) {
    const pgColumns = columnRows.filter((row) => row.table === model.name);
    if (!pgColumns.length) problems.push(`the target has no table ${model.name}`);
    else problems.push(...columnDifference("the target's table", model.name, model.fields, pgColumns.map((row) => row.column)));
    if (model.name in NOT_COPIED || !pgColumns.length) continue;
    const columns: Column[] = [];
    for (const field of model.fields) {
      const row = pgColumns.find((candidate) => candidate.column === field);
      if (!row) continue;
      const kind = kindOf(row.typname);
      if (!kind) problems.push(`${model.name}.${field} has PostgreSQL type ${row.type}, which db:copy does not know how to convert (extend lib/store/copy.ts)`);
      else columns.push({ name: field, kind, pgType: row.type });
    }
    const primaryKey = keyRows.find((row) => row.table === model.name)?.columns ?? [];
    if (!primaryKey.length) problems.push(`the target's table ${model.name} has no primary key`);
    tables.push({ name: model.name, columns, primaryKey });
  }
  if (problems.length) throw schemaMismatch(problems);
  return foreignKeyOrder(
    tables,
    foreignKeys.filter((fk) => fk.child !== fk.parent),
  );
}

/** Parents before children; ties keep the schema's order (pure). Throws on a cycle. */
export function foreignKeyOrder<T extends { name: string }>(tables: T[], foreignKeys: Array<{ child: string; parent: string }>): T[] {
  const ordered: T[] = [];
  const placed = new Set<string>();
  const names = new Set(tables.map((table) => table.name));
  const parentsOf = (table: string) => foreignKeys.filter((fk) => fk.child === table && names.has(fk.parent)).map((fk) => fk.parent);
  while (ordered.length < tables.length) {
    const next = tables.find((table) => !placed.has(table.name) && parentsOf(table.name).every((parent) => placed.has(parent)));
    if (!next) throw new Error(`The foreign keys between ${tables.filter((t) => !placed.has(t.name)).map((t) => t.name).join(", ")} form a cycle: db:copy cannot order them.`);
    ordered.push(next);
    placed.add(next.name);
  }
  return ordered;
}

const SQLITE_DATETIME = /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d(?:\.\d+)?)Z?$/;

/**
 * One SQLite value converted for PostgreSQL: the parameter to send and its normalized text for
 * the checksum (null for NULL). Throws on a value the column's type cannot hold.
 */
export function convertValue(kind: Kind, value: unknown): { param: unknown; text: string | null; replacedNul?: true } {
  if (value === null || value === undefined) return { param: null, text: null };
  switch (kind) {
    case "text": {
      if (typeof value !== "string") break;
      // PostgreSQL's text cannot hold U+0000; the app stores it as U+FFFD (record-outcomes.ts), and so does the copy.
      const text = value.includes("\u0000") ? value.replace(/\u0000/g, "\uFFFD") : value;
      return { param: text, text, ...(text !== value ? { replacedNul: true } : {}) };
    }
    case "integer":
    case "bigint":
      if (typeof value !== "bigint" && !(typeof value === "number" && Number.isInteger(value))) break;
      return { param: String(value), text: String(value) };
    case "float":
      if (typeof value !== "number" && typeof value !== "bigint") break;
      return { param: Number(value), text: String(Number(value)) };
    case "boolean": {
      const number = typeof value === "bigint" ? Number(value) : value;
      if (number !== 0 && number !== 1) break;
      return { param: number === 1, text: number === 1 ? "true" : "false" };
    }
    case "timestamp": {
      let ms: number;
      if (typeof value === "bigint" || (typeof value === "number" && Number.isInteger(value))) ms = Number(value);
      else if (typeof value === "string" && SQLITE_DATETIME.test(value)) {
        const [, date, time] = SQLITE_DATETIME.exec(value)!;
        ms = Date.parse(`${date}T${time}Z`);
      } else break;
      if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) break;
      return { param: new Date(ms).toISOString(), text: String(ms) };
    }
  }
  throw new Error(`${JSON.stringify(typeof value === "bigint" ? String(value) : value)} is not a valid ${kind}`);
}

const md5 = (text: string) => createHash("md5").update(text, "utf8").digest("hex");

/** A row's normalized values as one string, unambiguous (length-prefixed); the same on both sides. */
export function rowText(values: Array<string | null>): string {
  return values.map((value) => (value === null ? "\\N" : `${Buffer.byteLength(value, "utf8")}:${value}`)).join(",");
}

/** PostgreSQL's side of rowText for one column. */
function normalizedSql(column: Column): string {
  const c = quote(column.name);
  const text =
    column.kind === "text" ? c : column.kind === "timestamp" ? `(extract(epoch from ${c}) * 1000)::bigint::text` : `${c}::text`;
  return `CASE WHEN ${c} IS NULL THEN '\\N' ELSE octet_length(${text})::text || ':' || ${text} END`;
}

function targetChecksumSql(table: Table): string {
  const row = `concat_ws(',', ${table.columns.map(normalizedSql).join(", ")})`;
  const order = table.primaryKey
    .map((name) => {
      const column = table.columns.find((candidate) => candidate.name === name);
      return column?.kind === "text" ? `${quote(name)} COLLATE "C"` : quote(name);
    })
    .join(", ");
  return `SELECT count(*) AS n, md5(coalesce(string_agg(md5(${row}), '' ORDER BY ${order}), '')) AS checksum FROM ${quote(table.name)}`;
}

/** Names of the tables (among `tables`, existing ones only) that hold at least one row. */
async function tablesWithRows(store: PostgresStore, client: pg.Pool | pg.PoolClient, tables: string[]): Promise<string[]> {
  const { rows } = await query<{ name: string }>(store, client, `SELECT name FROM unnest($1::text[]) AS name WHERE to_regclass(quote_ident(name)) IS NOT NULL`, [tables]);
  if (!rows.length) return [];
  const checks = rows.map((row) => `SELECT ${`'${row.name.replace(/'/g, "''")}'`} AS name WHERE EXISTS (SELECT 1 FROM ${quote(row.name)})`).join(" UNION ALL ");
  return (await query<{ name: string }>(store, client, checks)).rows.map((row) => row.name);
}

function refuseNonEmpty(to: string, tables: string[]): CopyRefused {
  return new CopyRefused(
    `The target database ${redactUrl(to)} already holds Hookline data (rows in ${tables.join(", ")}). db:copy only copies into an empty database, ` +
      "so nothing is overwritten or mixed: create a new database (createdb, or CREATE DATABASE) and copy into it. Nothing was changed.",
  );
}

/** Copies the SQLite database `from` into the empty PostgreSQL database `to`; see the contract at the top. */
export async function copySqliteToPostgres(options: CopyOptions): Promise<CopyReport> {
  const started = Date.now();
  const log = options.log ?? (() => {});
  const batchRows = options.batchRows ?? 1000;
  const batchBytes = options.batchBytes ?? 8 * 1024 * 1024;
  const refusal = copyRefusal(options.from, options.to);
  if (refusal) throw new CopyRefused(refusal);
  const file = (parseDatabaseUrl(options.from) as { file: string }).file;
  if (file === ":memory:" || !existsSync(file)) throw new CopyRefused(`There is no SQLite database at ${path.resolve(file)} (the source).`);
  const pending = pendingSqliteMigrations(options.from);
  if (pending.length) {
    throw new CopyRefused(
      `The SQLite database ${path.resolve(file)} is behind this version of Hookline (migrations not applied: ${pending.join(", ")}). ` +
        `Start this version on it once, or run DATABASE_URL=${options.from} npm run db:migrate, then copy again.`,
    );
  }

  const copied = schemaModels()
    .map((model) => model.name)
    .filter((name) => !(name in NOT_COPIED));
  const store = openStore(options.to) as PostgresStore;
  const source = new Database(file, { readonly: true, fileMustExist: true, timeout: 10_000 });
  try {
    // The source is checked first: a mismatch is refused before the target is touched.
    const sourceProblems = sourceSchemaProblems(source);
    if (sourceProblems.length) throw schemaMismatch(sourceProblems);
    // Checked before migrating, so a database in use is refused without being touched at all.
    const before = await tablesWithRows(store, store.pool, copied).catch((error: Error & { code?: string }) => {
      const hint = error.code === "3D000" ? ": create it first (createdb, or CREATE DATABASE), db:copy fills it" : "";
      throw new CopyRefused(`Cannot use the target database ${redactUrl(options.to)}: ${error.message}${hint}`);
    });
    if (before.length) throw refuseNonEmpty(options.to, before);
    const migrated = await migratePostgres(options.to);
    if (migrated.length) log(`Migrated the target: ${migrated.join(", ")}`);

    // The snapshot: one read transaction over every table, begun by the first read.
    source.exec("BEGIN");
    const versionAtStart = source.pragma("data_version", { simple: true }) as number;
    const reports: TableReport[] = [];
    try {
      await transaction(store, async (client) => {
        const tables = await describeTables(store, client, source);
        await query(store, client, `LOCK TABLE ${tables.map((table) => quote(table.name)).join(", ")} IN EXCLUSIVE MODE`);
        const underLock = await tablesWithRows(store, client, copied);
        if (underLock.length) throw refuseNonEmpty(options.to, underLock);

        for (const table of tables) {
          const names = table.columns.map((column) => quote(column.name)).join(", ");
          const insert =
            `INSERT INTO ${quote(table.name)} (${names}) SELECT * FROM unnest(` +
            table.columns.map((column, index) => `$${index + 1}::${column.pgType}[]`).join(", ") +
            ")";
          const read = source
            .prepare(`SELECT ${names} FROM ${quote(table.name)} ORDER BY ${table.primaryKey.map(quote).join(", ")}`)
            .raw(true)
            .safeIntegers(true);
          const tableStarted = Date.now();
          const checksum = createHash("md5");
          let rows = 0;
          let nulReplaced = 0;
          let batch: unknown[][] = table.columns.map(() => []);
          let batchSize = 0;
          let bytes = 0;
          let lastKey = "";
          const flush = async () => {
            if (!batchSize) return;
            await query(store, client, insert, batch).catch((error: Error) => {
              throw new Error(`Inserting ${table.name} rows up to ${lastKey} failed: ${error.message}`);
            });
            batch = table.columns.map(() => []);
            batchSize = 0;
            bytes = 0;
          };
          for (const values of read.iterate() as Iterable<unknown[]>) {
            const texts: Array<string | null> = [];
            values.forEach((value, index) => {
              const column = table.columns[index];
              let converted;
              try {
                converted = convertValue(column.kind, value);
              } catch (error) {
                throw new Error(`${table.name}.${column.name} of the row after ${lastKey || "the first"}: ${(error as Error).message}`);
              }
              batch[index].push(converted.param);
              if (converted.replacedNul) nulReplaced++;
              texts.push(converted.text);
              if (converted.text) bytes += converted.text.length;
            });
            lastKey = table.primaryKey.map((name) => String(values[table.columns.findIndex((column) => column.name === name)])).join("|");
            checksum.update(md5(rowText(texts)));
            rows++;
            batchSize++;
            if (batchSize >= batchRows || bytes >= batchBytes) await flush();
          }
          await flush();
          const copiedAt = Date.now();
          const sourceChecksum = checksum.digest("hex");
          const counted = (await query<{ n: number; checksum: string }>(store, client, targetChecksumSql(table))).rows[0];
          if (counted.n !== rows || counted.checksum !== sourceChecksum) {
            throw new Error(
              `Verification failed for ${table.name}: read ${rows} rows (checksum ${sourceChecksum}), PostgreSQL holds ${counted.n} (checksum ${counted.checksum}). Rolled back.`,
            );
          }
          log(`${table.name}: ${rows} rows copied in ${((copiedAt - tableStarted) / 1000).toFixed(1)} s, verified in ${((Date.now() - copiedAt) / 1000).toFixed(1)} s`);
          reports.push({ table: table.name, sourceRows: rows, targetRows: counted.n, checksum: sourceChecksum, ...(nulReplaced ? { nulReplaced } : {}) });
        }
        // The events' endpoints for the search index, now that their deliveries are in.
        await fillPostgresSearchEndpoints(client);
        for (const [table, why] of Object.entries(NOT_COPIED)) {
          const n = Number((source.prepare(`SELECT count(*) FROM ${quote(table)}`).pluck().safeIntegers(true).get() as bigint | undefined) ?? 0);
          reports.push({ table, sourceRows: n, targetRows: null, checksum: null, skipped: why });
        }
      });
    } finally {
      source.exec("COMMIT");
    }
    const sourceChangedDuringCopy = (source.pragma("data_version", { simple: true }) as number) !== versionAtStart;
    // Fresh statistics, so the first log queries on PostgreSQL get good plans.
    await query(store, store.pool, `ANALYZE ${reports.filter((report) => !report.skipped).map((report) => quote(report.table)).join(", ")}`);
    return { tables: reports, migrated, sourceChangedDuringCopy, elapsedMs: Date.now() - started };
  } finally {
    source.close();
    await closeStore(store);
  }
}

/** The report as a table, for the CLI (pure). */
export function formatCopyReport(report: CopyReport): string {
  const header = ["table", "SQLite rows", "PostgreSQL rows", "checksum (md5 of every row)"];
  const lines = report.tables.map((table) =>
    table.skipped
      ? [table.table, String(table.sourceRows), "not copied", table.skipped]
      : [table.table, String(table.sourceRows), String(table.targetRows), `${table.checksum} ${table.targetRows === table.sourceRows ? "✓" : "✗"}`],
  );
  const widths = header.map((title, index) => Math.max(title.length, ...lines.map((line) => line[index].length)));
  const format = (cells: string[]) => cells.map((cell, index) => (index === 1 || index === 2 ? cell.padStart(widths[index]) : cell.padEnd(widths[index]))).join("  ").trimEnd();
  return [format(header), format(widths.map((width) => "-".repeat(width))), ...lines.map(format)].join("\n");
}
