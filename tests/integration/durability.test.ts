// SPEC §10: "An event answered 202 survives a process crash and a power loss". Every connection
// that writes events and deliveries makes each commit durable before it returns:
// - SQLite: WAL with synchronous = FULL, on the raw connection and on Prisma's;
// - PostgreSQL: synchronous_commit = on for the store's pool (Prisma shares it), whatever the
//   server's default, and the session time zone UTC (DateTime columns are UTC timestamps).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db";
import { env } from "@/lib/env";
import { closeStore, openStore, store, type PostgresStore, type Store } from "@/lib/store/connection";
import { query } from "@/lib/store/postgres";
import { onPostgres, onSqlite } from "../helpers/db";

const FULL = 2;

describe.runIf(onSqlite)("durability on SQLite", () => {
  it("the raw connection (event ingest, worker) syncs the WAL at every commit by default", () => {
    const current = store();
    if (current.engine !== "sqlite") throw new Error("expected SQLite");
    expect(current.sqlite.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(current.sqlite.pragma("synchronous", { simple: true })).toBe(FULL);
  });

  it("so does Prisma's connection (dashboard and API writes)", async () => {
    const [row] = await prisma.$queryRawUnsafe<Array<{ synchronous: bigint | number }>>("PRAGMA synchronous");
    expect(Number(row.synchronous)).toBe(FULL);
  });
});

describe.runIf(onPostgres)("durability on PostgreSQL", () => {
  // This database's own defaults say otherwise (as a server tuned for throughput might), so
  // only the settings the store's connections ask for themselves can make these pass.
  let fresh: Store;
  beforeAll(async () => {
    const current = store() as PostgresStore;
    const database = new URL(env.DATABASE_URL).pathname.slice(1);
    await query(current, current.pool, `ALTER DATABASE "${database}" SET synchronous_commit = off`);
    await query(current, current.pool, `ALTER DATABASE "${database}" SET "TimeZone" = 'America/New_York'`);
    fresh = openStore(env.DATABASE_URL);
  });
  afterAll(() => closeStore(fresh));

  it("the database's own defaults are off and not UTC (the control)", async () => {
    const current = store() as PostgresStore;
    const { rows } = await query<{ setconfig: string[] }>(
      current,
      current.pool,
      `SELECT setconfig FROM pg_db_role_setting WHERE setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database()) AND setrole = 0`,
    );
    expect(rows.flatMap((row) => row.setconfig).sort()).toEqual(["TimeZone=America/New_York", "synchronous_commit=off"]);
  });

  it("the store's statements (event ingest, worker) wait for each commit to be flushed, in UTC", async () => {
    if (fresh.engine !== "postgres") throw new Error("expected PostgreSQL");
    const pool = fresh.pool;
    // Several connections of the pool at once, so it is every new connection's setting.
    const sessions = await Promise.all(
      Array.from({ length: 3 }, async () => {
        const client = await pool.connect();
        try {
          const { rows } = await query<{ synchronous_commit: string; timezone: string; pid: number }>(
            fresh as PostgresStore,
            client,
            `SELECT current_setting('synchronous_commit') AS synchronous_commit, current_setting('TimeZone') AS timezone, pg_backend_pid() AS pid`,
          );
          return rows[0];
        } finally {
          client.release();
        }
      }),
    );
    expect(new Set(sessions.map((session) => session.pid)).size).toBe(3);
    for (const session of sessions) expect(session).toMatchObject({ synchronous_commit: "on", timezone: "UTC" });
  });

  it("so does Prisma's connection (dashboard and API writes)", async () => {
    const [row] = await fresh.prisma.$queryRawUnsafe<Array<{ synchronous_commit: string; timezone: string }>>(
      `SELECT current_setting('synchronous_commit') AS synchronous_commit, current_setting('TimeZone') AS timezone`,
    );
    expect(row).toEqual({ synchronous_commit: "on", timezone: "UTC" });
  });
});
