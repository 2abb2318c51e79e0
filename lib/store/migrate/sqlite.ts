/**
 * SQLite migrations over the better-sqlite3 adapter (see wasm-engine.ts for why not the CLI).
 * - Nothing pending is a cheap no-op: `_prisma_migrations` is read with a plain read-only
 *   connection, because the engine takes an EXCLUSIVE lock on the file, which fails while
 *   another process (the web server, a worker) has it open.
 * - The file is switched to WAL after migrating (a property of the file, kept by every later
 *   connection).
 * - A locked file gives a message saying what to do instead of the engine's "SocketTimeout".
 */
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import Database from "better-sqlite3";
import { ensureSqliteSearchIndex } from "../search-index";
import { readSqliteSchema, SQLITE_SCHEMA_PATH } from "./schema";
import { diffMigrationsToSchema, migrationNames, migrationsList, NO_FILTERS, SQLITE_MIGRATIONS_DIR, withEngine } from "./wasm-engine";

/** The file path inside a `file:` DATABASE_URL; its folder is created if missing. */
function databaseFile(url: string): string {
  const file = url.replace(/^file:/, "");
  if (file !== ":memory:") mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  return file;
}

type Adapter = {
  executeRaw(query: { sql: string }): Promise<number>;
  executeScript(script: string): Promise<void>;
  dispose(): Promise<void>;
};

/**
 * Wraps the adapter factory so that (1) every connection it opens is remembered, to be closed
 * when the engine is done: the engine holds an EXCLUSIVE lock until then, and freeing the
 * engine alone does not close it; (2) the shadow database's multi-statement scripts, which
 * better-sqlite3 refuses through executeRaw ("contains more than one statement"), fall back
 * to executeScript.
 */
function trackedFactory(factory: PrismaBetterSqlite3, opened: Adapter[]): PrismaBetterSqlite3 {
  const wrap = async (adapterPromise: Promise<unknown>) => {
    const adapter = (await adapterPromise) as Adapter;
    opened.push(adapter);
    const executeRaw = adapter.executeRaw.bind(adapter);
    adapter.executeRaw = async (query) => {
      try {
        return await executeRaw(query);
      } catch (error) {
        if (!String((error as Error)?.message ?? error).includes("more than one statement")) throw error;
        await adapter.executeScript(query.sql);
        return 0;
      }
    };
    return adapter;
  };
  return Object.assign(Object.create(Object.getPrototypeOf(factory)), factory, {
    provider: "sqlite",
    adapterName: factory.adapterName,
    connect: () => wrap(factory.connect()),
    connectToShadowDb: () => wrap(factory.connectToShadowDb()),
  });
}

/** Runs `work` with a schema engine on the database, then closes every connection it opened. */
async function withSqliteEngine<T>(databaseUrl: string, work: Parameters<typeof withEngine<T>>[2]): Promise<T> {
  const opened: Adapter[] = [];
  const factory = trackedFactory(new PrismaBetterSqlite3({ url: databaseFile(databaseUrl) }, { timestampFormat: "unixepoch-ms" }), opened);
  try {
    return await withEngine({ path: SQLITE_SCHEMA_PATH, content: readSqliteSchema() }, factory, work);
  } finally {
    await Promise.all(opened.map((adapter) => adapter.dispose()));
  }
}

/** Names of migrations not yet applied to the SQLite database, read straight from `_prisma_migrations`. */
export function pendingSqliteMigrations(databaseUrl: string, migrationsDir = SQLITE_MIGRATIONS_DIR): string[] {
  const all = migrationNames(migrationsDir);
  const file = databaseFile(databaseUrl);
  if (file === ":memory:" || !existsSync(file)) return all;
  const db = new Database(file, { readonly: true, timeout: 5000 });
  try {
    const table = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'`).get();
    if (!table) return all;
    const applied = new Set(
      (db.prepare(`SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`).all() as Array<{ migration_name: string }>).map(
        (row) => row.migration_name,
      ),
    );
    return all.filter((name) => !applied.has(name));
  } finally {
    db.close();
  }
}

/**
 * Applies every pending migration to the SQLite database at `databaseUrl`; returns their names.
 * `migrationsDir` is for tests that build a database as an earlier release left it.
 */
export async function migrateSqlite(databaseUrl: string, migrationsDir = SQLITE_MIGRATIONS_DIR): Promise<string[]> {
  const applied = pendingSqliteMigrations(databaseUrl, migrationsDir).length ? await applyPending(databaseUrl, migrationsDir) : [];
  enableWriteAheadLog(databaseUrl);
  if (migrationsDir === SQLITE_MIGRATIONS_DIR) ensureSqliteSearchIndex(databaseFile(databaseUrl));
  return applied;
}

/** WAL is a property of the file: set once here, every later connection (Prisma's too) uses it. */
function enableWriteAheadLog(databaseUrl: string): void {
  const file = databaseFile(databaseUrl);
  if (file === ":memory:") return;
  const db = new Database(file, { timeout: 5000 });
  try {
    db.pragma("journal_mode = WAL");
  } finally {
    db.close();
  }
}

async function applyPending(databaseUrl: string, migrationsDir: string): Promise<string[]> {
  try {
    return await withSqliteEngine(databaseUrl, async (engine) => {
      const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList: migrationsList(migrationsDir), filters: NO_FILTERS });
      return appliedMigrationNames;
    });
  } catch (error) {
    // The engine's own message is cryptic when the file is locked (e.g. "SocketTimeout").
    throw new Error(
      `Migrating ${databaseUrl} failed. Applying a migration needs the database to itself: stop any Hookline server or worker using it, then try again.\nCause: ${(error as Error).message.split("\n")[0]}`,
    );
  }
}

/** The SQL of the next SQLite migration (schema minus migrations), or null; replayed on an in-memory database so no data is touched. */
export function nextSqliteMigration(): Promise<string | null> {
  return withSqliteEngine(":memory:", (engine) => diffMigrationsToSchema(engine, SQLITE_MIGRATIONS_DIR, { path: SQLITE_SCHEMA_PATH, content: readSqliteSchema() }));
}
