/**
 * On SQLite, every statement the worker prepares finds its rows through an index: none scans
 * the Delivery, Attempt or Event table, whose size grows with the log. (The worker's reclaim
 * query once let SQLite scan all of Delivery on every poll.) The statements are the ones a real
 * worker prepares while delivering, retrying and failing; their plans come from SQLite itself.
 */
import { describe, expect, it } from "vitest";
import { createEvent } from "@/lib/events/queries";
import { store } from "@/lib/store/connection";
import { recordAndClaimOnSqlite } from "@/lib/store/worker-cycle";
import { finishedDelivery, deliveryIdOf, newAccount, newEndpoint, setUpHarness } from "../helpers/harness";
import { onSqlite } from "../helpers/db";

const harness = setUpHarness();

/** Tables whose rows grow with the log: a full scan of one costs time proportional to history. */
const GROWING_TABLES = ["Delivery", "Attempt", "Event"];

/** Table names and aliases (`"Delivery" d`) that a plan's "SCAN x" line may name. */
function growingNamesIn(sql: string): Set<string> {
  const names = new Set<string>();
  const table = new RegExp(`"(${GROWING_TABLES.join("|")})"(?:\\s+(?:AS\\s+)?(?!WHERE|SET|ON|JOIN|CROSS|LEFT|INNER|ORDER|LIMIT|GROUP|VALUES|USING)([A-Za-z_]\\w*))?`, "gi");
  for (const match of sql.matchAll(table)) {
    names.add(match[1]);
    if (match[2]) names.add(match[2]);
  }
  return names;
}

/** Planning needs every parameter bound, to anything: `?` positionally, `@name` by name. */
function nullParameters(sql: string): unknown[] {
  const positional = new Array(sql.split("?").length - 1).fill(null);
  const named = Object.fromEntries([...sql.matchAll(/@(\w+)/g)].map((match) => [match[1], null]));
  return Object.keys(named).length ? [...positional, named] : positional;
}

describe.runIf(onSqlite)("the worker's SQLite statements", () => {
  it("search indexes and never scan a table that grows with the log", async () => {
    const db = store();
    if (db.engine !== "sqlite") throw new Error("SQLite only");
    const prepared = new Set<string>();
    const prepare = db.sqlite.prepare.bind(db.sqlite);
    db.sqlite.prepare = ((sql: string) => {
      prepared.add(sql);
      return prepare(sql);
    }) as typeof db.sqlite.prepare;
    try {
      // One success, and one failure that is retried and then fails for good: claims, outcomes
      // of each kind, the endpoint's failure streak, polls, reclaim, heartbeat and schedules.
      const ok = await harness.startReceiver([{ status: 200 }]);
      const failing = await harness.startReceiver(() => ({ status: 500 }));
      const account = await newAccount();
      const good = await newEndpoint(account.id, ok.url, "good");
      const bad = await newEndpoint(account.id, failing.url, "bad");
      harness.startWorker({ schedule: [0, 50], pollIntervalMs: 50 });
      const event = await createEvent(account.id, { type: "order.created", payload: "{}" });
      expect((await finishedDelivery(account.id, await deliveryIdOf(event.id, good.id))).status).toBe("succeeded");
      expect((await finishedDelivery(account.id, await deliveryIdOf(event.id, bad.id))).status).toBe("failed");
      // The worker's turns run on its writer thread's own connection (lib/store/sqlite-writer.ts):
      // one turn here prepares the same statements on this one, with a completion of a delivery
      // that does not exist, so nothing is written.
      const now = Date.now();
      recordAndClaimOnSqlite(
        db,
        [{ delivery: { id: "dlv_none", userId: account.id, endpointId: good.id, attempts: 1, endpointFailing: false }, attempt: { startedAt: now, requestHeaders: {}, result: { durationMs: 1, status: 500 } } }],
        [{ endpointId: good.id, limit: 1 }],
        {
          record: { workerId: "plans", now, schedule: [0], autoDisableAfterMs: 0, autoDisableMinFailures: 1_000, circuitBreaker: { failures: 1_000, minPauseMs: 1, maxPauseMs: 1 } },
          claim: { workerId: "plans", now, leaseMs: 1_000, endpointConcurrency: 1, circuitBreakerFailures: 1_000 },
        },
      );
    } finally {
      db.sqlite.prepare = prepare;
    }

    const scans: string[] = [];
    for (const sql of prepared) {
      if (!/^\s*(SELECT|UPDATE|INSERT|DELETE|WITH)/i.test(sql)) continue;
      const growing = growingNamesIn(sql);
      const plan = db.sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...nullParameters(sql)) as Array<{ detail: string }>;
      for (const { detail } of plan) {
        const scanned = /^SCAN (\S+)/.exec(detail)?.[1];
        if (scanned && growing.has(scanned)) scans.push(`${detail}\n  in: ${sql.replace(/\s+/g, " ").trim()}`);
      }
    }
    expect([...prepared].some((sql) => sql.includes(`INSERT INTO "Attempt"`))).toBe(true);
    expect(scans).toEqual([]);
  });
});
