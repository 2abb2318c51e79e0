/**
 * Offline migrations. Prisma 7's CLI needs a native schema engine these machines cannot
 * download, so this drives Prisma's own schema engine compiled to WebAssembly over the
 * better-sqlite3 driver adapter. The files it reads and writes keep Prisma's standard layout
 * (prisma/migrations/<timestamp>_<name>/migration.sql + migration_lock.toml), so
 * `prisma migrate deploy` works too wherever the native engine is available.

 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import Database from "better-sqlite3";
import * as bg from "@prisma/schema-engine-wasm/schema_engine_bg";

const ROOT = path.resolve(__dirname, "..");
const SCHEMA_PATH = path.join(ROOT, "prisma", "schema.prisma");
const MIGRATIONS_DIR = path.join(ROOT, "prisma", "migrations");
const LOCKFILE = "migration_lock.toml";

type Engine = Awaited<ReturnType<typeof bg.SchemaEngine.new>>;

let wasmReady = false;
function loadWasm() {
  if (wasmReady) return;
  const require = createRequire(__filename);
  // The package exports only its JS; the .wasm sits beside the bindings module.
  const wasmPath = path.join(path.dirname(require.resolve("@prisma/schema-engine-wasm/schema_engine_bg")), "schema_engine_bg.wasm");
  const wasmModule = new WebAssembly.Module(readFileSync(wasmPath));
  const instance = new WebAssembly.Instance(wasmModule, { "./schema_engine_bg.js": bg as unknown as WebAssembly.ModuleImports });
  bg.__wbg_set_wasm(instance.exports);
  (instance.exports as { __wbindgen_start: () => void }).__wbindgen_start();
  wasmReady = true;
}

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
function trackedFactory<T extends { connect(): Promise<unknown>; connectToShadowDb(): Promise<unknown> }>(factory: T, opened: Adapter[]): T {
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
    adapterName: (factory as unknown as { adapterName: string }).adapterName,
    connect: () => wrap(factory.connect()),
    connectToShadowDb: () => wrap(factory.connectToShadowDb()),
  });
}

/** Runs `work` with a schema engine on the database, then closes every connection it opened. */
async function withEngine<T>(databaseUrl: string, work: (engine: Engine) => Promise<T>): Promise<T> {
  loadWasm();
  const opened: Adapter[] = [];
  const factory = trackedFactory(new PrismaBetterSqlite3({ url: databaseFile(databaseUrl) }, { timestampFormat: "unixepoch-ms" }), opened);
  const datamodel = readFileSync(SCHEMA_PATH, "utf8");
  const log = (message: string) => {
    if (process.env.HOOKLINE_MIGRATE_DEBUG) console.error(message);
  };
  const engine = await bg.SchemaEngine.new({ datamodels: [[SCHEMA_PATH, datamodel]] }, log, bindMigrationAwareSqlAdapterFactory(factory));
  try {
    return await work(engine);
  } finally {
    engine.free();
    await Promise.all(opened.map((adapter) => adapter.dispose()));
  }
}

function migrationsList(migrationsDir = MIGRATIONS_DIR) {
  const directories = existsSync(migrationsDir)
    ? readdirSync(migrationsDir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
        .sort()
    : [];
  const lockPath = path.join(migrationsDir, LOCKFILE);
  return {
    baseDir: migrationsDir,
    lockfile: { path: LOCKFILE, content: existsSync(lockPath) ? readFileSync(lockPath, "utf8") : null },
    shadowDbInitScript: "",
    migrationDirectories: directories.map((name) => ({
      path: name,
      migrationFile: {
        path: "migration.sql",
        content: { tag: "ok" as const, value: readFileSync(path.join(migrationsDir, name, "migration.sql"), "utf8") },
      },
    })),
  };
}

const NO_FILTERS = { externalTables: [], externalEnums: [] };

/**
 * Names of migrations not yet applied to the database, read straight from Prisma's
 * `_prisma_migrations` table. The schema engine takes an EXCLUSIVE lock on the file, which
 * fails while another process (the web server, a worker) has it open, so it is only started
 * when there is really something to apply.
 */
export function pendingMigrations(databaseUrl: string, migrationsDir = MIGRATIONS_DIR): string[] {
  const all = migrationsList(migrationsDir).migrationDirectories.map((directory) => directory.path);
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
 * Applies every pending migration to the database at `databaseUrl`; returns their names.
 * `migrationsDir` is for the upgrade test only, which builds a database exactly as an earlier
 * release left it from that release's frozen migrations (tests/fixtures/release-*).
 */
export async function migrateDatabase(databaseUrl: string, migrationsDir = MIGRATIONS_DIR): Promise<string[]> {
  const applied = pendingMigrations(databaseUrl, migrationsDir).length ? await applyPending(databaseUrl, migrationsDir) : [];
  enableWriteAheadLog(databaseUrl);
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
    return await withEngine(databaseUrl, async (engine) => {
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

/** Writes a new migration holding the SQL that takes the existing migrations to the schema. */
export async function createMigration(name: string): Promise<string | null> {
  // Diff against the migrations on a throwaway database so local data is never touched.
  return withEngine(":memory:", async (engine) => {
    const list = migrationsList();
    const { stdout } = await engine.diff({
      from: list.migrationDirectories.length ? { tag: "migrations", ...list } : { tag: "empty" },
      to: { tag: "schemaDatamodel", files: [{ path: SCHEMA_PATH, content: readFileSync(SCHEMA_PATH, "utf8") }] },
      script: true,
      exitCode: null,
      filters: NO_FILTERS,
    } as Parameters<Engine["diff"]>[0]);
    const sql = (stdout ?? "").trim();
    if (!sql || /^-- This is an empty migration\.?$/.test(sql)) return null;
    const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
    const dir = path.join(MIGRATIONS_DIR, `${stamp}_${name.replace(/[^a-zA-Z0-9_]/g, "_")}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "migration.sql"), sql + "\n");
    const lockPath = path.join(MIGRATIONS_DIR, LOCKFILE);
    if (!existsSync(lockPath)) {
      writeFileSync(lockPath, '# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "sqlite"\n');
    }
    return dir;
  });
}
