/**
 * Prisma's schema engine compiled to WebAssembly, driven over a driver adapter. Prisma 7's CLI
 * needs a native schema engine these machines cannot download; the wasm build of the same
 * engine speaks to the database through the adapters we use at runtime (better-sqlite3, pg).
 *
 * Migrations keep Prisma's standard layout, one folder per engine:
 *   prisma/migrations/<timestamp>_<name>/migration.sql + migration_lock.toml   (SQLite)
 *   prisma/postgres/migrations/…                                              (PostgreSQL)
 * so `prisma migrate deploy --schema …` works too wherever the native engine is available.
 * Paths come from __dirname: this runs in plain Node processes (tsx: npm start's migrate step,
 * the worker, scripts, vitest), never inside the Next bundle.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { bindMigrationAwareSqlAdapterFactory, type SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import * as bg from "@prisma/schema-engine-wasm/schema_engine_bg";

export type SchemaEngine = Awaited<ReturnType<typeof bg.SchemaEngine.new>>;

const ROOT = path.resolve(__dirname, "..", "..", "..");
export const SQLITE_MIGRATIONS_DIR = path.join(ROOT, "prisma", "migrations");
export const POSTGRES_MIGRATIONS_DIR = path.join(ROOT, "prisma", "postgres", "migrations");
const LOCKFILE = "migration_lock.toml";

export const NO_FILTERS = { externalTables: [], externalEnums: [] };

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

/** Runs `work` with a schema engine for `datamodel`, then frees it. The factory's connections are the caller's to close. */
export async function withEngine<T>(
  datamodel: { path: string; content: string },
  factory: SqlMigrationAwareDriverAdapterFactory,
  work: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  loadWasm();
  const log = (message: string) => {
    if (process.env.HOOKLINE_MIGRATE_DEBUG) console.error(message);
  };
  const engine = await bg.SchemaEngine.new({ datamodels: [[datamodel.path, datamodel.content]] }, log, bindMigrationAwareSqlAdapterFactory(factory));
  try {
    return await work(engine);
  } finally {
    engine.free();
  }
}

/** Names of the migration folders in `dir`, oldest first. */
export function migrationNames(dir: string): string[] {
  return existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
        .sort()
    : [];
}

/** The engine's view of the migrations folder `dir`. */
export function migrationsList(dir: string) {
  const lockPath = path.join(dir, LOCKFILE);
  return {
    baseDir: dir,
    lockfile: { path: LOCKFILE, content: existsSync(lockPath) ? readFileSync(lockPath, "utf8") : null },
    shadowDbInitScript: "",
    migrationDirectories: migrationNames(dir).map((name) => ({
      path: name,
      migrationFile: {
        path: "migration.sql",
        content: { tag: "ok" as const, value: readFileSync(path.join(dir, name, "migration.sql"), "utf8") },
      },
    })),
  };
}

/** The SQL taking the migrations in `dir` to `datamodel`, or null when there is nothing to do. */
export async function diffMigrationsToSchema(engine: SchemaEngine, dir: string, datamodel: { path: string; content: string }): Promise<string | null> {
  const list = migrationsList(dir);
  const { stdout } = await engine.diff({
    from: list.migrationDirectories.length ? { tag: "migrations", ...list } : { tag: "empty" },
    to: { tag: "schemaDatamodel", files: [datamodel] },
    script: true,
    exitCode: null,
    filters: NO_FILTERS,
  } as Parameters<SchemaEngine["diff"]>[0]);
  const sql = (stdout ?? "").trim();
  return !sql || /^-- This is an empty migration\.?$/.test(sql) ? null : sql;
}

/** Writes `<dir>/<folder>/migration.sql` (and the lock file naming `provider` when missing); returns the folder. */
export function writeMigration(dir: string, folder: string, sql: string, provider: "sqlite" | "postgresql"): string {
  const target = path.join(dir, folder);
  mkdirSync(target, { recursive: true });
  writeFileSync(path.join(target, "migration.sql"), sql + "\n");
  const lockPath = path.join(dir, LOCKFILE);
  if (!existsSync(lockPath)) {
    writeFileSync(lockPath, `# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "${provider}"\n`);
  }
  return target;
}
