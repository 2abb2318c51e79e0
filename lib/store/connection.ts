/**
 * The database connections, per engine (lib/store/engine.ts picks it from DATABASE_URL):
 *
 * - SQLite: one Prisma client for ordinary reads and writes, and one raw better-sqlite3
 *   connection for the store's own statements (the worker's hot path, ingest), which run as
 *   prepared statements in short IMMEDIATE transactions, synchronously: a Prisma transaction
 *   awaits between statements while holding the write lock, and another connection of the same
 *   process waiting on that lock in SQLite's synchronous busy handler would block the very thread
 *   that has to release it. Both open the same file in WAL mode with a busy timeout.
 * - PostgreSQL: one `pg` pool shared by Prisma (through @prisma/adapter-pg) and the store's own
 *   statements; LISTEN/NOTIFY uses a dedicated client (notify.ts).
 *
 * Only lib/store/ uses these; everything else gets Prisma's model API through lib/db.ts and the
 * store's operations through their own modules. Importable from plain Node (the separate worker
 * runs under tsx): no `server-only` here. Cached on globalThis, because Next evaluates a module
 * more than once per process (instrumentation, route handlers and pages live in different bundles).
 */
import path from "node:path";
import { mkdirSync } from "node:fs";
import type Database from "better-sqlite3";
import pg from "pg";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaClient } from "../generated/prisma/client";
import { PrismaClient as PostgresPrismaClient } from "../generated/prisma-postgres/client";
import { env } from "../env";
import { parseDatabaseUrl } from "./engine";
import { stopListening } from "./notify";
import { BUSY_TIMEOUT_MS, openSqliteConnection } from "./sqlite";

export interface SqliteStore {
  engine: "sqlite";
  /** The file, as DATABASE_URL names it (":memory:" possible). */
  file: string;
  prisma: PrismaClient;
  sqlite: Database.Database;
}

export interface PostgresStore {
  engine: "postgres";
  url: string;
  /** Prisma's model API; the generated client for PostgreSQL has the same API as SQLite's. */
  prisma: PrismaClient;
  pool: pg.Pool;
  /** Database round trips made by the store's own statements in this process (bench, metrics). */
  roundTrips: { count: number };
}

export type Store = SqliteStore | PostgresStore;

/** `PRAGMA synchronous` for every SQLite connection that writes (HOOKLINE_SQLITE_SYNCHRONOUS). */
export const SQLITE_SYNCHRONOUS = env.HOOKLINE_SQLITE_SYNCHRONOUS === "full" ? "FULL" : "NORMAL";

/** The file path in a `file:` URL, with its folder created so a fresh checkout just works. */
export function sqliteFile(file: string): string {
  if (file !== ":memory:") mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  return file;
}

function openSqlite(file: string): SqliteStore {
  sqliteFile(file);
  const factory = new PrismaBetterSqlite3(
    { url: file, timeout: BUSY_TIMEOUT_MS },
    // Integers, so the store's SQL compares times directly.
    { timestampFormat: "unixepoch-ms" },
  );
  // This SQLite build defaults WAL connections to synchronous = NORMAL; Prisma's connection
  // writes too (dashboard and API), so it gets the same setting as the raw one.
  const adapter: SqlDriverAdapterFactory = {
    provider: factory.provider,
    adapterName: factory.adapterName,
    async connect() {
      const connection = await factory.connect();
      await connection.executeScript(`PRAGMA synchronous = ${SQLITE_SYNCHRONOUS}`);
      return connection;
    },
  };
  return { engine: "sqlite", file, prisma: new PrismaClient({ adapter }), sqlite: openSqliteConnection(file, SQLITE_SYNCHRONOUS) };
}

function openPostgres(url: string): PostgresStore {
  const pool = new pg.Pool({
    connectionString: url,
    max: env.HOOKLINE_POSTGRES_POOL_SIZE,
    // An event answered 202 must survive a crash of the database server too (SPEC §10); and
    // DateTime columns are UTC `timestamp`s, so the session's time zone must be UTC for the
    // database's own defaults (CURRENT_TIMESTAMP) to agree with what Prisma writes.
    options: "-c synchronous_commit=on -c TimeZone=UTC",
  });
  // An idle client that loses its server (restart, failover) must not crash the process; the
  // pool drops it and the next query opens a new one.
  pool.on("error", () => {});
  const prisma = new PostgresPrismaClient({ adapter: new PrismaPg(pool) }) as unknown as PrismaClient;
  return { engine: "postgres", url, prisma, pool, roundTrips: { count: 0 } };
}

/** A new connection to the database at `url` (tools and tests that open more than one). */
export function openStore(url: string): Store {
  const target = parseDatabaseUrl(url);
  return target.engine === "sqlite" ? openSqlite(target.file) : openPostgres(target.url);
}

/** Closes the store's connections, the LISTEN connection for new work (notify.ts) included. */
export async function closeStore(store: Store): Promise<void> {
  if (store.engine === "postgres") stopListening(store);
  await store.prisma.$disconnect();
  if (store.engine === "sqlite") store.sqlite.close();
  else await store.pool.end();
}

const cache = globalThis as unknown as { hooklineStore?: Store };

/** The database in DATABASE_URL, opened once per process. */
export function store(): Store {
  return (cache.hooklineStore ??= openStore(env.DATABASE_URL));
}
