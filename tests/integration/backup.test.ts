// `npm run backup -- <file>` takes a consistent snapshot while Hookline runs: here the built
// server (worker inside) delivers a steady stream of API-sent events to a local receiver while
// the backup runs; the snapshot must pass SQLite's integrity check, hold every table, and hold
// a state the database really was in (counts between before and after, no delivery that
// succeeded without its attempt). On PostgreSQL it refuses, pointing at pg_dump, and touches
// nothing: each engine's behaviour is tested on that engine.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { createApiKey } from "@/lib/auth/api-keys";
import { env } from "@/lib/env";
import { PENDING_TABLE } from "@/lib/store/search-index";
import { newAccount, newEndpoint } from "../helpers/harness";
import { setUpReceivers, waitFor } from "../helpers/receiver";
import { ROOT, startServer, stopServersAfterEach } from "../helpers/server";
import { onPostgres, onSqlite, rowCounts } from "../helpers/db";

stopServersAfterEach();
const startReceiver = setUpReceivers();
const run = promisify(execFile);

const dir = mkdtempSync(path.join(os.tmpdir(), "hookline-backup-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `npm run backup -- …` on this file's database; never throws, returns the exit code and output. */
async function backup(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return backupOf(env.DATABASE_URL, ...args);
}

/** `npm run backup -- …` with DATABASE_URL set to `databaseUrl`. */
async function backupOf(databaseUrl: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run("npm", ["run", "--silent", "backup", "--", ...args], { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** `PRAGMA integrity_check` as the sqlite3 shell reports it (better-sqlite3 where the shell is missing). */
async function integrityCheck(file: string): Promise<string> {
  if (existsSync("/usr/bin/sqlite3")) return (await run("/usr/bin/sqlite3", ["-readonly", file, "PRAGMA integrity_check;"])).stdout.trim();
  const db = new Database(file, { readonly: true });
  try {
    return (db.pragma("integrity_check") as { integrity_check: string }[]).map((row) => row.integrity_check).join("\n");
  } finally {
    db.close();
  }
}

/** The row count per table of a SQLite file (the snapshot), the tables rowCounts() lists (not the search index's queue). */
function counts(db: Database.Database): Record<string, number> {
  const tables = db.prepare(`SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> ? ORDER BY name`).all(PENDING_TABLE) as { name: string }[];
  return Object.fromEntries(tables.map(({ name }) => [name, (db.prepare(`SELECT count(*) AS n FROM "${name}"`).get() as { n: number }).n]));
}

describe.runIf(onSqlite)("npm run backup on SQLite", () => {
  it("a snapshot taken while deliveries are being written opens and passes the integrity check", { timeout: 120_000 }, async () => {
    const receiver = await startReceiver([{ status: 200 }]);
    const account = await newAccount("backup");
    await newEndpoint(account.id, `${receiver.url}hooks`);
    const { key } = await createApiKey(account.id, "load");
    const server = await startServer({ HOOKLINE_API_RATE_LIMIT: "100000" });

    // A steady stream: four clients sending events one after another until told to stop.
    let sending = true;
    let sent = 0;
    const send = async () => {
      while (sending) {
        const response = await fetch(`${server.origin}/api/v1/events`, {
          method: "POST",
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          body: JSON.stringify({ type: "load.tick", data: { n: sent } }),
        });
        expect(response.status).toBe(202);
        sent++;
      }
    };
    const clients = Array.from({ length: 4 }, send);
    try {
      await waitFor(() => receiver.requests.length >= 100, { timeoutMs: 30_000, what: "deliveries to flow" });
      const before = await rowCounts();
      const target = path.join(dir, "during-load.db");
      const result = await backup(target);
      const after = await rowCounts();

      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain(`Backup written to ${target} (`);
      expect(result.stdout).toContain(`${statSync(target).size} bytes`);
      // It holds secrets: only its owner may read it.
      expect(statSync(target).mode & 0o777).toBe(0o600);
      // The server kept writing while the backup ran.
      expect(after.Attempt).toBeGreaterThan(before.Attempt);

      expect(await integrityCheck(target)).toBe("ok");
      const snapshot = new Database(target, { readonly: true });
      try {
        const copied = counts(snapshot);
        expect(Object.keys(copied)).toEqual(Object.keys(after));
        for (const table of ["Event", "Delivery", "Attempt"]) {
          expect(copied[table], table).toBeGreaterThanOrEqual(before[table]);
          expect(copied[table], table).toBeLessThanOrEqual(after[table]);
        }
        expect(copied.User).toBe(after.User);
        expect(copied.Endpoint).toBe(after.Endpoint);
        // One instant of the database: each event has its delivery, each succeeded delivery its attempt.
        expect(copied.Delivery).toBe(copied.Event);
        const orphans = snapshot
          .prepare(`SELECT count(*) AS n FROM "Delivery" d WHERE d.status = 'succeeded' AND NOT EXISTS (SELECT 1 FROM "Attempt" a WHERE a.deliveryId = d.id)`)
          .get() as { n: number };
        expect(orphans.n).toBe(0);
        expect(snapshot.pragma("foreign_key_check")).toEqual([]);
        expect(snapshot.prepare(`SELECT email FROM "User" WHERE id = ?`).get(account.id)).toEqual({ email: account.email });
      } finally {
        snapshot.close();
      }
    } finally {
      sending = false;
      await Promise.all(clients);
    }
  });

  it("never overwrites a file unless --force, and explains every refusal", async () => {
    const target = path.join(dir, "existing.db");
    writeFileSync(target, "keep me", { mode: 0o644 });
    const refused = await backup(target);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`Backup failed: ${target} already exists; pass --force to replace it.`);
    expect(readFileSync(target, "utf8")).toBe("keep me");

    const forced = await backup(target, "--force");
    expect(forced.code, forced.stderr).toBe(0);
    expect(await integrityCheck(target)).toBe("ok");
    // The replacement is a new file with the backup's own mode, not the old file's.
    expect(statSync(target).mode & 0o777).toBe(0o600);

    const noFolder = await backup(path.join(dir, "missing", "x.db"));
    expect(noFolder.code).toBe(1);
    expect(noFolder.stderr).toContain("does not exist");
  });
});

describe("npm run backup on either engine", () => {
  it("explains its usage without a target", async () => {
    const usage = await backup();
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("Usage: npm run backup -- <file> [--force]");
  });

  it("refuses a postgres:// URL before connecting, pointing at pg_dump, and writes nothing", async () => {
    const target = path.join(dir, "postgres.db");
    // Port 1 on loopback: nothing listens there, and the refusal comes before any connection.
    const refused = await backupOf("postgres://hookline@127.0.0.1:1/hookline", target);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("Backup failed: npm run backup copies SQLite databases only");
    expect(refused.stderr).toContain("pg_dump");
    expect(existsSync(target)).toBe(false);
  });
});

describe.runIf(onPostgres)("npm run backup on PostgreSQL", () => {
  it("refuses this running database, pointing at pg_dump, and neither writes a file nor changes the database", async () => {
    await newAccount("pg-backup");
    const before = await rowCounts();
    expect(before.User).toBeGreaterThan(0); // control: the database has data to lose

    const target = path.join(dir, "postgres-live.db");
    const refused = await backup(target);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("Backup failed: npm run backup copies SQLite databases only");
    expect(refused.stderr).toContain("pg_dump");
    expect(refused.stdout).not.toContain("Backup written");
    expect(existsSync(target)).toBe(false);

    // --force does not make it overwrite anything either.
    const existing = path.join(dir, "postgres-existing.db");
    writeFileSync(existing, "keep me", { mode: 0o644 });
    const forced = await backup(existing, "--force");
    expect(forced.code).toBe(1);
    expect(forced.stderr).toContain("pg_dump");
    expect(readFileSync(existing, "utf8")).toBe("keep me");
    expect(statSync(existing).mode & 0o777).toBe(0o644);

    expect(await rowCounts()).toEqual(before);
  });
});
