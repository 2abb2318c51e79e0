/**
 * On SQLite, every statement the worker prepares finds its rows through an index: none scans
 * the Delivery, Attempt or Event table, whose size grows with the log. (The worker's reclaim
 * query once let SQLite scan all of Delivery on every poll.) The statements are the ones a real
 * worker prepares while delivering, retrying and failing; their plans come from SQLite itself.
 *
 * On PostgreSQL, whose planner chooses by the table's statistics, the claim keeps to its indexes
 * with the statistics of a large backlog: a dead endpoint's tens of thousands of pending
 * deliveries beside a healthy one's delivered history. (The claim once switched there to hash
 * joins over the whole of Delivery and Event, 25–70 ms a claim, and a healthy endpoint beside a
 * dead one fell 30 s behind in the benchmark's soak.)
 *
 * Ingest's prepared statements (lib/store/postgres.ts) may run on one generic plan, chosen
 * without their parameters: planned that way against large tables, none scans one whole.
 */
import pg from "pg";
import { describe, expect, it, vi } from "vitest";
import { authenticateApiKey, createApiKey } from "@/lib/auth/api-keys";
import { createEvent } from "@/lib/events/queries";
import { claimOnPostgres } from "@/lib/store/claim-due";
import { recordOnPostgres } from "@/lib/store/record-outcomes";
import { takeApiRateToken } from "@/lib/store/api-rate-limit";
import { store } from "@/lib/store/connection";
import { insertEvent } from "@/lib/store/insert-events";
import { query, type PreparedStatement } from "@/lib/store/postgres";
import { recordAndClaimOnSqlite } from "@/lib/store/worker-cycle";
import { finishedDelivery, deliveryIdOf, newAccount, newEndpoint, setUpHarness } from "../helpers/harness";
import { onPostgres, onSqlite } from "../helpers/db";

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
        [{ delivery: { id: "dlv_none", userId: account.id, endpointId: good.id, attempts: 1, endpointFailing: false, ordered: false }, attempt: { startedAt: now, requestHeaders: {}, result: { durationMs: 1, status: 500 } } }],
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

/** Every node of a PostgreSQL plan (EXPLAIN's JSON format), depth first. */
function planNodes(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(planNodes)];
}

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  Plans?: PlanNode[];
}

describe.runIf(onPostgres)("the worker's claim on PostgreSQL", () => {
  it("claims and records through indexes, not Delivery or Event whole, when the statistics show a large backlog", async () => {
    const db = store();
    if (db.engine !== "postgres") throw new Error("PostgreSQL only");
    const account = await newAccount();
    const healthy = await newEndpoint(account.id, "http://127.0.0.1:9/healthy", "healthy");
    const dead = await newEndpoint(account.id, "http://127.0.0.1:9/dead", "dead");
    // As in the soak after 40 s: 30,000 events, each with a delivery to both endpoints, the
    // healthy endpoint's delivered (but 20 pending), the dead endpoint's all pending; then the
    // statistics autovacuum would gather.
    const run = (sql: string, values: unknown[] = []) => query(db, db.pool, sql, values);
    await run(
      `INSERT INTO "Event" (id, "userId", type, payload, "createdAt")
       SELECT 'msg_plan_' || lpad(n::text, 6, '0'), $1, 'order.created', '{}', now() - interval '1 minute' + n * interval '1 ms'
         FROM generate_series(1, 30000) AS n`,
      [account.id],
    );
    await run(
      `INSERT INTO "Delivery" (id, "userId", "eventId", "endpointId", status, attempts, "nextAttemptAt", "createdAt", "updatedAt")
       SELECT 'dlv_plan_' || e.name || '_' || lpad(n::text, 6, '0'), $1, 'msg_plan_' || lpad(n::text, 6, '0'), e.id,
              CASE WHEN e.name = 'dead' OR n > 29980 THEN 'pending' ELSE 'succeeded' END, 0,
              now() - interval '1 minute' + n * interval '1 ms', now(), now()
         FROM generate_series(1, 30000) AS n CROSS JOIN (VALUES ($2, 'healthy'), ($3, 'dead')) AS e(id, name)`,
      [account.id, healthy.id, dead.id],
    );
    await run(`ANALYZE "Delivery"`);
    await run(`ANALYZE "Event"`);

    // The statements of one turn for the healthy endpoint, as the worker makes it: a claim, and
    // the outcomes of what it claimed (successes and failures).
    const statements: Array<{ text: string; values: unknown[] }> = [];
    const client = await db.pool.connect();
    try {
      const recording = {
        query: (config: { text: string; values: unknown[] }) => {
          statements.push(config);
          return client.query(config);
        },
      } as unknown as pg.PoolClient;
      await client.query("BEGIN");
      const now = Date.now();
      const result = await claimOnPostgres(db, recording, [{ endpointId: healthy.id, limit: 16 }], {
        workerId: "plans",
        now,
        leaseMs: 60_000,
        endpointConcurrency: 16,
        circuitBreakerFailures: 1_000,
      });
      expect(result.claimed).toHaveLength(16);
      const outcomes = await recordOnPostgres(
        db,
        recording,
        result.claimed.map((delivery, index) => ({
          delivery: { id: delivery.id, userId: delivery.userId, endpointId: delivery.endpointId, attempts: delivery.attempts, endpointFailing: false, ordered: false },
          attempt: { startedAt: now, requestHeaders: {}, result: { durationMs: 1, status: index % 2 ? 500 : 200 } },
        })),
        { workerId: "plans", now, schedule: [0, 1_000], autoDisableAfterMs: 0, autoDisableMinFailures: 1_000, circuitBreaker: { failures: 1_000, minPauseMs: 1, maxPauseMs: 1 } },
      );
      expect(outcomes).toHaveLength(16);

      const scans: string[] = [];
      for (const { text, values } of statements.filter((statement) => /"(Delivery|Event)"/.test(statement.text))) {
        const { rows } = await client.query<{ "QUERY PLAN": Array<{ Plan: PlanNode }> }>({ text: `EXPLAIN (FORMAT JSON) ${text}`, values });
        for (const node of planNodes(rows[0]["QUERY PLAN"][0].Plan)) {
          if (node["Node Type"] === "Seq Scan" && GROWING_TABLES.includes(node["Relation Name"] ?? "")) {
            scans.push(`Seq Scan on ${node["Relation Name"]} in: ${text.replace(/\s+/g, " ").trim()}`);
          }
        }
      }
      expect(statements.some((statement) => statement.text.includes("FOR UPDATE SKIP LOCKED"))).toBe(true);
      expect(scans).toEqual([]);
    } finally {
      await client.query("ROLLBACK");
      client.release();
    }
  }, 60_000);
});

describe.runIf(onPostgres)("ingest's prepared statements on PostgreSQL", () => {
  it("search indexes even on the generic plan PostgreSQL may keep for them, against large tables", async () => {
    const db = store();
    if (db.engine !== "postgres") throw new Error("PostgreSQL only");
    const run = (sql: string) => query(db, db.pool, sql);
    // Many accounts, each with keys, endpoints and a rate-limit bucket, and their statistics.
    await run(`INSERT INTO "User" (id, email, "passwordHash", "createdAt") SELECT 'usr_plan_' || n, 'plan' || n || '@example.test', 'x', now() FROM generate_series(1, 10000) AS n`);
    await run(
      `INSERT INTO "ApiKey" (id, "userId", name, "keyHash", prefix, "createdAt")
       SELECT 'key_plan_' || n, 'usr_plan_' || n, 'k', md5(n::text) || md5(n::text), 'hl_', now() FROM generate_series(1, 10000) AS n`,
    );
    await run(
      `INSERT INTO "Endpoint" (id, "userId", name, url, secret, "eventTypes", enabled, "createdAt", "updatedAt")
       SELECT 'ep_plan_' || n, 'usr_plan_' || (n % 10000 + 1), 'e', 'http://127.0.0.1:9/', 's', '[]', true, now(), now() FROM generate_series(1, 50000) AS n`,
    );
    await run(`INSERT INTO "RateLimitBucket" (key, tokens, "updatedAt") SELECT 'api:usr_plan_' || n, 1, LOCALTIMESTAMP(3) FROM generate_series(1, 10000) AS n`);
    for (const table of ["User", "ApiKey", "Endpoint", "RateLimitBucket"]) await run(`ANALYZE "${table}"`);

    // One accepted event, as the server takes it: key, rate limit, event with a delivery.
    const account = await newAccount();
    await newEndpoint(account.id, "http://127.0.0.1:9/orders", "orders");
    const { key } = await createApiKey(account.id, "plans");
    const prepared = new Map<string, string>();
    // Every statement sent, seen on its way to the driver (the spy calls through).
    const recording = vi.spyOn(pg.Client.prototype, "query");
    try {
      expect(await authenticateApiKey(key)).toMatchObject({ userId: account.id });
      expect(await takeApiRateToken(db, account.id, 100)).toEqual({ allowed: true });
      expect(await insertEvent(db, { userId: account.id, type: "order.created", payload: "{}", now: new Date() })).toMatchObject({ duplicate: false });
    } finally {
      for (const [config] of recording.mock.calls as unknown as Array<[Partial<PreparedStatement> | string]>) {
        if (typeof config === "object" && config.name && config.text) prepared.set(config.name, config.text);
      }
      recording.mockRestore();
    }
    expect([...prepared.keys()].sort()).toEqual(["hookline_api_key_by_hash", "hookline_api_rate_take", "hookline_insert_deliveries", "hookline_insert_events", "hookline_live_endpoints"]);

    const scans: string[] = [];
    const client = await db.pool.connect();
    try {
      await client.query("BEGIN");
      await client.query("SET LOCAL plan_cache_mode = force_generic_plan");
      for (const [name, text] of prepared) {
        const parameters = Math.max(...[...text.matchAll(/\$(\d+)/g)].map((match) => Number(match[1])));
        await client.query(`PREPARE plan_check_${name} AS ${text}`);
        const { rows } = await client.query<{ "QUERY PLAN": Array<{ Plan: PlanNode }> }>(
          `EXPLAIN (FORMAT JSON) EXECUTE plan_check_${name}(${Array(parameters).fill("NULL").join(", ")})`,
        );
        for (const node of planNodes(rows[0]["QUERY PLAN"][0].Plan)) {
          if (node["Node Type"] === "Seq Scan") scans.push(`Seq Scan on ${node["Relation Name"]} in ${name}`);
        }
      }
    } finally {
      await client.query("ROLLBACK");
      // Prepared statements outlive the transaction; the connection's own (hookline_…) stay.
      for (const name of prepared.keys()) await client.query(`DEALLOCATE plan_check_${name}`).catch(() => {});
      client.release();
    }
    expect(scans).toEqual([]);
  }, 60_000);
});
