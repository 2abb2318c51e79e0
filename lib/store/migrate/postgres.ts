/**
 * PostgreSQL migrations through the same wasm schema engine, over @prisma/adapter-pg, from
 * prisma/postgres/migrations (the schema is derived in memory from prisma/schema.prisma).
 * - Nothing pending is a cheap no-op: one connection reads `_prisma_migrations` and closes.
 * - Several processes starting at once are safe: whoever finds migrations pending takes a
 *   session advisory lock, looks again, and only then lets the engine apply; the others wait
 *   for the lock and then find nothing left to do.
 * - An unreachable server or a missing database gives a message naming DATABASE_URL (password
 *   hidden), not the driver's bare "ECONNREFUSED".
 * Also the few database-level operations tests and `createMigration` need (create a database,
 * optionally from a template; drop it), since only lib/store/ may talk to a driver.
 */
import { randomUUID } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapter } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { createPostgresSearchIndex, hasPostgresSearchIndex } from "../search-index";
import { derivePostgresSchema, POSTGRES_SCHEMA_PATH, readSqliteSchema } from "./schema";
import { diffMigrationsToSchema, migrationNames, migrationsList, NO_FILTERS, POSTGRES_MIGRATIONS_DIR, withEngine } from "./wasm-engine";

/** Key of the advisory lock held while migrating (any constant; differs from Prisma's own 72707369). */
const MIGRATION_LOCK_KEY = 4_711_011;

/** The URL with its password replaced, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "postgres://…";
  }
}

/** The same server, another database. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function describeConnectionError(url: string, error: unknown): Error {
  const cause = error as { code?: string; message?: string };
  const target = redactUrl(url);
  if (cause.code === "3D000") return new Error(`PostgreSQL database in DATABASE_URL (${target}) does not exist: create it first (createdb, or CREATE DATABASE).`);
  if (cause.code === "28P01" || cause.code === "28000") return new Error(`PostgreSQL refused the user or password in DATABASE_URL (${target}): ${cause.message}`);
  return new Error(`Cannot connect to PostgreSQL at DATABASE_URL (${target}): ${cause.message || cause.code || String(error)}. Is the server running and reachable?`);
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  // An 'error' after connecting (server shut down) must not crash the process; the next query fails instead.
  client.on("error", () => {});
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    throw describeConnectionError(url, error);
  }
  return client;
}

async function appliedMigrations(client: pg.Client): Promise<Set<string>> {
  const { rows } = await client.query<{ exists: boolean }>(`SELECT to_regclass('_prisma_migrations') IS NOT NULL AS exists`);
  if (!rows[0].exists) return new Set();
  const applied = await client.query<{ migration_name: string }>(
    `SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
  );
  return new Set(applied.rows.map((row) => row.migration_name));
}

/** Names of migrations not yet applied to the PostgreSQL database at `databaseUrl`. */
export async function pendingPostgresMigrations(databaseUrl: string): Promise<string[]> {
  const client = await connect(databaseUrl);
  try {
    const applied = await appliedMigrations(client);
    return migrationNames(POSTGRES_MIGRATIONS_DIR).filter((name) => !applied.has(name));
  } finally {
    await client.end();
  }
}

function postgresDatamodel() {
  return { path: POSTGRES_SCHEMA_PATH, content: derivePostgresSchema(readSqliteSchema()) };
}

/** PostgreSQL's one-byte internal type "char" (pg_class.relkind, pg_constraint.contype, …). */
const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

/**
 * When the engine describes a database (diffing against the replayed migrations), its catalog
 * queries return "char" columns, which PrismaPg cannot map ("Column type 'char' could not be
 * deserialized from the database"). Their values are plain one-letter strings: relabel them as
 * text in the pool's results before the adapter reads the column types.
 */
function readCharColumnsAsText(adapter: SqlDriverAdapter): void {
  const pool = (adapter as unknown as { underlyingDriver(): pg.Pool }).underlyingDriver();
  const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<pg.QueryResult | pg.QueryResult[]>;
  (pool as unknown as { query: typeof query }).query = async (...args) => {
    const result = await query(...args);
    for (const part of Array.isArray(result) ? result : [result]) {
      for (const field of part?.fields ?? []) if (field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
    }
    return result;
  };
}

/**
 * The engine applies a migration file through `executeScript`, which PrismaPg splits at every
 * ";" and runs piece by piece: a ";" inside a string literal or a function body breaks it, and
 * a failure halfway leaves half a migration applied. Send the whole file as one simple-protocol
 * query instead (no parameters), as Prisma's native engine does: PostgreSQL runs it as one
 * implicit transaction, so a migration applies entirely or not at all.
 */
function wrapAdapter(adapter: SqlDriverAdapter): SqlDriverAdapter {
  readCharColumnsAsText(adapter);
  adapter.executeScript = async (script) => {
    await adapter.executeRaw({ sql: script, args: [], argTypes: [] });
  };
  // The engine disposes the shadow database's adapter itself and we dispose every adapter
  // afterwards; pg throws when a pool is ended twice.
  const dispose = adapter.dispose.bind(adapter);
  let disposed: Promise<void> | undefined;
  adapter.dispose = () => (disposed ??= dispose());
  return adapter;
}

/**
 * A PrismaPg factory whose adapters run scripts whole and may be disposed twice (above), are all disposed after the engine
 * is done (the engine does not close them), and whose shadow database is one we create and drop ourselves: PrismaPg's own
 * connectToShadowDb spreads `database` under a `connectionString`, which pg lets the connection
 * string override, so its "shadow" would be the main database.
 */
async function withPostgresEngine<T>(databaseUrl: string, work: Parameters<typeof withEngine<T>>[2]): Promise<T> {
  const opened: SqlDriverAdapter[] = [];
  const cleanups: Array<() => Promise<void>> = [];
  const factory = new PrismaPg({ connectionString: databaseUrl });
  const tracked = Object.assign(Object.create(Object.getPrototypeOf(factory)), factory, {
    provider: "postgres",
    adapterName: factory.adapterName,
    connect: async () => {
      const adapter = wrapAdapter(await factory.connect());
      opened.push(adapter);
      return adapter;
    },
    connectToShadowDb: async () => {
      const shadow = `hookline_shadow_${randomUUID().replace(/-/g, "")}`;
      await createDatabase(databaseUrl, shadow);
      cleanups.push(() => dropDatabase(databaseUrl, shadow));
      const adapter = wrapAdapter(await new PrismaPg({ connectionString: withDatabase(databaseUrl, shadow) }).connect());
      opened.push(adapter);
      return adapter;
    },
  });
  try {
    return await withEngine(postgresDatamodel(), tracked, work);
  } finally {
    await Promise.all(opened.map((adapter) => adapter.dispose()));
    for (const cleanup of cleanups) await cleanup();
  }
}

/**
 * Applies every pending migration to the PostgreSQL database at `databaseUrl`; returns their
 * names (empty for the processes that found them applied). `migrationsDir` is for tests.
 */
export async function migratePostgres(databaseUrl: string, migrationsDir = POSTGRES_MIGRATIONS_DIR): Promise<string[]> {
  const all = migrationNames(migrationsDir);
  const client = await connect(databaseUrl);
  try {
    const isPending = async () => {
      const applied = await appliedMigrations(client);
      return all.some((name) => !applied.has(name));
    };
    // The search index comes after the migrations (search-index.ts says why), for Hookline's own.
    const searchIndexMissing = async () => migrationsDir === POSTGRES_MIGRATIONS_DIR && !(await hasPostgresSearchIndex(client));
    if (!(await isPending()) && !(await searchIndexMissing())) return [];
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    try {
      const applied = (await isPending())
        ? await withPostgresEngine(databaseUrl, async (engine) => {
            const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList: migrationsList(migrationsDir), filters: NO_FILTERS });
            return appliedMigrationNames;
          })
        : [];
      if (await searchIndexMissing()) await createPostgresSearchIndex(client);
      return applied;
    } catch (error) {
      throw new Error(`Migrating the PostgreSQL database at ${redactUrl(databaseUrl)} failed: ${(error as Error).message}`);
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]).catch(() => {});
    }
  } finally {
    await client.end();
  }
}

/**
 * The SQL of the next PostgreSQL migration (derived schema minus prisma/postgres/migrations), or
 * null. `serverUrl` must let us create databases: the migrations are replayed in a temporary
 * shadow database, created and dropped here; nothing else on the server is touched.
 */
export function nextPostgresMigration(serverUrl: string): Promise<string | null> {
  return withPostgresEngine(serverUrl, (engine) => diffMigrationsToSchema(engine, POSTGRES_MIGRATIONS_DIR, postgresDatamodel()));
}

/** CREATE DATABASE `name` on the server of `serverUrl`, as a copy of `template` when given. */
export async function createDatabase(serverUrl: string, name: string, options: { template?: string } = {}): Promise<string> {
  const client = await connect(serverUrl);
  try {
    await client.query(`CREATE DATABASE ${quoteIdentifier(name)}${options.template ? ` TEMPLATE ${quoteIdentifier(options.template)}` : ""}`);
  } finally {
    await client.end();
  }
  return withDatabase(serverUrl, name);
}

/** DROP DATABASE `name` if it exists, closing whatever connections are still open to it. */
export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  const client = await connect(serverUrl);
  try {
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
