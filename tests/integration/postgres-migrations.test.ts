// PostgreSQL foundations on a real throw-away cluster (Debian's server, see
// lib/store/postgres/cluster.ts): offline migrations, the derived Prisma client over
// @prisma/adapter-pg, and clear errors. The cluster is stopped and its folder removed in afterAll,
// and by the cluster's own exit handler if the run dies first.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Prisma, PrismaClient } from "@/lib/generated/prisma-postgres/client";
import { closeStore, openStore } from "@/lib/store/connection";
import { createDatabase, migrateDatabase } from "@/lib/store/migrate";
import { migratePostgres, nextPostgresMigration } from "@/lib/store/migrate/postgres";
import { nextSqliteMigration } from "@/lib/store/migrate/sqlite";
import { migrationNames, POSTGRES_MIGRATIONS_DIR } from "@/lib/store/migrate/wasm-engine";
import { startThrowawayCluster, type ThrowawayCluster } from "@/lib/store/postgres/cluster";
import { searchDeliveries } from "@/lib/store/search";
import { POSTGRES_ENDPOINTS_COLUMN, postgresSearchText } from "@/lib/store/search-index";

let cluster: ThrowawayCluster;
const clients: PrismaClient[] = [];

beforeAll(async () => {
  cluster = await startThrowawayCluster();
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.$disconnect()));
  await cluster?.stop();
  if (cluster) expect(existsSync(cluster.dir)).toBe(false);
});

let databases = 0;
/** A fresh, empty database on the cluster. */
function freshDatabase(): Promise<string> {
  return createDatabase(cluster.url, `migrations_test_${++databases}`);
}

function client(url: string): PrismaClient {
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
  clients.push(prisma);
  return prisma;
}

async function appliedRows(prisma: PrismaClient): Promise<string[]> {
  const rows = await prisma.$queryRaw<Array<{ migration_name: string }>>`
    SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY migration_name`;
  return rows.map((row) => row.migration_name);
}

describe("PostgreSQL migrations", () => {
  it("creates every table of the schema in an empty database, then has nothing left to apply", async () => {
    const url = await freshDatabase();
    const all = migrationNames(POSTGRES_MIGRATIONS_DIR);
    expect(all.length).toBeGreaterThan(0);

    expect(await migrateDatabase(url)).toEqual(all);

    const prisma = client(url);
    const tables = await prisma.$queryRaw<Array<{ table_name: string }>>`
      SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`;
    expect(tables.map((row) => row.table_name).sort()).toEqual([...Object.values(Prisma.ModelName), "_prisma_migrations"].sort());

    expect(await migrateDatabase(url)).toEqual([]);
    expect(await appliedRows(prisma)).toEqual(all);
  });

  it("applies once when several processes migrate the same fresh database at once", async () => {
    const url = await freshDatabase();
    const all = migrationNames(POSTGRES_MIGRATIONS_DIR);

    const results = await Promise.all([migrateDatabase(url), migrateDatabase(url), migrateDatabase(url)]);

    // Whoever got the lock first applied everything; the others found nothing left.
    expect(results.filter((names) => names.length > 0)).toEqual([all]);
    expect(await appliedRows(client(url))).toEqual(all);
  });

  it("applies each migration file whole: a ';' inside a string survives, and a failing file leaves nothing half-done", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "hookline-pg-migrations-"));
    try {
      writeFileSync(path.join(dir, "migration_lock.toml"), 'provider = "postgresql"\n');
      const migration = (name: string, sql: string) => {
        mkdirSync(path.join(dir, name));
        writeFileSync(path.join(dir, name, "migration.sql"), sql);
      };
      migration("20260101000000_semicolons", `CREATE TABLE "Note" ("text" TEXT NOT NULL DEFAULT 'a;b');\nINSERT INTO "Note" VALUES ('x; DROP TABLE "Note";'), (DEFAULT);\n`);
      migration("20260101000001_fails_halfway", `CREATE TABLE "Half" ("id" INTEGER);\nSELECT 1 / 0;\n`);
      const url = await freshDatabase();

      await expect(migratePostgres(url, dir)).rejects.toThrow(/division by zero/);

      const prisma = client(url);
      const notes = await prisma.$queryRaw<Array<{ text: string }>>`SELECT "text" FROM "Note" ORDER BY "text" DESC`;
      expect(notes.map((row) => row.text)).toEqual(['x; DROP TABLE "Note";', "a;b"]);
      const half = await prisma.$queryRaw<Array<{ exists: boolean }>>`SELECT to_regclass('"Half"') IS NOT NULL AS exists`;
      expect(half[0].exists).toBe(false);
      expect(await appliedRows(prisma)).toEqual(["20260101000000_semicolons"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the committed migrations of both engines match prisma/schema.prisma", async () => {
    // What `npm run db:new-migration` would write: nothing, or someone changed the schema
    // without making its migrations.
    expect(await nextSqliteMigration()).toBeNull();
    expect(await nextPostgresMigration(cluster.url)).toBeNull();
  });

  it("names DATABASE_URL, without its password, when the server cannot be reached", async () => {
    const port = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, "127.0.0.1", () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const attempt = migrateDatabase(`postgres://hookline:s3cret-pw@127.0.0.1:${port}/hookline`);
    await expect(attempt).rejects.toThrow(`Cannot connect to PostgreSQL at DATABASE_URL (postgres://hookline:***@127.0.0.1:${port}/hookline)`);
    await expect(attempt).rejects.not.toThrow(/s3cret-pw/);
  });
});

describe("the PostgreSQL search index", () => {
  it("is remade when it was made without the endpoints' ids (before 2026-12-02), from the events and their deliveries", async () => {
    const url = await freshDatabase();
    await migrateDatabase(url);
    const prisma = client(url);
    // The index as releases before 2026-12-02 made it: the event's own row only.
    await prisma.$executeRawUnsafe(`DROP INDEX "Event_search_idx"`);
    await prisma.$executeRawUnsafe(`ALTER TABLE "Event" DROP COLUMN "search", DROP COLUMN "${POSTGRES_ENDPOINTS_COLUMN}"`);
    await prisma.$executeRawUnsafe(
      `ALTER TABLE "Event" ADD COLUMN "search" tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, ${postgresSearchText(`"userId" || ' ' || type || ' ' || id || ' ' || payload`)})) STORED`,
    );
    await prisma.$executeRawUnsafe(`CREATE INDEX "Event_search_idx" ON "Event" USING GIN ("search")`);
    // Its data: one event to two endpoints, one to the first only, one to none.
    await prisma.user.create({ data: { id: "usr_old", email: "old@example.com", passwordHash: "hash" } });
    for (const id of ["ep_old_a", "ep_old_b"]) await prisma.endpoint.create({ data: { id, userId: "usr_old", name: id, url: "http://127.0.0.1:9/hook", secret: "whsec_x" } });
    for (const [id, endpoints] of [["msg_old_1", ["ep_old_b", "ep_old_a"]], ["msg_old_2", ["ep_old_a"]], ["msg_old_3", []]] as const) {
      await prisma.event.create({ data: { id, userId: "usr_old", type: "order.paid", payload: '{"note":"walrus"}' } });
      for (const endpointId of endpoints) await prisma.delivery.create({ data: { id: `dlv_${id}_${endpointId}`, userId: "usr_old", eventId: id, endpointId } });
    }

    // The next start: no migration to apply, the index remade.
    expect(await migrateDatabase(url)).toEqual([]);
    const columns = await prisma.$queryRawUnsafe<Array<{ id: string; endpoints: string | null }>>(`SELECT id, "${POSTGRES_ENDPOINTS_COLUMN}" AS endpoints FROM "Event" ORDER BY id`);
    expect(columns).toEqual([
      { id: "msg_old_1", endpoints: "ep_old_a ep_old_b" },
      { id: "msg_old_2", endpoints: "ep_old_a" },
      { id: "msg_old_3", endpoints: null },
    ]);
    const store = openStore(url);
    try {
      const found = async (endpointId: string) =>
        (await searchDeliveries(store, { userId: "usr_old", terms: ["walrus"], endpointId, limit: 10 })).map((row) => row.id);
      expect(await found("ep_old_b")).toEqual(["dlv_msg_old_1_ep_old_b"]);
      expect(await found("ep_old_a")).toEqual(["dlv_msg_old_2_ep_old_a", "dlv_msg_old_1_ep_old_a"]);
    } finally {
      await closeStore(store);
    }
  });
});

describe("the PostgreSQL Prisma client (derived schema, @prisma/adapter-pg)", () => {
  it("writes and reads users and deliveries with times exact to the millisecond", async () => {
    const url = await freshDatabase();
    await migrateDatabase(url);
    const prisma = client(url);
    const createdAt = new Date("2026-03-04T05:06:07.891Z");
    const nextAttemptAt = new Date(Date.UTC(2031, 11, 31, 23, 59, 59, 999));

    await prisma.user.create({ data: { id: "usr_pg", email: "pg@example.com", passwordHash: "hash", createdAt } });
    await prisma.endpoint.create({ data: { id: "ep_pg", userId: "usr_pg", name: "receiver", url: "http://127.0.0.1:9/hook", secret: "whsec_x" } });
    await prisma.event.create({ data: { id: "msg_pg", userId: "usr_pg", type: "order.paid", payload: "{}" } });
    await prisma.delivery.create({ data: { id: "dlv_pg", userId: "usr_pg", eventId: "msg_pg", endpointId: "ep_pg", nextAttemptAt, createdAt } });

    const user = await prisma.user.findUniqueOrThrow({ where: { email: "pg@example.com" } });
    expect(user.createdAt.toISOString()).toBe("2026-03-04T05:06:07.891Z");
    const delivery = await prisma.delivery.findUniqueOrThrow({ where: { id: "dlv_pg" }, include: { event: true, endpoint: true } });
    expect(delivery).toMatchObject({ status: "pending", attempts: 0, event: { type: "order.paid" }, endpoint: { name: "receiver" } });
    expect(delivery.nextAttemptAt?.toISOString()).toBe("2031-12-31T23:59:59.999Z");
    expect(delivery.createdAt.getTime()).toBe(createdAt.getTime());
    // Ordering and comparison by time happen in the database, on the same instants.
    const due = await prisma.delivery.findMany({ where: { nextAttemptAt: { lte: new Date(nextAttemptAt.getTime()) } } });
    const notYet = await prisma.delivery.findMany({ where: { nextAttemptAt: { lt: nextAttemptAt } } });
    expect(due.map((row) => row.id)).toEqual(["dlv_pg"]);
    expect(notYet).toEqual([]);
  });
});
