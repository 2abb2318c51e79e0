// Deleting an account removes every row that belongs to it, in every table, and nothing else.
// "Every table" is read from the database's catalog (tests/helpers/db.ts), and "belongs to" is followed through any column
// (user → endpoints, events, schedules → deliveries, ticks → attempts…), so a table added later
// is checked without anyone remembering to add it here: the fixture must give it rows, or the
// test names the table it does not know.
import { beforeAll, describe, expect, it } from "vitest";
import { changePassword, deleteAccount } from "@/lib/auth/accounts";
import { createApiKey } from "@/lib/auth/api-keys";
import { createSession, userForSessionToken } from "@/lib/auth/session";
import { createEventType } from "@/lib/event-types/queries";
import { prisma } from "@/lib/db";
import { createEndpoint, updateEndpoint } from "@/lib/endpoints/queries";
import { createEvent } from "@/lib/events/queries";
import { newId } from "@/lib/ids";
import { inboxToken, receiveInboxRequest } from "@/lib/inbox/queries";
import { verifyPassword } from "@/lib/auth/password";
import { createConsumer } from "@/lib/consumers/queries";
import { createPortalLink, updatePortalSettings } from "@/lib/portal/queries";
import { deliveryIdOf, finishedDelivery, newAccount, newEndpoint, setUpHarness } from "../helpers/harness";
import { waitFor } from "../helpers/receiver";
import { columnNames, foreignKeyViolations, rowCounts, searchIndexEntries, tableNames, tableRows } from "../helpers/db";

/** Tables no account's rows live in. */
// Not the account's rows: migrations, workers, and the shared limiters' rows on PostgreSQL
// (keyed by hashes or `api:<id>`, holding only counts and times, gone with their window or
// after a minute idle, lib/store/purge.ts).
const NOT_ACCOUNT_DATA = new Set(["_prisma_migrations", "WorkerHeartbeat", "RateLimitBucket", "ThrottleAttempt"]);

/**
 * The account's rows: starting from the user id, every row with a column holding one of the
 * collected ids, then those rows' own ids, until nothing new turns up. Returns the row count per
 * table (rows keyed by their identity in the engine).
 */
async function rowsOf(userId: string): Promise<Record<string, number>> {
  const ids = new Set([userId]);
  const found = new Map<string, Set<string>>();
  const tables = await tableNames();
  for (let grew = true; grew; ) {
    grew = false;
    for (const table of tables) {
      const cols = await columnNames(table);
      const rows = await tableRows(table);
      const seen = found.get(table) ?? new Set<string>();
      found.set(table, seen);
      for (const row of rows) {
        if (!cols.some((col) => typeof row[col] === "string" && ids.has(row[col] as string))) continue;
        if (!seen.has(row._row)) {
          seen.add(row._row);
          grew = true;
        }
        if (typeof row.id === "string" && !ids.has(row.id)) {
          ids.add(row.id);
          grew = true;
        }
      }
    }
  }
  return Object.fromEntries([...found].map(([table, rows]) => [table, rows.size]));
}

/** An account with at least one row in every table that holds account data. */
async function populatedAccount(label: string) {
  const user = await newAccount(label);
  await createSession(user.id);
  await createApiKey(user.id, `${label} key`);
  const first = await createEndpoint(user.id, { name: "Orders", url: "http://127.0.0.1:9/orders", description: "" });
  // FIFO: its deliveries have FifoQueue rows.
  await createEndpoint(user.id, { name: "Billing", url: "http://127.0.0.1:9/billing", description: "", ordering: "fifo" });
  const schedule = await prisma.schedule.create({
    data: { id: newId("sch"), userId: user.id, name: "Ticker", cron: "*/5 * * * * *", type: "tick", payload: "{}", endpointId: first.id },
  });
  await prisma.scheduleTick.create({ data: { scheduleId: schedule.id, tickAt: new Date(), events: 1 } });
  const catalogued = await createEventType(user.id, { name: "order.created", description: "", schema: { type: "object" }, example: { owner: label }, deprecated: false });
  expect(catalogued).toHaveProperty("name", "order.created");
  const event = await createEvent(user.id, { type: "order.created", payload: `{"owner":"${label}"}` });
  await prisma.event.update({ where: { id: event.id }, data: { scheduleId: schedule.id } });
  const delivery = await prisma.delivery.findFirstOrThrow({ where: { eventId: event.id } });
  await prisma.attempt.create({
    data: { id: newId("att"), deliveryId: delivery.id, number: 1, startedAt: new Date(), durationMs: 3, requestHeaders: "{}", responseStatus: 200 },
  });
  // A consumer with an endpoint of its own and an event for it (SPEC §12).
  const consumer = await createConsumer(user.id, { uid: `${label}-customer`, name: "Customer" });
  expect(consumer).toHaveProperty("uid");
  const consumerId = (await prisma.consumer.findFirstOrThrow({ where: { userId: user.id } })).id;
  await updateEndpoint(user.id, first.id, { consumerId });
  await createEvent(user.id, { type: "order.created", payload: "{}", consumer: { id: consumerId, uid: `${label}-customer` } });
  // Its portal link (the consumer's key) and the account's portal settings.
  expect(await createPortalLink(user.id, `${label}-customer`, 3600, "http://127.0.0.1:9")).toHaveProperty("url");
  await updatePortalSettings(user.id, { brandName: label, accentColor: null, logoUrl: null, allowedOrigins: ["https://app.example.com"] });
  expect(await receiveInboxRequest(await inboxToken(user.id), { method: "POST", headers: {}, body: "{}" })).toBe(true);
  return user;
}

describe("deleting an account", () => {
  let alice: { id: string; email: string };
  let bob: { id: string; email: string };

  beforeAll(async () => {
    alice = await populatedAccount("alice");
    bob = await populatedAccount("bob");
  });

  it("removes the account's rows from every table and leaves the other account's untouched", async () => {
    const tables = await tableNames();
    expect(tables).toContain("Delivery"); // control: the listing sees the schema
    const aliceBefore = await rowsOf(alice.id);
    const bobBefore = await rowsOf(bob.id);
    const totalBefore = await rowCounts();

    // The fixture reaches every table that can hold account data (a new table must be added to it).
    for (const table of tables.filter((name) => !NOT_ACCOUNT_DATA.has(name))) {
      expect(aliceBefore[table], `the fixture puts no row in table ${table}`).toBeGreaterThan(0);
      expect(bobBefore[table], `the fixture puts no row in table ${table}`).toBeGreaterThan(0);
    }

    expect(await deleteAccount(alice.id)).toBe(true);

    const aliceAfter = await rowsOf(alice.id);
    for (const table of tables) expect(aliceAfter[table], `rows of the deleted account left in ${table}`).toBe(0);
    expect(await rowsOf(bob.id)).toEqual(bobBefore);
    const totalAfter = await rowCounts();
    expect(Object.keys(totalAfter)).toEqual(tables);
    for (const table of tables) expect(totalAfter[table], table).toBe(totalBefore[table] - aliceBefore[table]);
    // The search index lost the deleted events' entries too (its triggers follow the cascade).
    const search = searchIndexEntries();
    if (search) expect(search.entries).toBe(search.events);
    expect(await foreignKeyViolations()).toEqual([]);
  });

  it("deleting an unknown account changes nothing", async () => {
    const before = await rowCounts();
    expect(await deleteAccount("usr_unknown")).toBe(false);
    expect(await rowCounts()).toEqual(before);
  });
});

describe("changing the password", () => {
  it("needs the current password, keeps this session and signs out the others", async () => {
    const user = await newAccount("changer");
    const here = await createSession(user.id);
    const elsewhere = await createSession(user.id);
    const other = await newAccount("other");
    const otherSession = await createSession(other.id);

    expect(await changePassword(user.id, "not the password", "a brand new password", here.token)).toEqual({ wrongPassword: true });
    expect(await userForSessionToken(elsewhere.token)).not.toBeNull();

    expect(await changePassword(user.id, "correct horse battery staple", "a brand new password", here.token)).toEqual({ changed: true, signedOut: 1 });
    expect((await userForSessionToken(here.token))?.id).toBe(user.id);
    expect(await userForSessionToken(elsewhere.token)).toBeNull();
    expect((await userForSessionToken(otherSession.token))?.id).toBe(other.id);

    const { passwordHash } = await prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(await verifyPassword(passwordHash, "a brand new password")).toBe(true);
    expect(await verifyPassword(passwordHash, "correct horse battery staple")).toBe(false);
  });
});

describe("deleting an account while the worker is delivering its events", () => {
  const harness = setUpHarness();

  it("the attempt in flight is dropped with its delivery and the worker goes on recording everyone else's", async () => {
    const slow = await harness.startReceiver(["hang"]);
    const healthy = await harness.startReceiver([{ status: 200 }]);
    const leaving = await newAccount("leaving");
    const staying = await newAccount("staying");
    const leavingEndpoint = await newEndpoint(leaving.id, `${slow.url}hooks`);
    const stayingEndpoint = await newEndpoint(staying.id, `${healthy.url}hooks`);
    harness.startWorker({ attemptTimeoutMs: 10_000 });

    const inFlight = await createEvent(leaving.id, { type: "order.created", payload: "{}" });
    await waitFor(() => slow.requests.length === 1, { what: "the leaving account's attempt to start" });
    expect(await deleteAccount(leaving.id)).toBe(true);
    // The receiver answers after the account is gone: the worker must record nothing for it…
    slow.answerHanging({ status: 200 });

    // …and keep recording the other account's attempts.
    const later = await createEvent(staying.id, { type: "order.created", payload: "{}" });
    const delivered = await finishedDelivery(staying.id, await deliveryIdOf(later.id, stayingEndpoint.id));
    expect(delivered.status).toBe("succeeded");
    expect(await prisma.attempt.count({ where: { delivery: { eventId: later.id } } })).toBe(1);
    expect(await prisma.delivery.count({ where: { OR: [{ eventId: inFlight.id }, { endpointId: leavingEndpoint.id }] } })).toBe(0);
    expect(await foreignKeyViolations()).toEqual([]);
  });
});
