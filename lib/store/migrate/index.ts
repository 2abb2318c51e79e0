/**
 * Migrations for both engines, applied offline (see wasm-engine.ts):
 * - `migrateDatabase(url)` applies what is pending to the database DATABASE_URL names, SQLite
 *   (`file:`) or PostgreSQL (`postgres://`); a cheap no-op when nothing is pending; returns the
 *   names applied.
 * - `createMigration(name)` writes the next migration for both engines from one change of
 *   prisma/schema.prisma, under the same `<timestamp>_<name>` folder name. The PostgreSQL diff
 *   replays the existing migrations in a shadow database: on the server `shadowPostgresUrl`
 *   names when given (HOOKLINE_SHADOW_POSTGRES_URL; a user allowed to CREATE DATABASE; a
 *   temporary database is created and dropped), otherwise on a throw-away local cluster
 *   (lib/store/postgres/cluster.ts: Debian's postgresql package, installed when missing and root).
 */
import { parseDatabaseUrl } from "../engine";
import { migratePostgres, nextPostgresMigration } from "./postgres";
import { migrateSqlite, nextSqliteMigration } from "./sqlite";
import { POSTGRES_MIGRATIONS_DIR, SQLITE_MIGRATIONS_DIR, writeMigration } from "./wasm-engine";

export { createDatabase, dropDatabase, pendingPostgresMigrations, withDatabase } from "./postgres";
export { pendingSqliteMigrations } from "./sqlite";

/** Applies every pending migration to the database at `databaseUrl`; returns their names. */
export async function migrateDatabase(databaseUrl: string): Promise<string[]> {
  const target = parseDatabaseUrl(databaseUrl);
  return target.engine === "postgres" ? migratePostgres(target.url) : migrateSqlite(databaseUrl);
}

async function withShadowServer<T>(configured: string | undefined, work: (serverUrl: string) => Promise<T>): Promise<T> {
  if (configured) return work(configured);
  // Tooling only (never at runtime): imported lazily so the server never loads it.
  const { startThrowawayCluster } = await import("../postgres/cluster");
  const cluster = await startThrowawayCluster();
  try {
    return await work(cluster.url);
  } finally {
    await cluster.stop();
  }
}

/** Writes the migrations taking both engines' migrations to the schema; returns the folders written (none when the schema matches). */
export async function createMigration(name: string, options: { shadowPostgresUrl?: string } = {}): Promise<string[]> {
  const sqlite = await nextSqliteMigration();
  const postgres = await withShadowServer(options.shadowPostgresUrl, nextPostgresMigration);
  const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
  const folder = `${stamp}_${name.replace(/[^a-zA-Z0-9_]/g, "_")}`;
  const written: string[] = [];
  if (sqlite) written.push(writeMigration(SQLITE_MIGRATIONS_DIR, folder, sqlite, "sqlite"));
  if (postgres) written.push(writeMigration(POSTGRES_MIGRATIONS_DIR, folder, postgres, "postgresql"));
  return written;
}
