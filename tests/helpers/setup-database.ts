// Runs before each test file is imported: give the file its own database (a copy of the
// migrated template: a SQLite file, or on PostgreSQL a database made with CREATE DATABASE …
// TEMPLATE, dropped afterwards) and a configuration suited to tests, before lib/env.ts reads it.
import { randomBytes } from "node:crypto";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, inject } from "vitest";

const postgres = inject("postgresTemplate");
if (postgres) {
  // Imported here only: SQLite runs (the default) do not load the PostgreSQL driver per file.
  const { createDatabase, dropDatabase } = await import("../../lib/store/migrate/postgres");
  const name = `hookline_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  process.env.DATABASE_URL = await createDatabase(postgres.serverUrl, name, { template: postgres.template });
  // Registered first, so it runs after the file's own afterAll hooks. The store's connections
  // (pool, LISTEN client) are closed before the drop: DROP … WITH (FORCE) would otherwise
  // terminate them under whoever still uses them ("terminating connection due to administrator
  // command", "Connection terminated unexpectedly").
  afterAll(async () => {
    await closeOpenStore();
    await dropDatabase(postgres.serverUrl, name);
  });
} else {
  const dir = mkdtempSync(path.join(os.tmpdir(), "hookline-db-"));
  const file = path.join(dir, "test.db");
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  copyFileSync(inject("templateDatabase"), file);
  process.env.DATABASE_URL = `file:${file}`;
}
/** Closes this file's store if the file opened one (lib/store/connection.ts caches it on globalThis). */
async function closeOpenStore(): Promise<void> {
  const cache = globalThis as unknown as { hooklineStore?: import("../../lib/store/connection").Store };
  const open = cache.hooklineStore;
  if (!open) return;
  delete cache.hooklineStore;
  const { closeStore } = await import("../../lib/store/connection");
  // pg's pool.end() waits for every checked-out connection: a leaked one must not hang the file.
  // A store the file closed itself is fine: ending a pool twice only rejects.
  await Promise.race([closeStore(open).catch(() => {}), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
}

process.env.HOOKLINE_ALLOWED_CIDRS ??= "127.0.0.0/8";
process.env.HOOKLINE_RETRY_SCHEDULE ??= "0s,100ms,200ms";
// Far above any answer time of a test's receivers: every in-process worker and worker process
// inherits it, and on a loaded machine a 1 s default timed out attempts whose receiver answered
// at once, so tests counting attempts exactly saw an extra retry. A test about timeouts, or whose
// receiver hangs until one, sets its own (attemptTimeoutMs, HOOKLINE_ATTEMPT_TIMEOUT_MS).
process.env.HOOKLINE_ATTEMPT_TIMEOUT_MS ??= "10000";
process.env.HOOKLINE_POLL_INTERVAL_MS ??= "50";
