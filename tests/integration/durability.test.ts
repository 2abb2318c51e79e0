// SPEC §10: "An event answered 202 survives a process crash and a power loss (SQLite
// synchronous = FULL)". Both connections that write events and deliveries sync every commit.
import { describe, expect, it } from "vitest";
import { prisma, sqlite } from "@/lib/db";

const FULL = 2;

describe("durability", () => {
  it("the raw connection (event ingest, worker) syncs the WAL at every commit by default", () => {
    expect(sqlite().pragma("journal_mode", { simple: true })).toBe("wal");
    expect(sqlite().pragma("synchronous", { simple: true })).toBe(FULL);
  });

  it("so does Prisma's connection (dashboard and API writes)", async () => {
    const [row] = await prisma.$queryRawUnsafe<Array<{ synchronous: bigint | number }>>("PRAGMA synchronous");
    expect(Number(row.synchronous)).toBe(FULL);
  });
});
