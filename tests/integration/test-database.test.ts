// The per-file test database (tests/helpers/setup-database.ts) is on the engine the run asked
// for (HOOKLINE_TEST_ENGINE, SQLite by default), already migrated, and this file's own.
import { describe, expect, it } from "vitest";
import { parseDatabaseUrl } from "@/lib/store/engine";
import { migrateDatabase } from "@/lib/store/migrate";

describe("test database", () => {
  it("is on the engine HOOKLINE_TEST_ENGINE names and copied from the migrated template", async () => {
    const url = process.env.DATABASE_URL!;
    expect(parseDatabaseUrl(url).engine).toBe(process.env.HOOKLINE_TEST_ENGINE === "postgres" ? "postgres" : "sqlite");
    // Copied from the migrated template: nothing left to apply.
    expect(await migrateDatabase(url)).toEqual([]);
  });
});
