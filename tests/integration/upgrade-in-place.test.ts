/**
 * Issue 11, "upgrades in place": a SQLite database made by the previous release (0.1.0), full of
 * its users' data, is migrated by `npm start` and served with nothing lost.
 *
 * The database is built exactly as that release left it: its migrations, frozen in
 * tests/fixtures/release-0.1/migrations (never edit them), applied by the same offline migrator
 * `npm start` uses, then filled with better-sqlite3 in that release's format (times as unix-ms
 * integers, booleans 0/1, only SHA-256 of keys and session tokens, argon2id password hashes).
 * Then the current code starts on the file with the real `npm start`, and everything is checked
 * through HTTP as users would: API key, endpoints, event log, deliveries with their attempts,
 * idempotency keys, sign-in with the old passwords, the old session cookie, the inbox, a new
 * event delivered and verified with the endpoint's old secrets, the schedule firing on without
 * re-firing old ticks. Last, row by row: every row of the old database is still there with the
 * same values, except the few columns the running server is expected to move (listed below).
 *
 * Should a future migration drop or rewrite a column, or lose rows, this test fails.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { Webhook } from "standardwebhooks";
import { afterAll, describe, expect, it } from "vitest";
import { hashPassword } from "@/lib/auth/password";
import { onSqlite } from "../helpers/db";
import { idAt, type IdPrefix } from "@/lib/ids";
import { migrateSqlite } from "@/lib/store/migrate/sqlite";
import { apiClient } from "../helpers/api-client";
import { submitForm } from "../helpers/forms";
import { setUpReceivers, waitFor, type RecordedRequest } from "../helpers/receiver";
import { ROOT, startServer, stopServersAfterEach } from "../helpers/server";

/** The previous release's migrations, as its users' databases have them applied. */
const RELEASE_0_1_MIGRATIONS = path.join(__dirname, "..", "fixtures", "release-0.1", "migrations");
const SHIPPED_MIGRATIONS = path.join(ROOT, "prisma", "migrations");
const migrationNames = (folder: string) =>
  readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();

stopServersAfterEach();
const startReceiver = setUpReceivers();
const dir = mkdtempSync(path.join(os.tmpdir(), "hookline-upgrade-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ALICE_PASSWORD = "correct horse battery staple";
const BOB_PASSWORD = "tr0ub4dor & 3, but longer";
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

// How release 0.1.0 stored secrets (lib/auth/api-keys.ts, lib/auth/session.ts, lib/webhooks/sign.ts).
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const signingSecret = () => `whsec_${randomBytes(32).toString("base64")}`;
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
/** An id made at `time` (lib/ids.ts's layout: its time, then 16 random base32 characters). */
const idMadeAt = (prefix: IdPrefix, time: number) => idAt(prefix, time).slice(0, -16) + Array.from(randomBytes(16), (byte) => "0123456789ABCDEFGHJKMNPQRSTVWXYZ"[byte % 32]).join("");

type Row = Record<string, unknown>;

/**
 * Fills a database migrated to release 0.1.0's schema the way that release's code wrote it,
 * as if its server had been killed at `now` (a lease still held, a stale heartbeat). Returns
 * what the test needs to know about it.
 */
async function fillAsRelease01(file: string, receiverUrl: string, now: number) {
  const db = new Database(file);
  db.pragma("foreign_keys = ON");
  const insert = (table: string, row: Row) => {
    const columns = Object.keys(row);
    db.prepare(`INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES (${columns.map((c) => `@${c}`).join(", ")})`).run(row);
    return row;
  };
  const at = (offset: number) => now + offset;

  const alice = insert("User", { id: idMadeAt("usr", at(-3 * HOUR)), email: "alice@example.test", passwordHash: await hashPassword(ALICE_PASSWORD), inboxToken: randomBytes(24).toString("base64url"), createdAt: at(-3 * HOUR) });
  const bob = insert("User", { id: idMadeAt("usr", at(-3 * HOUR + 1)), email: "bob@example.test", passwordHash: await hashPassword(BOB_PASSWORD), inboxToken: null, createdAt: at(-3 * HOUR + 1) });

  const sessionToken = randomBytes(32).toString("base64url");
  insert("Session", { id: idMadeAt("ses", at(-HOUR)), tokenHash: sha256(sessionToken), userId: alice.id, expiresAt: at(6 * 24 * HOUR), createdAt: at(-HOUR) });

  const apiKey = `hl_${randomBytes(32).toString("base64url")}`;
  const apiKeyRow = insert("ApiKey", { id: idMadeAt("key", at(-2 * HOUR)), userId: alice.id, name: "orders service", keyHash: sha256(apiKey), prefix: `${apiKey.slice(0, 7)}…`, lastUsedAt: at(-5 * MINUTE), revokedAt: null, createdAt: at(-2 * HOUR) });
  const revokedKey = `hl_${randomBytes(32).toString("base64url")}`;
  insert("ApiKey", { id: idMadeAt("key", at(-2 * HOUR + 1)), userId: alice.id, name: "leaked laptop", keyHash: sha256(revokedKey), prefix: `${revokedKey.slice(0, 7)}…`, lastUsedAt: null, revokedAt: at(-HOUR), createdAt: at(-2 * HOUR + 1) });

  const endpoint = (offset: number, fields: Row) =>
    insert("Endpoint", {
      id: idMadeAt("ep", at(offset)),
      userId: alice.id,
      description: "",
      enabled: 1,
      disabledReason: null,
      eventTypes: "[]",
      headers: "{}",
      secret: signingSecret(),
      previousSecret: null,
      previousSecretUntil: null,
      deletedAt: null,
      consecutiveFailures: 0,
      failingSince: null,
      rateLimitPerSecond: null,
      circuitOpenUntil: null,
      createdAt: at(offset),
      updatedAt: at(offset),
      ...fields,
    });
  const endpoints = {
    // Rotated 2 h ago: the old secret signs beside the new one for 22 h more.
    rotated: endpoint(-150 * MINUTE, { name: "Orders", url: `${receiverUrl}rotated`, description: "order events", eventTypes: '["order.*","ticker.*"]', headers: '{"x-tenant":"acme"}', previousSecret: signingSecret(), previousSecretUntil: at(22 * HOUR), updatedAt: at(-2 * HOUR) }),
    disabled: endpoint(-149 * MINUTE, { name: "Legacy CRM", url: `${receiverUrl}disabled`, enabled: 0, disabledReason: "The endpoint answered 410 Gone, so it was disabled", updatedAt: at(-40 * MINUTE) }),
    deleted: endpoint(-148 * MINUTE, { name: "Old analytics", url: `${receiverUrl}deleted`, deletedAt: at(-30 * MINUTE), updatedAt: at(-30 * MINUTE) }),
    limited: endpoint(-147 * MINUTE, { name: "Warehouse", url: `${receiverUrl}limited`, rateLimitPerSecond: 5 }),
    // Its circuit breaker opened after a run of failures: nothing is attempted for another hour.
    circuit: endpoint(-146 * MINUTE, { name: "Flaky partner", url: `${receiverUrl}circuit`, consecutiveFailures: 12, failingSince: at(-2 * HOUR), circuitOpenUntil: at(HOUR) }),
  };
  const bobEndpoint = endpoint(-145 * MINUTE, { userId: bob.id, name: "Bob's hooks", url: `${receiverUrl}bob` });

  const event = (offset: number, fields: Row) => insert("Event", { id: idMadeAt("msg", at(offset)), userId: alice.id, idempotencyKey: null, scheduleId: null, createdAt: at(offset), ...fields });
  const delivery = (event: Row, endpoint: Row, fields: Row) =>
    insert("Delivery", {
      id: idMadeAt("dlv", event.createdAt as number),
      userId: event.userId,
      eventId: event.id,
      endpointId: endpoint.id,
      status: "pending",
      attempts: 0,
      nextAttemptAt: null,
      lockedUntil: null,
      lockedBy: null,
      lastStatusCode: null,
      lastError: null,
      createdAt: event.createdAt,
      updatedAt: event.createdAt,
      completedAt: null,
      ...fields,
    });
  const attempt = (delivery: Row, number: number, startedAt: number, fields: Row) =>
    insert("Attempt", {
      id: idMadeAt("att", startedAt),
      deliveryId: delivery.id,
      number,
      startedAt,
      durationMs: 42 + number,
      requestHeaders: JSON.stringify({ "content-type": "application/json", "webhook-id": delivery.eventId, "webhook-timestamp": String(Math.floor(startedAt / 1000)), "webhook-signature": "v1,c2lnbmF0dXJl" }),
      responseStatus: null,
      responseHeaders: null,
      responseBody: null,
      error: null,
      ...fields,
    });
  const answered = (status: number, body: string) => ({ responseStatus: status, responseHeaders: '{"content-type":"text/plain"}', responseBody: body });

  const events = {
    created: event(-20 * MINUTE, { type: "order.created", payload: '{"order":1,"total":"12.50"}', idempotencyKey: "order-1" }),
    updated: event(-15 * MINUTE, { type: "order.updated", payload: '{"order":1,"status":"paid"}', idempotencyKey: "order-1-paid" }),
    removed: event(-10 * MINUTE, { type: "user.deleted", payload: '{"user":"u_7"}' }),
    shipped: event(-2 * SECOND, { type: "order.shipped", payload: '{"order":1,"carrier":"DHL"}', idempotencyKey: "order-1-shipped" }),
  };
  const bobEvent = event(-12 * MINUTE, { userId: bob.id, type: "invoice.paid", payload: '{"invoice":3}' });

  const d = {
    succeeded: delivery(events.created, endpoints.rotated, { status: "succeeded", attempts: 1, lastStatusCode: 200, updatedAt: at(-20 * MINUTE + 80), completedAt: at(-20 * MINUTE + 80) }),
    failed: delivery(events.created, endpoints.limited, { status: "failed", attempts: 3, lastStatusCode: 500, lastError: "HTTP 500", updatedAt: at(-19 * MINUTE), completedAt: at(-19 * MINUTE) }),
    // A retry scheduled for later: untouched by the upgrade.
    retryLater: delivery(events.updated, endpoints.rotated, { attempts: 1, nextAttemptAt: at(HOUR), lastStatusCode: 503, lastError: "HTTP 503", updatedAt: at(-15 * MINUTE + 50) }),
    // Due, but the endpoint's circuit is open: it waits, in order.
    heldByCircuit: delivery(events.updated, endpoints.circuit, { nextAttemptAt: at(-15 * MINUTE) }),
    // In flight when the old server died: its lease has expired.
    inFlight: delivery(events.updated, endpoints.limited, { status: "delivering", attempts: 1, nextAttemptAt: at(-5 * SECOND), lockedUntil: at(-SECOND), lockedBy: "old-host:4242:abcd", updatedAt: at(-5 * SECOND) }),
    toDeleted: delivery(events.removed, endpoints.deleted, { status: "failed", lastError: "The endpoint was deleted", updatedAt: at(-30 * MINUTE), completedAt: at(-30 * MINUTE) }),
    gone: delivery(events.removed, endpoints.disabled, { status: "failed", attempts: 1, lastStatusCode: 410, lastError: "HTTP 410", updatedAt: at(-40 * MINUTE), completedAt: at(-40 * MINUTE) }),
    // Accepted just before the upgrade, not sent yet.
    due: delivery(events.shipped, endpoints.rotated, { nextAttemptAt: at(-2 * SECOND) }),
    waitsForEnable: delivery(events.shipped, endpoints.disabled, { nextAttemptAt: at(-2 * SECOND) }),
  };
  const bobDelivery = delivery(bobEvent, bobEndpoint, { status: "succeeded", attempts: 1, lastStatusCode: 204, updatedAt: at(-12 * MINUTE + 30), completedAt: at(-12 * MINUTE + 30) });
  attempt(d.succeeded, 1, at(-20 * MINUTE + 20), answered(200, "ok"));
  attempt(d.failed, 1, at(-20 * MINUTE + 20), { ...answered(500, "boom"), error: "HTTP 500" });
  attempt(d.failed, 2, at(-20 * MINUTE + 5 * SECOND), { ...answered(500, "boom"), error: "HTTP 500" });
  attempt(d.failed, 3, at(-19 * MINUTE), { ...answered(500, "still boom"), error: "HTTP 500" });
  attempt(d.retryLater, 1, at(-15 * MINUTE + 10), { ...answered(503, "busy"), error: "HTTP 503" });
  attempt(d.gone, 1, at(-40 * MINUTE), { ...answered(410, "gone"), error: "HTTP 410" });
  attempt(bobDelivery, 1, at(-12 * MINUTE + 10), answered(204, ""));

  // A ticker every second that has fired three ticks, and a paused one.
  const lastTick = Math.floor(at(-3 * SECOND) / 1000) * 1000;
  const ticker = insert("Schedule", { id: idMadeAt("sch", at(-HOUR)), userId: alice.id, name: "Heartbeat to orders", cron: "* * * * * *", timezone: "UTC", type: "ticker.tick", payload: '{"message":"tick at {{time}}"}', endpointId: endpoints.rotated.id, paused: 0, nextRunAt: lastTick + SECOND, createdAt: at(-HOUR), updatedAt: at(-HOUR) });
  const paused = insert("Schedule", { id: idMadeAt("sch", at(-HOUR + 1)), userId: alice.id, name: "Monday report", cron: "0 9 * * 1", timezone: "Europe/Paris", type: "report.weekly", payload: '{"report":"weekly"}', endpointId: null, paused: 1, nextRunAt: null, createdAt: at(-HOUR + 1), updatedAt: at(-30 * MINUTE) });
  const oldTicks = [lastTick - 2 * SECOND, lastTick - SECOND, lastTick];
  const tickEvents = oldTicks.map((tickAt) => {
    insert("ScheduleTick", { scheduleId: ticker.id, tickAt, firedAt: tickAt + 3, events: 1 });
    const tickEvent = event(tickAt + 3 - now, { type: "ticker.tick", payload: JSON.stringify({ message: `tick at ${iso(tickAt)}` }), scheduleId: ticker.id });
    const tickDelivery = delivery(tickEvent, endpoints.rotated, { status: "succeeded", attempts: 1, lastStatusCode: 200, updatedAt: tickAt + 60, completedAt: tickAt + 60 });
    attempt(tickDelivery, 1, tickAt + 10, answered(200, "ok"));
    return tickEvent;
  });

  insert("InboxRequest", { id: idMadeAt("inb", at(-50 * MINUTE)), userId: alice.id, method: "POST", headers: '{"content-type":"application/json"}', body: '{"hello":"inboxmarkerone"}', receivedAt: at(-50 * MINUTE) });
  insert("InboxRequest", { id: idMadeAt("inb", at(-49 * MINUTE)), userId: alice.id, method: "PUT", headers: '{"content-type":"text/plain"}', body: "inboxmarkertwo", receivedAt: at(-49 * MINUTE) });
  insert("WorkerHeartbeat", { id: "old-host:4242:abcd", pid: 4242, hostname: "old-host", startedAt: at(-3 * HOUR), beatAt: at(-3 * SECOND) });
  db.close();

  return { alice, bob, sessionToken, apiKey, apiKeyRow, revokedKey, endpoints, bobEndpoint, events, bobEvent, deliveries: d, ticker, paused, oldTicks, tickEvents };
}

/** Every row of every table (Prisma's own excepted), keyed by table then primary key. */
function snapshot(file: string): Map<string, Map<string, Row>> {
  const db = new Database(file, { readonly: true });
  try {
    const tables = (db.prepare(`SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_prisma_migrations'`).all() as Array<{ name: string }>).map((t) => t.name);
    return new Map(
      tables.map((table) => {
        const key = (db.pragma(`table_info("${table}")`) as Array<{ name: string; pk: number }>).filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
        const rows = db.prepare(`SELECT * FROM "${table}"`).all() as Row[];
        return [table, new Map(rows.map((row) => [key.map((column) => String(row[column])).join("|"), row]))];
      }),
    );
  } finally {
    db.close();
  }
}

/**
 * Differences between the old rows and the same rows now, as readable lines: missing tables,
 * missing rows, and changed or missing columns, except those in `mayChange` (`table|key` →
 * columns the running server legitimately moves). Rows and columns added since are ignored.
 */
function lostOrChanged(before: Map<string, Map<string, Row>>, after: Map<string, Map<string, Row>>, mayChange: Map<string, string[]>): string[] {
  const problems: string[] = [];
  for (const [table, rows] of before) {
    const now = after.get(table);
    if (!now) {
      problems.push(`table ${table} is gone`);
      continue;
    }
    for (const [key, row] of rows) {
      const current = now.get(key);
      if (!current) {
        problems.push(`${table} ${key} is gone`);
        continue;
      }
      const allowed = mayChange.get(`${table}|${key}`) ?? [];
      for (const [column, value] of Object.entries(row)) {
        if (allowed.includes(column)) continue;
        if (!(column in current)) problems.push(`${table}.${column} is gone`);
        else if (current[column] !== value) problems.push(`${table} ${key}: ${column} was ${JSON.stringify(value)}, is ${JSON.stringify(current[column])}`);
      }
    }
  }
  return [...new Set(problems)];
}

/** The delivery's API shape, from its row as written. */
function deliveryDto(row: Row) {
  return {
    id: row.id,
    eventId: row.eventId,
    endpointId: row.endpointId,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: iso(row.nextAttemptAt as number | null),
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    createdAt: iso(row.createdAt as number),
  };
}

function verifies(secret: string, request: RecordedRequest): boolean {
  try {
    new Webhook(secret).verify(request.rawBody, request.headers);
    return true;
  } catch {
    return false;
  }
}

// Only in the SQLite run: release 0.1.0 ran on SQLite only, so the PostgreSQL baseline
// migration has no previous release to upgrade from. This file makes its own SQLite database
// whatever the run's engine, so a PostgreSQL run would only repeat the SQLite run's checks.
describe.runIf(onSqlite)("upgrading a database made by release 0.1.0 in place", () => {
  it("still ships release 0.1.0's migrations, unchanged, first", () => {
    // Its users' databases record these names and checksums: a released migration edited,
    // renamed or removed would no longer match them.
    const released = migrationNames(RELEASE_0_1_MIGRATIONS);
    expect(released).toHaveLength(6);
    expect(migrationNames(SHIPPED_MIGRATIONS).slice(0, released.length)).toEqual(released);
    for (const name of released) {
      expect(readFileSync(path.join(SHIPPED_MIGRATIONS, name, "migration.sql"), "utf8"), name).toBe(readFileSync(path.join(RELEASE_0_1_MIGRATIONS, name, "migration.sql"), "utf8"));
    }
  });

  it("migrates it at `npm start` and serves every user's data as before", async () => {
    const receiver = await startReceiver([{ status: 200 }]);
    const file = path.join(dir, "hookline.db");
    const url = `file:${file}`;
    const applied = await migrateSqlite(url, RELEASE_0_1_MIGRATIONS);
    expect(applied).toHaveLength(6);
    const old = await fillAsRelease01(file, receiver.url, Date.now());
    const before = snapshot(file);

    const server = await startServer({ DATABASE_URL: url, HOOKLINE_API_RATE_LIMIT: "100000" });
    const api = apiClient(server.origin, old.apiKey);
    const { endpoints, events, deliveries } = old;
    /** Waits as waitFor does; on time-out the server's output says why (e.g. a column it lacks). */
    const waitForServer = <T>(check: () => T | Promise<T>, options: { timeoutMs: number; what: string }) =>
      waitFor(check, options).catch((error: Error) => {
        throw new Error(`${error.message}\nServer output (last 4000 characters):\n${server.output().slice(-4000)}`);
      });

    // Row by row: nothing the old release wrote was lost or rewritten by the migration, except
    // what the running server moves on purpose: the deliveries due at the upgrade (completed
    // now), the API key's last use, the ticker's next run. Checked now, to name a loss plainly,
    // and again once the server has stopped.
    const mayChange = new Map<string, string[]>([
      ...[deliveries.inFlight, deliveries.due].map((row) => [`Delivery|${row.id}`, ["status", "attempts", "nextAttemptAt", "lockedUntil", "lockedBy", "lastStatusCode", "lastError", "updatedAt", "completedAt"]] as [string, string[]]),
      [`ApiKey|${old.apiKeyRow.id}`, ["lastUsedAt"]],
      [`Schedule|${old.ticker.id}`, ["nextRunAt"]],
    ]);
    const oldRowsIn = (tables: Map<string, Map<string, Row>>) =>
      Object.fromEntries([...before].map(([table, rows]) => [table, [...rows.keys()].filter((key) => tables.get(table)?.has(key)).length]));
    const expectNothingLost = () => {
      const after = snapshot(file);
      expect(lostOrChanged(before, after, mayChange)).toEqual([]);
      // The same as counts per table: the old rows still there (rows added since not counted).
      expect(oldRowsIn(after)).toEqual(oldRowsIn(before));
    };
    expectNothingLost();

    // The API key works; the revoked one is still revoked.
    expect((await api.get("/api/v1/endpoints", { key: old.revokedKey })).status).toBe(401);
    const listed = await api.get("/api/v1/endpoints");
    expect(listed.status, listed.text).toBe(200);
    // Live endpoints only, newest first, unchanged; the deleted one and Bob's are not there.
    // (toMatchObject: fields added to the API since are fine, a changed or missing one is not.)
    expect(listed.body.data).toMatchObject(
      [endpoints.circuit, endpoints.limited, endpoints.disabled, endpoints.rotated].map((row) => ({
        id: row.id,
        name: row.name,
        url: row.url,
        description: row.description,
        enabled: row.enabled === 1,
        eventTypes: JSON.parse(row.eventTypes as string),
        headers: JSON.parse(row.headers as string),
        disabledReason: row.disabledReason,
        createdAt: iso(row.createdAt as number),
      })),
    );
    expect((await api.get(`/api/v1/endpoints/${endpoints.deleted.id}`)).status).toBe(404);
    expect((await api.get(`/api/v1/endpoints/${old.bobEndpoint.id}`)).status).toBe(404);

    // The idempotency key of an event from before the upgrade still answers with that event.
    const replay = await api.post("/api/v1/events", { type: "order.created", data: { order: 1, total: "12.50" } }, { headers: { "idempotency-key": "order-1" } });
    expect(replay.status, replay.text).toBe(202);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body.id).toBe(events.created.id);

    // A new event reaches the live endpoints, signed with their secrets from before the upgrade:
    // the rotated endpoint's new secret and, still within its overlap, the old one too.
    const sent = await api.post("/api/v1/events", { type: "order.refunded", data: { order: 1 } });
    expect(sent.status, sent.text).toBe(202);
    const arrived = (id: string, suffix: string) => receiver.requests.filter((request) => request.headers["webhook-id"] === id && request.path === `/${suffix}`);
    await waitForServer(() => arrived(sent.body.id, "rotated").length === 1 && arrived(sent.body.id, "limited").length === 1, { timeoutMs: 20_000, what: "the new event at both live endpoints" });
    const [toRotated] = arrived(sent.body.id, "rotated");
    expect(verifies(endpoints.rotated.secret as string, toRotated)).toBe(true);
    expect(verifies(endpoints.rotated.previousSecret as string, toRotated)).toBe(true);
    expect(verifies(signingSecret(), toRotated)).toBe(false);
    expect(toRotated.headers["x-tenant"]).toBe("acme");
    expect(verifies(endpoints.limited.secret as string, arrived(sent.body.id, "limited")[0])).toBe(true);

    // Work left by the old server completes: the delivery due at the upgrade, and the one whose
    // lease expired (its lost attempt on record, then a new one).
    await waitForServer(async () => (await api.get(`/api/v1/deliveries/${deliveries.inFlight.id}`)).body.status === "succeeded", { timeoutMs: 20_000, what: "the interrupted delivery to succeed" });
    await waitForServer(async () => (await api.get(`/api/v1/deliveries/${deliveries.due.id}`)).body.status === "succeeded", { timeoutMs: 20_000, what: "the due delivery to succeed" });
    const reclaimed = (await api.get(`/api/v1/deliveries/${deliveries.inFlight.id}`)).body;
    expect(reclaimed.attemptLog.map((a: Row) => [a.number, a.responseStatus, a.error === null ? null : "error"])).toEqual([
      [1, null, "error"],
      [2, 200, null],
    ]);
    const [dueRequest] = arrived(events.shipped.id as string, "rotated");
    expect(JSON.parse(dueRequest.rawBody)).toMatchObject({ type: "order.shipped", data: { order: 1, carrier: "DHL" } });
    expect(verifies(endpoints.rotated.previousSecret as string, dueRequest)).toBe(true);

    // The schedule fires on, from after its last old tick; the paused one stays paused.
    const tickList = async () => (await api.get("/api/v1/events?type=ticker.tick&limit=200")).body.data as Array<{ id: string; data: { message: string } }>;
    const ticks = await waitForServer(async () => {
      const list = await tickList();
      return list.length >= old.tickEvents.length + 2 ? list : null;
    }, { timeoutMs: 20_000, what: "two new schedule ticks" });
    const tickTimes = ticks.map((tick) => Date.parse(tick.data.message.replace("tick at ", "")));
    expect(new Set(tickTimes).size, "a tick fired twice").toBe(tickTimes.length);
    expect(ticks.slice(-3).map((tick) => tick.id)).toEqual(old.tickEvents.map((tick) => tick.id).reverse());
    expect(tickTimes.slice(0, -3).every((time) => time > old.oldTicks[2])).toBe(true);
    const schedule = (await api.get(`/api/v1/schedules/${old.ticker.id}`)).body;
    expect(schedule).toMatchObject({ name: "Heartbeat to orders", cron: "* * * * * *", timezone: "UTC", paused: false, endpointId: endpoints.rotated.id });
    expect((await api.get(`/api/v1/schedules/${old.paused.id}`)).body).toMatchObject({
      id: old.paused.id,
      name: "Monday report",
      cron: "0 9 * * 1",
      timezone: "Europe/Paris",
      type: "report.weekly",
      data: { report: "weekly" },
      endpointId: null,
      paused: true,
      nextRunAt: null,
    });
    // Old ticks were delivered by the old release; none of them is sent again.
    for (const tick of old.tickEvents) expect(arrived(tick.id as string, "rotated")).toEqual([]);

    // The event log: every old event of the account, unchanged, and none of Bob's.
    const eventLog = (await api.get("/api/v1/events?limit=200")).body.data as Array<{ id: string }>;
    const oldEvents = [...Object.values(events), ...old.tickEvents].sort((a, b) => String(b.id).localeCompare(String(a.id)));
    expect(eventLog.filter((event) => oldEvents.some((row) => row.id === event.id))).toMatchObject(
      oldEvents.map((row) => ({ id: row.id, type: row.type, data: JSON.parse(row.payload as string), createdAt: iso(row.createdAt as number) })),
    );
    expect(eventLog.map((event) => event.id)).not.toContain(old.bobEvent.id);

    // The delivery log: the deliveries nothing was due for are exactly as they were, attempts too.
    const untouched = [deliveries.succeeded, deliveries.failed, deliveries.retryLater, deliveries.heldByCircuit, deliveries.toDeleted, deliveries.gone, deliveries.waitsForEnable];
    const deliveryLog = (await api.get("/api/v1/deliveries?limit=200")).body.data as Array<{ id: string }>;
    expect(deliveryLog.filter((row) => untouched.some((u) => u.id === row.id))).toMatchObject(
      untouched.sort((a, b) => String(b.id).localeCompare(String(a.id))).map(deliveryDto),
    );
    for (const row of untouched) {
      const detail = (await api.get(`/api/v1/deliveries/${row.id}`)).body;
      const written = [...before.get("Attempt")!.values()].filter((a) => a.deliveryId === row.id).sort((a, b) => Number(a.number) - Number(b.number));
      expect(written).toHaveLength(row.attempts as number);
      expect(detail.attemptLog).toMatchObject(
        written.map((a) => ({
          id: a.id,
          number: a.number,
          startedAt: iso(a.startedAt as number),
          durationMs: a.durationMs,
          requestHeaders: JSON.parse(a.requestHeaders as string),
          responseStatus: a.responseStatus,
          responseHeaders: a.responseHeaders === null ? null : JSON.parse(a.responseHeaders as string),
          responseBody: a.responseBody,
          error: a.error,
        })),
      );
    }
    // Nothing was attempted towards the open circuit, the disabled endpoint or the deleted one.
    expect(receiver.requests.filter((request) => ["/circuit", "/disabled", "/deleted"].includes(request.path))).toEqual([]);

    // Signing in with the old passwords works (and a wrong one does not); the old session
    // cookie is still signed in, and sees the inbox's old requests.
    const signIn = (email: string, password: string) => submitForm(`${server.origin}/sign-in`, { email, password });
    for (const [email, password] of [["alice@example.test", ALICE_PASSWORD], ["bob@example.test", BOB_PASSWORD]]) {
      const result = await signIn(email, password);
      expect(result.status, email).toBe(303);
      expect(result.cookies.some((cookie) => cookie.startsWith("hl_session="))).toBe(true);
    }
    expect((await signIn("alice@example.test", BOB_PASSWORD)).cookies).toEqual([]);
    const inbox = await fetch(`${server.origin}/inbox`, { headers: { cookie: `hl_session=${old.sessionToken}` }, redirect: "manual" });
    expect(inbox.status).toBe(200);
    const inboxHtml = await inbox.text();
    expect(inboxHtml).toContain("inboxmarkerone");
    expect(inboxHtml).toContain("inboxmarkertwo");
    expect(inboxHtml).toContain(`/api/inbox/${old.alice.inboxToken}`);

    server.process.kill("SIGTERM");
    expect(await server.exited).toBe(0);

    // `npm start` applied every migration shipped since that release.
    const migrated = new Database(file, { readonly: true });
    const recorded = migrated.prepare(`SELECT migration_name AS name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name`).all() as Array<{ name: string }>;
    migrated.close();
    expect(recorded.map((row) => row.name)).toEqual(migrationNames(SHIPPED_MIGRATIONS));

    // Still nothing lost, after all that traffic and a clean stop.
    expectNothingLost();
  }, 180_000);
});
