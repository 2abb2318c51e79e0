/**
 * The database: one Prisma client for ordinary reads and writes, and one raw better-sqlite3
 * connection for the worker's hot path (claim, record attempt, reschedule), which runs as
 * prepared statements in short IMMEDIATE transactions. Both open the same SQLite file in WAL
 * mode with a busy timeout, so web requests and the worker never block each other for long.
 *
 * Importable from plain Node (the separate worker runs under tsx): no `server-only` here.
 * Both handles are cached on globalThis, because Next evaluates a module more than once per
 * process (instrumentation, route handlers and pages live in different bundles).
 */
import path from "node:path";
import { mkdirSync } from "node:fs";
import Database from "better-sqlite3";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import type { SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaClient } from "./generated/prisma/client";
import { env } from "./env";

const BUSY_TIMEOUT_MS = 5000;

/** The file path in a `file:` URL, with its folder created so a fresh checkout just works. */
export function databasePath(url: string = env.DATABASE_URL): string {
  const file = url.replace(/^file:/, "");
  if (file !== ":memory:") mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  return file;
}

const cache = globalThis as unknown as { hooklinePrisma?: PrismaClient; hooklineSqlite?: Database.Database };

/** `PRAGMA synchronous` for every connection that writes (HOOKLINE_SQLITE_SYNCHRONOUS). */
const SYNCHRONOUS = env.HOOKLINE_SQLITE_SYNCHRONOUS === "full" ? "FULL" : "NORMAL";

function createPrisma(): PrismaClient {
  const factory = new PrismaBetterSqlite3(
    { url: databasePath(), timeout: BUSY_TIMEOUT_MS },
    // Integers, so the worker's raw SQL compares times directly.
    { timestampFormat: "unixepoch-ms" },
  );
  // This SQLite build defaults WAL connections to synchronous = NORMAL; Prisma's connection
  // writes too (dashboard and API), so it gets the same setting as the raw one.
  const adapter: SqlDriverAdapterFactory = {
    provider: factory.provider,
    adapterName: factory.adapterName,
    async connect() {
      const connection = await factory.connect();
      await connection.executeScript(`PRAGMA synchronous = ${SYNCHRONOUS}`);
      return connection;
    },
  };
  return new PrismaClient({ adapter });
}

export const prisma: PrismaClient = (cache.hooklinePrisma ??= createPrisma());

/** The raw connection for the worker's hot path. */
export function sqlite(): Database.Database {
  if (!cache.hooklineSqlite) {
    const db = new Database(databasePath(), { timeout: BUSY_TIMEOUT_MS });
    // WAL lets readers (the dashboard) run while the worker writes. FULL syncs the WAL at every
    // commit, so an event answered 202 survives a power loss, not only a process crash; group
    // commit (events/queries.ts) and batched outcomes (worker/complete.ts) share each sync.
    db.pragma("journal_mode = WAL");
    db.pragma(`synchronous = ${SYNCHRONOUS}`);
    db.pragma("foreign_keys = ON");
    cache.hooklineSqlite = db;
  }
  return cache.hooklineSqlite;
}
