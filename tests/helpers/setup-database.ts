// Runs before each test file is imported: give the file its own SQLite database (a copy of
// the migrated template) and a configuration suited to tests, before lib/env.ts reads it.
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, inject } from "vitest";

const dir = mkdtempSync(path.join(os.tmpdir(), "hookline-db-"));
const file = path.join(dir, "test.db");
afterAll(() => rmSync(dir, { recursive: true, force: true }));
copyFileSync(inject("templateDatabase"), file);
process.env.DATABASE_URL = `file:${file}`;
process.env.HOOKLINE_ALLOWED_CIDRS ??= "127.0.0.0/8";
process.env.HOOKLINE_RETRY_SCHEDULE ??= "0s,100ms,200ms";
process.env.HOOKLINE_ATTEMPT_TIMEOUT_MS ??= "1000";
process.env.HOOKLINE_POLL_INTERVAL_MS ??= "50";
