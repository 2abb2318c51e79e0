// SQLite migrations (lib/store/migrate/sqlite.ts), unchanged by the second engine: a fresh
// file gets every migration and WAL; nothing pending is a no-op that works while servers and
// workers have the file open; applying while another process writes gives a message saying
// what to do.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { migrateDatabase } from "@/lib/store/migrate";
import { migrationNames, SQLITE_MIGRATIONS_DIR } from "@/lib/store/migrate/wasm-engine";

const dir = mkdtempSync(path.join(os.tmpdir(), "hookline-sqlite-migrations-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("SQLite migrations", () => {
  it("migrates a new file to WAL with every migration, then has nothing left, even while the file is in use", async () => {
    const file = path.join(dir, "fresh.db");
    expect(await migrateDatabase(`file:${file}`)).toEqual(migrationNames(SQLITE_MIGRATIONS_DIR));

    const other = new Database(file);
    try {
      expect(other.pragma("journal_mode", { simple: true })).toBe("wal");
      other.exec("BEGIN IMMEDIATE"); // another process in the middle of a write
      expect(await migrateDatabase(`file:${file}`)).toEqual([]);
    } finally {
      other.close();
    }
  });

  it("says to stop the other processes when a pending migration finds the file locked", async () => {
    const file = path.join(dir, "locked.db");
    const other = new Database(file);
    try {
      // A WAL file (as every migrated one is) that another process is writing to.
      other.pragma("journal_mode = WAL");
      other.exec("CREATE TABLE busy (x); BEGIN IMMEDIATE; INSERT INTO busy VALUES (1)");
      await expect(migrateDatabase(`file:${file}`)).rejects.toThrow(/needs the database to itself: stop any Hookline server or worker using it/);
    } finally {
      other.close();
    }
  });
});
