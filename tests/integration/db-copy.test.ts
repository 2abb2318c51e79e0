/**
 * Issue 11, "moving up": `npm run db:copy -- --to postgres://…` copies a SQLite database into an
 * empty PostgreSQL one, and the app then runs on PostgreSQL with everything it had.
 *
 * A SQLite database is filled by the app itself: accounts, a session, API keys, endpoints (one
 * rotated, one failing, one deleted), events (one with an idempotency key), deliveries with their
 * attempts made by the real server's worker towards receivers on 127.0.0.1, a schedule that
 * fired, an inbox request. Then the real `npm run db:copy` copies it into a new database of a
 * throw-away cluster (the run's own when the suite runs on PostgreSQL), every row is compared
 * through Prisma on both engines, and the real server starts on PostgreSQL: the password signs in,
 * the old session cookie still works, the API key lists the same delivery and event log, and a
 * new event is delivered, signed with the endpoint's copied secrets.
 *
 * Also: a target that holds Hookline rows is refused and left as it was; a copy that fails halfway
 * (a value PostgreSQL cannot take) leaves the target without any row; rows written to the source
 * during the copy are not in it (one snapshot), and the report says the source changed.
 *
 * The test file works on a SQLite file of its own whatever engine the suite runs on: DATABASE_URL
 * is set to it before any of the app's modules load.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";

const files = await vi.hoisted(async () => {
  const { mkdtempSync } = await import("node:fs");
  const os = await import("node:os");
  const nodePath = await import("node:path");
  const dir = mkdtempSync(nodePath.join(os.tmpdir(), "hookline-db-copy-"));
  const sqliteUrl = `file:${nodePath.join(dir, "hookline.db")}`;
  // Before lib/env loads: the app's functions below write to this SQLite file.
  process.env.DATABASE_URL = sqliteUrl;
  return { dir, sqliteUrl };
});

import { createAccount } from "@/lib/auth/accounts";
import { createApiKey, revokeApiKey } from "@/lib/auth/api-keys";
import { createSession } from "@/lib/auth/session";
import { prisma } from "@/lib/db";
import { createEndpoint, deleteEndpoint, rotateEndpointSecret } from "@/lib/endpoints/queries";
import { createEvent } from "@/lib/events/queries";
import { recordInboxRequest } from "@/lib/inbox/queries";
import { createSchedule, setSchedulePaused } from "@/lib/schedules/queries";
import { closeStore, openStore } from "@/lib/store/connection";
import { copySqliteToPostgres } from "@/lib/store/copy";
import { createDatabase, dropDatabase, migrateDatabase } from "@/lib/store/migrate";
import { startThrowawayCluster, type ThrowawayCluster } from "@/lib/store/postgres/cluster";
import { apiClient } from "../helpers/api-client";
import { submitForm } from "../helpers/forms";
import { setUpReceivers, waitFor, type RecordedRequest } from "../helpers/receiver";
import { killGroup, ROOT, startServer, stopServersAfterEach } from "../helpers/server";

stopServersAfterEach();
const startReceiver = setUpReceivers();
const run = promisify(execFile);

const PASSWORD = "correct horse battery staple";
/** Models with their primary key, every one the schema has; WorkerHeartbeat is not copied. */
const COPIED = ["user", "session", "apiKey", "endpoint", "event", "delivery", "attempt", "inboxRequest", "schedule", "scheduleTick"] as const;

let cluster: ThrowawayCluster | null = null;
let serverUrl = "";
const databases: string[] = [];
/** A migrated, empty database to copy targets from: migrating each one takes seconds. */
let migratedTemplate = "";

beforeAll(async () => {
  await migrateDatabase(files.sqliteUrl);
  const provided = inject("postgresTemplate");
  if (provided) serverUrl = provided.serverUrl;
  else {
    cluster = await startThrowawayCluster();
    serverUrl = cluster.url;
  }
  const template = await emptyDatabase();
  await migrateDatabase(template);
  migratedTemplate = new URL(template).pathname.slice(1);
}, 120_000);

afterAll(async () => {
  await prisma.$disconnect();
  for (const name of databases) await dropDatabase(serverUrl, name).catch(() => {});
  await cluster?.stop();
  rmSync(files.dir, { recursive: true, force: true });
}, 60_000);

/** A new, empty database on the cluster (no tables: db:copy migrates it). */
async function emptyDatabase(): Promise<string> {
  const name = `hookline_copy_${process.pid}_${randomBytes(4).toString("hex")}`;
  databases.push(name);
  return createDatabase(serverUrl, name);
}

/** A new database with Hookline's tables and no rows (the main test copies into an empty one, migrating it). */
async function migratedDatabase(): Promise<string> {
  const name = `hookline_copy_${process.pid}_${randomBytes(4).toString("hex")}`;
  databases.push(name);
  return createDatabase(serverUrl, name, { template: migratedTemplate });
}

/** `npm run db:copy -- …` as a user runs it; never throws. */
async function dbCopy(args: string[], databaseUrl = files.sqliteUrl): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run("npm", ["run", "--silent", "db:copy", "--", ...args], { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

type AnyDelegate = { findMany(args?: object): Promise<Array<Record<string, unknown>>>; count(): Promise<number> };
type AnyClient = Record<string, AnyDelegate>;

/** Every row of every copied model, through Prisma, in a stable order (not the engines' collations). */
async function allRows(client: unknown): Promise<Record<string, Array<Record<string, unknown>>>> {
  const result: Record<string, Array<Record<string, unknown>>> = {};
  for (const model of COPIED) {
    const rows = await (client as AnyClient)[model].findMany();
    const key = (row: Record<string, unknown>) => (model === "scheduleTick" ? `${row.scheduleId}|${(row.tickAt as Date).getTime()}` : String(row.id));
    result[model] = rows.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  }
  return result;
}

function verifies(secret: string, request: RecordedRequest): boolean {
  try {
    new Webhook(secret).verify(request.rawBody, request.headers);
    return true;
  } catch {
    return false;
  }
}

describe("npm run db:copy", () => {
  it("copies a used SQLite database into PostgreSQL, where the app signs in, lists the same log and delivers a new event", async () => {
    // --- The SQLite database, made by the app: its server's worker delivers. ---
    const receiver = await startReceiver([{ status: 200 }]);
    const failing = await startReceiver([{ status: 500, body: "down" }]);
    // The failing endpoint fails its deliveries after their retries, without the circuit breaker pausing it.
    const sqliteServer = await startServer({ DATABASE_URL: files.sqliteUrl, HOOKLINE_API_RATE_LIMIT: "100000", HOOKLINE_CIRCUIT_BREAKER_FAILURES: "1000" });

    const alice = await createAccount("alice@example.test", PASSWORD);
    const bob = await createAccount("bob@example.test", "bobs own password");
    if ("emailTaken" in alice || "emailTaken" in bob) throw new Error("fresh database expected");
    const { key } = await createApiKey(alice.id, "orders service");
    const revoked = await createApiKey(alice.id, "old key");
    await revokeApiKey(alice.id, revoked.apiKey.id);
    const session = await createSession(alice.id);
    const orders = await createEndpoint(alice.id, { name: "Orders", url: `${receiver.url}orders`, description: "the orders service" });
    const rotated = await rotateEndpointSecret(alice.id, orders.id);
    const broken = await createEndpoint(alice.id, { name: "Broken", url: `${failing.url}broken`, description: "" });
    const gone = await createEndpoint(alice.id, { name: "Gone", url: `${receiver.url}gone`, description: "" });
    const bobs = await createEndpoint(bob.id, { name: "Bob's", url: `${receiver.url}bob`, description: "" });
    if (!rotated) throw new Error("rotation failed");

    const sent = [];
    for (let n = 1; n <= 4; n++) sent.push(await createEvent(alice.id, { type: "order.created", payload: JSON.stringify({ order: n, note: "ünïcödé ✓ 🚀" }), idempotencyKey: n === 1 ? "order-1" : undefined }));
    await createEvent(bob.id, { type: "order.created", payload: JSON.stringify({ order: "bob" }) });
    const schedule = await createSchedule(alice.id, { name: "Ticker", cron: "* * * * * *", timezone: "UTC", type: "ticker.tick", data: { message: "tick at {{time}}" }, endpointId: orders.id, paused: false });
    if ("fieldErrors" in schedule) throw new Error(JSON.stringify(schedule.fieldErrors));
    await recordInboxRequest(alice.id, { method: "POST", headers: { "content-type": "application/json" }, body: '{"hello":"inbox"}' });

    // Everything delivered (the failing endpoint's deliveries failed after their retries), two ticks fired.
    await waitFor(async () => (await prisma.scheduleTick.count()) >= 2, { timeoutMs: 20_000, what: "two schedule ticks" });
    await setSchedulePaused(alice.id, schedule.id, true);
    await deleteEndpoint(alice.id, gone.id);
    await waitFor(async () => (await prisma.delivery.count({ where: { status: { in: ["pending", "delivering"] } } })) === 0, { timeoutMs: 30_000, what: "every delivery to finish" });
    expect(await prisma.delivery.count({ where: { endpointId: broken.id, status: "failed" } })).toBe(4);
    expect(await prisma.delivery.count({ where: { endpointId: orders.id, status: "succeeded" } })).toBeGreaterThanOrEqual(6);
    expect(receiver.requests.some((request) => request.path === "/bob")).toBe(true);

    const api = (origin: string) => apiClient(origin, key);
    const sqliteLog = (await api(sqliteServer.origin).get("/api/v1/deliveries?limit=100")).body.data;
    const sqliteEvents = (await api(sqliteServer.origin).get("/api/v1/events?limit=100")).body.data;
    const sqliteDetail = (await api(sqliteServer.origin).get(`/api/v1/deliveries/${sqliteLog.at(-1).id}`)).body;
    expect(sqliteLog.length).toBeGreaterThanOrEqual(10);
    // Killed, as when its machine goes down: its worker's heartbeat row stays behind (a clean
    // stop deletes it), which the copy must leave out.
    killGroup(sqliteServer.process, "SIGKILL");
    await sqliteServer.exited;
    const before = await allRows(prisma);
    expect(await prisma.workerHeartbeat.count()).toBeGreaterThan(0);

    // --- The copy, as a user runs it. ---
    const target = await emptyDatabase();
    const copy = await dbCopy(["--to", target]);
    expect(copy.code, `${copy.stdout}\n${copy.stderr}`).toBe(0);
    // A database without tables is migrated first, with the migrations npm start applies.
    expect(copy.stdout).toContain("Migrated the target");
    // The report: every table with equal counts on both sides, WorkerHeartbeat named as not copied.
    for (const [model, rows] of Object.entries(before)) {
      const table = model[0].toUpperCase() + model.slice(1);
      expect(copy.stdout).toMatch(new RegExp(`^${table} +${rows.length} +${rows.length} +[0-9a-f]{32} ✓$`, "m"));
    }
    expect(copy.stdout).toMatch(/^WorkerHeartbeat +\d+ +not copied/m);
    expect(copy.stdout).toContain("npm start");

    // Row by row through Prisma on both engines: ids, secrets, hashes, times, flags, all equal.
    const postgres = openStore(target);
    try {
      expect(await allRows(postgres.prisma)).toEqual(before);
      expect(await postgres.prisma.workerHeartbeat.count()).toBe(0);
    } finally {
      await closeStore(postgres);
    }
    // The SQLite file was only read.
    expect(await allRows(prisma)).toEqual(before);

    // --- The app on PostgreSQL. ---
    const server = await startServer({ DATABASE_URL: target, HOOKLINE_API_RATE_LIMIT: "100000" });
    const pgApi = api(server.origin);

    // The password signs in; a wrong one does not; the old session cookie is still signed in.
    const signedIn = await submitForm(`${server.origin}/sign-in`, { email: "alice@example.test", password: PASSWORD });
    expect(signedIn.status).toBe(303);
    expect(signedIn.cookies.some((cookie) => cookie.startsWith("hl_session="))).toBe(true);
    expect((await submitForm(`${server.origin}/sign-in`, { email: "alice@example.test", password: "bobs own password" })).cookies).toEqual([]);
    const page = await fetch(`${server.origin}/deliveries`, { headers: { cookie: `hl_session=${session.token}` }, redirect: "manual" });
    expect(page.status).toBe(200);

    // The same delivery log, events and delivery detail through the copied API key; the revoked key stays revoked.
    expect((await pgApi.get("/api/v1/deliveries?limit=100")).body.data).toEqual(sqliteLog);
    expect((await pgApi.get("/api/v1/events?limit=100")).body.data).toEqual(sqliteEvents);
    expect((await pgApi.get(`/api/v1/deliveries/${sqliteLog.at(-1).id}`)).body).toEqual(sqliteDetail);
    expect((await pgApi.get("/api/v1/endpoints", { key: revoked.key })).status).toBe(401);
    // The idempotency key from SQLite still answers with its event.
    const replay = await pgApi.post("/api/v1/events", { type: "order.created", data: { order: 1 } }, { headers: { "idempotency-key": "order-1" } });
    expect(replay.body.id).toBe(sent[0].id);

    // A new event is delivered, signed with the copied secret and, within its overlap, the previous one.
    const event = await pgApi.post("/api/v1/events", { type: "order.paid", data: { order: 2 } });
    expect(event.status, event.text).toBe(202);
    const delivered = await waitFor(() => receiver.requests.find((request) => request.headers["webhook-id"] === event.body.id) ?? null, {
      timeoutMs: 20_000,
      what: "the new event at the receiver",
    });
    expect(delivered.path).toBe("/orders");
    expect(verifies(rotated.secret, delivered)).toBe(true);
    expect(verifies(orders.secret, delivered)).toBe(true);
    expect(verifies(bobs.secret, delivered)).toBe(false);
    let last: unknown = null;
    await waitFor(async () => {
      const listed = await pgApi.get(`/api/v1/deliveries?eventId=${event.body.id}&endpointId=${orders.id}`);
      last = listed.body;
      const log = listed.body.data;
      return log?.length === 1 && log[0].status === "succeeded" ? log : null;
    }, { timeoutMs: 20_000, what: "the new delivery to succeed" }).catch((error: Error) => {
      throw new Error(`${error.message}\nLast answer: ${JSON.stringify(last)}\nServer output (end): ${server.output().slice(-3000)}`);
    });
  }, 240_000);

  it("refuses a target that holds Hookline rows, and leaves it as it was", async () => {
    const target = await migratedDatabase();
    const postgres = openStore(target);
    try {
      await postgres.prisma.user.create({ data: { id: "usr_already_here", email: "someone@example.test", passwordHash: "x" } });
      const copy = await dbCopy(["--to", target]);
      expect(copy.code).toBe(1);
      expect(copy.stderr).toContain("already holds Hookline data (rows in User)");
      expect(copy.stderr).toContain("create a new database");
      expect(await postgres.prisma.user.findMany()).toMatchObject([{ id: "usr_already_here", email: "someone@example.test" }]);
      for (const model of COPIED.filter((name) => name !== "user")) expect(await (postgres.prisma as unknown as AnyClient)[model].count(), model).toBe(0);
    } finally {
      await closeStore(postgres);
    }
  }, 120_000);

  it("a copy that fails halfway leaves the target without any row", async () => {
    // A source whose InboxRequest (copied after User) holds a time PostgreSQL cannot take.
    const file = path.join(files.dir, "broken.db");
    await migrateDatabase(`file:${file}`);
    const db = new Database(file);
    db.prepare(`INSERT INTO "User" (id, email, passwordHash, createdAt) VALUES ('usr_1', 'a@example.test', 'x', 1764500000000)`).run();
    db.prepare(`INSERT INTO "InboxRequest" (id, userId, method, headers, body, receivedAt) VALUES ('inb_1', 'usr_1', 'POST', '{}', '', 'yesterday')`).run();
    db.close();
    const target = await migratedDatabase();
    const copy = await dbCopy(["--to", target], `file:${file}`);
    expect(copy.code).toBe(1);
    expect(copy.stderr).toContain("InboxRequest.receivedAt");
    expect(copy.stderr).toContain("nothing was committed");
    const postgres = openStore(target);
    try {
      for (const model of COPIED) expect(await (postgres.prisma as unknown as AnyClient)[model].count(), model).toBe(0);
    } finally {
      await closeStore(postgres);
    }
  }, 120_000);

  it("copies the source as it was when the copy began, even while another connection writes to it", async () => {
    const file = path.join(files.dir, "busy.db");
    await migrateDatabase(`file:${file}`);
    const writer = new Database(file);
    const inboxRequest = writer.prepare(`INSERT INTO "InboxRequest" (id, userId, method, headers, body, receivedAt) VALUES (?, 'usr_1', 'POST', '{}', 'written during the copy', 1764500000000)`);
    try {
      writer.prepare(`INSERT INTO "User" (id, email, passwordHash, createdAt) VALUES ('usr_1', 'a@example.test', 'x', 1764500000000)`).run();
      inboxRequest.run("inb_0");
      const target = await migratedDatabase();
      let written = 0;
      const report = await copySqliteToPostgres({
        from: `file:${file}`,
        to: target,
        // Tables are copied parents first: User before InboxRequest. Rows written after the copy began are not in it.
        log: (line) => {
          if (line.startsWith("User:")) inboxRequest.run(`inb_${++written}`);
        },
      });
      expect(written).toBe(1);
      expect(report.sourceChangedDuringCopy).toBe(true);
      expect(report.tables.find((table) => table.table === "InboxRequest")).toMatchObject({ sourceRows: 1, targetRows: 1 });
      const postgres = openStore(target);
      try {
        expect((await postgres.prisma.inboxRequest.findMany()).map((row) => row.id)).toEqual(["inb_0"]);
      } finally {
        await closeStore(postgres);
      }
      expect(writer.prepare(`SELECT count(*) FROM "InboxRequest"`).pluck().get()).toBe(2);
    } finally {
      writer.close();
    }
  }, 120_000);

  it("copies a U+0000 that SQLite holds (response bodies recorded before it was replaced) as U+FFFD, and counts it", async () => {
    const file = path.join(files.dir, "nul.db");
    await migrateDatabase(`file:${file}`);
    const db = new Database(file);
    db.prepare(`INSERT INTO "User" (id, email, passwordHash, createdAt) VALUES ('usr_1', 'a@example.test', 'x', 1764500000000)`).run();
    db.prepare(`INSERT INTO "InboxRequest" (id, userId, method, headers, body, receivedAt) VALUES ('inb_1', 'usr_1', 'POST', '{}', ?, 1764500000000)`).run("ok\u0000done");
    db.close();
    const target = await migratedDatabase();
    const copy = await dbCopy(["--to", target], `file:${file}`);
    expect(copy.code, copy.stderr).toBe(0);
    expect(copy.stdout).toContain("1 text value(s) of InboxRequest held U+0000");
    const postgres = openStore(target);
    try {
      expect((await postgres.prisma.inboxRequest.findUniqueOrThrow({ where: { id: "inb_1" } })).body).toBe("ok\uFFFDdone");
    } finally {
      await closeStore(postgres);
    }
  }, 120_000);

  it("refuses, naming the column, when the source has a column this version's schema does not", async () => {
    // E.g. a column added by hand or by a newer release: it must not be dropped silently.
    const file = path.join(files.dir, "extra-column.db");
    await migrateDatabase(`file:${file}`);
    const db = new Database(file);
    db.exec(`ALTER TABLE "Endpoint" ADD COLUMN "notes" TEXT`);
    db.close();
    const target = await emptyDatabase();
    const copy = await dbCopy(["--to", target], `file:${file}`);
    expect(copy.code).toBe(1);
    expect(copy.stderr).toContain("the source's table Endpoint has notes, which the schema does not");
    // Refused before the target was touched: still no tables.
    const postgres = openStore(target);
    try {
      await expect(postgres.prisma.user.count()).rejects.toThrow(/does not exist/);
    } finally {
      await closeStore(postgres);
    }
  }, 120_000);

  it("refuses a source that is not SQLite and a target that is not PostgreSQL, before touching anything", async () => {
    const notPostgres = await dbCopy(["--to", "file:./elsewhere.db"]);
    expect(notPostgres.code).toBe(1);
    expect(notPostgres.stderr).toContain("must be a PostgreSQL database");
    const notSqlite = await dbCopy(["--to", `${serverUrl}`], serverUrl);
    expect(notSqlite.code).toBe(1);
    expect(notSqlite.stderr).toContain("The source must be a SQLite database");
    const noTarget = await dbCopy([]);
    expect(noTarget.code).toBe(2);
    expect(noTarget.stderr).toContain("--to postgres://");
  }, 60_000);
});
