/**
 * lib/store/sqlite-writer.ts (SQLite only): ingest's group commits run on the writer thread once
 * it is ready, each event-loop turn's events sent at once, and the batches queued together
 * committed together, with the same results as in-process (fan-out, duplicate idempotency keys, a
 * failing batch retried event by event); the thread is shared by its users and stops with the
 * last one, after which writes run in-process again.
 */
import { describe, expect, it, vi } from "vitest";
import { prisma } from "@/lib/db";
import { store, type SqliteStore } from "@/lib/store/connection";
import { insertEvent, type InsertedEvent } from "@/lib/store/insert-events";
import { acquireSqliteWriter, runningSqliteWriter, type SqliteWriter, type WriterJob } from "@/lib/store/sqlite-writer";
import { onSqlite } from "../helpers/db";
import { newAccount, newEndpoint } from "../helpers/harness";

const log = (message: string, error?: unknown) => {
  throw new Error(`the writer logged: ${message} ${String(error)}`);
};

/** Runs `check` with this file's writer thread ready, and releases it after. */
async function withWriter(check: (database: SqliteStore, writer: SqliteWriter) => Promise<void>): Promise<void> {
  const database = store() as SqliteStore;
  const writer = acquireSqliteWriter(database, log)!;
  try {
    await writer.ready;
    await check(database, writer);
  } finally {
    await writer.release();
  }
}

describe.skipIf(!onSqlite)("the SQLite writer thread", () => {
  it("takes ingest's group commits once ready, with the results the in-process commit gives", async () => {
    const account = await newAccount();
    const orders = await newEndpoint(account.id, "http://127.0.0.1:9/orders", "orders");
    await prisma.endpoint.update({ where: { id: orders.id }, data: { eventTypes: JSON.stringify(["order.*"]) } });
    await withWriter(async (database, writer) => {
      expect(runningSqliteWriter(database.sqlite.name)).toBe(writer);
      // Nothing may commit on this thread's connection while the writer runs.
      const inProcess = vi.spyOn(database.sqlite, "transaction");
      const now = new Date();
      const insert = (type: string, idempotencyKey?: string) => insertEvent(database, { userId: account.id, type, payload: `{"t":"${type}"}`, idempotencyKey, now });
      // One event-loop turn: one batch.
      const results = await Promise.all([insert("order.created", "k-1"), insert("audit.logged"), insert("order.paid", "k-1"), insert("order.paid")]);
      expect(inProcess).not.toHaveBeenCalled();
      inProcess.mockRestore();

      expect(results[0]).toEqual({ duplicate: false, eventId: expect.stringMatching(/^msg_/), endpointIds: [orders.id] });
      expect(results[1]).toEqual({ duplicate: false, eventId: expect.stringMatching(/^msg_/), endpointIds: [] });
      expect(results[2]).toEqual({ duplicate: true });
      expect(results[3]).toMatchObject({ duplicate: false, endpointIds: [orders.id] });
      const events = await prisma.event.findMany({ where: { userId: account.id }, select: { id: true, type: true }, orderBy: { id: "asc" } });
      expect(events.map((event) => event.type).sort()).toEqual(["audit.logged", "order.created", "order.paid"]);
      const deliveries = await prisma.delivery.findMany({ where: { userId: account.id }, select: { eventId: true, endpointId: true, status: true } });
      expect(deliveries).toHaveLength(2);
      for (const delivery of deliveries) expect(delivery).toMatchObject({ endpointId: orders.id, status: "pending" });
    });
  });

  it("sends each event-loop turn's events as a batch at once, without waiting for the batches before", async () => {
    const account = await newAccount();
    await withWriter(async (database, writer) => {
      const now = new Date();
      const insert = (type: string) => insertEvent(database, { userId: account.id, type, payload: "{}", now });
      // The first batch's write is held until the later events have been requested.
      let releaseFirst = () => {};
      const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
      const batchSizes: number[] = [];
      const run = writer.run.bind(writer) as (job: WriterJob) => Promise<unknown>;
      const spy = vi.spyOn(writer, "run").mockImplementation((async (job: WriterJob) => {
        if ("insertEvents" in job) batchSizes.push(job.insertEvents.length);
        if (batchSizes.length === 1) await firstHeld;
        return run(job);
      }) as typeof writer.run);
      const first = insert("first");
      const later: Array<Promise<unknown>> = [];
      for (let turn = 0; turn < 5; turn++) {
        await new Promise((resolve) => setImmediate(resolve));
        later.push(insert(`later.${turn}`), insert(`later.${turn}.b`));
      }
      await new Promise((resolve) => setImmediate(resolve));
      expect(batchSizes).toEqual([1, 2, 2, 2, 2, 2]);
      releaseFirst();
      const results = await Promise.all([first, ...later]);
      spy.mockRestore();
      expect(results).toHaveLength(11);
      for (const result of results) expect(result).toMatchObject({ duplicate: false });
      expect(await prisma.event.count({ where: { userId: account.id } })).toBe(11);
    });
  });

  it("commits the batches queued behind one another together, each answered with its own results; a failing one fails alone", async () => {
    const account = await newAccount();
    const orders = await newEndpoint(account.id, "http://127.0.0.1:9/orders", "orders");
    await prisma.endpoint.update({ where: { id: orders.id }, data: { eventTypes: JSON.stringify(["order.*"]) } });
    await withWriter(async (_database, writer) => {
      const now = new Date();
      const event = (type: string, idempotencyKey?: string, userId = account.id) => ({ userId, type, payload: `{"t":"${type}"}`, idempotencyKey, now });
      /** Sends these batches while a large one keeps the thread busy, so that they queue up behind it together. */
      const queuedTogether = async (batches: Array<ReturnType<typeof event>[]>) => {
        const busy = writer.run({ insertEvents: Array.from({ length: 1_000 }, (_, index) => event(`audit.${index}`)) });
        const settled = await Promise.allSettled(batches.map((insertEvents) => writer.run({ insertEvents })));
        expect(await busy).toHaveLength(1_000);
        return settled;
      };
      /** The type of the event each result names ("duplicate" for a duplicate), batch by batch. */
      const typesOf = async (settled: Array<PromiseSettledResult<InsertedEvent[]>>) => {
        const rows = await prisma.event.findMany({ where: { userId: account.id }, select: { id: true, type: true } });
        const types = new Map(rows.map((row) => [row.id, row.type]));
        return settled.map((batch) => (batch.status === "fulfilled" ? batch.value.map((result) => (result.duplicate ? "duplicate" : types.get(result.eventId))) : "failed"));
      };

      const together = await queuedTogether([[event("order.created", "k-1"), event("audit.logged")], [event("order.paid", "k-1"), event("order.paid")], [event("audit.closed")]]);
      expect(await typesOf(together)).toEqual([["order.created", "audit.logged"], ["duplicate", "order.paid"], ["audit.closed"]]);
      expect(together.map((batch) => (batch.status === "fulfilled" ? batch.value.map((result) => (result.duplicate ? null : result.endpointIds)) : null))).toEqual([
        [[orders.id], []],
        [null, [orders.id]],
        [[]],
      ]);

      const withFailure = await queuedTogether([
        [event("order.shipped"), event("order.created", "k-1")],
        // No such account: the foreign key refuses the row, and with it the shared transaction.
        [event("order.created", undefined, "usr_none")],
        [event("audit.opened")],
      ]);
      expect(withFailure[1]).toMatchObject({ status: "rejected", reason: { code: "SQLITE_CONSTRAINT_FOREIGNKEY" } });
      expect(await typesOf(withFailure)).toEqual([["order.shipped", "duplicate"], "failed", ["audit.opened"]]);
      expect(await prisma.delivery.count({ where: { userId: account.id } })).toBe(3);
    });
  });

  it("retries a failing batch event by event on the thread, so only the failing event fails", async () => {
    const account = await newAccount();
    await withWriter(async (database) => {
      const now = new Date();
      const [good, orphan] = await Promise.allSettled([
        insertEvent(database, { userId: account.id, type: "order.created", payload: "{}", now }),
        // No such account: the foreign key refuses the row, and with it the first batch.
        insertEvent(database, { userId: "usr_none", type: "order.created", payload: "{}", now }),
      ]);
      expect(good).toMatchObject({ status: "fulfilled", value: { duplicate: false } });
      expect(orphan).toMatchObject({ status: "rejected", reason: { code: "SQLITE_CONSTRAINT_FOREIGNKEY" } });
      expect(await prisma.event.count({ where: { userId: account.id } })).toBe(1);
    });
  });

  it("is shared by its users and stops with the last one; writes then run in-process", async () => {
    const database = store() as SqliteStore;
    const account = await newAccount();
    const first = acquireSqliteWriter(database, log)!;
    const second = acquireSqliteWriter(database, log)!;
    expect(second).toBe(first);
    await first.ready;
    await first.release();
    expect(runningSqliteWriter(database.sqlite.name)).toBe(first);
    await second.release();
    expect(runningSqliteWriter(database.sqlite.name)).toBeNull();

    const inProcess = vi.spyOn(database.sqlite, "transaction");
    const inserted = await insertEvent(database, { userId: account.id, type: "order.created", payload: "{}", now: new Date() });
    expect(inserted).toMatchObject({ duplicate: false });
    expect(inProcess).toHaveBeenCalled();
    inProcess.mockRestore();
  });
});
