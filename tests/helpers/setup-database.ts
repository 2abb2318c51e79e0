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
  afterAll(() => dropDatabase(postgres.serverUrl, name));
} else {
  const dir = mkdtempSync(path.join(os.tmpdir(), "hookline-db-"));
  const file = path.join(dir, "test.db");
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  copyFileSync(inject("templateDatabase"), file);
  process.env.DATABASE_URL = `file:${file}`;
}
process.env.HOOKLINE_ALLOWED_CIDRS ??= "127.0.0.0/8";
process.env.HOOKLINE_RETRY_SCHEDULE ??= "0s,100ms,200ms";
process.env.HOOKLINE_ATTEMPT_TIMEOUT_MS ??= "1000";
process.env.HOOKLINE_POLL_INTERVAL_MS ??= "50";
