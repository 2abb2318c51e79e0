/**
 * Recording attempts and moving their deliveries on, many at a time in one transaction
 * (batching is what makes durable delivery fast).
 *
 * Contract, for each finished attempt, on both engines:
 * - The attempt row is always written, unless its delivery no longer exists (its account was
 *   deleted while the attempt was in flight: there is nothing left to record it against, and a
 *   foreign-key failure would roll back, and forever retry, the whole batch).
 * - The delivery moves on per lib/webhooks/outcome.ts (transition `succeed`, `retryLater` or
 *   `fail`), but only while this worker still holds its lease: same `lockedBy`, same attempt
 *   number, still `delivering` (a worker whose lease expired and was reclaimed must not
 *   overwrite the newer state).
 * - For attempts whose delivery moved: the endpoint's failure streak grows or resets, its
 *   circuit opens or closes (circuit-breaker.ts), and it is disabled when outcome.ts says so.
 *   Several attempts towards one endpoint in one batch count in order, each seeing the streak
 *   the previous one left, and concurrent workers never lose each other's counts (SQLite:
 *   one IMMEDIATE transaction; PostgreSQL: the account's advisory lock, taken in a fixed order).
 * - An attempt towards an endpoint deleted while it was in flight ends its delivery (succeeded
 *   or failed), never back to pending.
 * - A delivery towards a FIFO endpoint that ends (succeeded or failed for good) makes the next
 *   one of its ordering key due, in the same transaction (fifo.ts).
 */
import type Database from "better-sqlite3";
import { newId } from "../ids";
import type { SendResult } from "../webhooks/send";
import { decideAttempt, type DecisionOptions, type DeliveryOutcome, type EndpointHealth } from "../webhooks/outcome";
import type { ClaimedDelivery } from "./claim-due";
import type { PostgresStore, SqliteStore } from "./connection";
import { sqlTransition } from "./delivery-states";
import { releaseOnPostgres, releaseOnSqlite } from "./fifo";
import { at, query, type Queryable } from "./postgres";
import { preparedStatements } from "./sqlite";

/**
 * A response body as stored: whatever the receiver sent, decoded as UTF-8, except U+0000, which
 * becomes U+FFFD. PostgreSQL's text cannot hold U+0000: the Attempt insert fails (22021, "invalid
 * byte sequence for encoding UTF8: 0x00"), and since a failed batch is retried whole, one receiver
 * answering with a NUL byte stalled its worker's every later cycle (nothing recorded or claimed
 * again). Replaced on both engines, so they store the same text and a SQLite database stays
 * copyable to PostgreSQL (npm run db:copy).
 */
export function storableBody(body: string | undefined): string | null {
  return body === undefined ? null : body.replace(/\u0000/g, "\uFFFD");
}

export interface AttemptRecord {
  startedAt: number;
  requestHeaders: Record<string, string>;
  result: SendResult;
}

/** What recording needs of a claimed delivery (the rest stays with the worker). */
export type RecordedDelivery = Pick<ClaimedDelivery, "id" | "userId" | "endpointId" | "attempts" | "endpointFailing" | "ordered">;

export interface Completion {
  delivery: RecordedDelivery;
  attempt: AttemptRecord;
}

/** What became of an attempt's delivery; `nextAttemptAt` when it will be tried again. */
export interface RecordedOutcome {
  outcome: DeliveryOutcome;
  nextAttemptAt: number | null;
}

export interface RecordOptions extends Omit<DecisionOptions, "now"> {
  workerId: string;
  now: number;
}

// The three moves out of an attempt; all three leave `delivering`.
const succeed = sqlTransition("succeed");
const retryLater = sqlTransition("retryLater");
const fail = sqlTransition("fail");

const sqliteStatements = preparedStatements((db) => ({
  insertAttempt: db.prepare(`
    INSERT INTO "Attempt" (id, deliveryId, number, startedAt, durationMs, requestHeaders,
                           responseStatus, responseHeaders, responseBody, error)
    SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM "Delivery" WHERE id = ?)`),
  updateDelivery: {
    succeeded: db.prepare(`
      UPDATE "Delivery" SET status = ${succeed.to}, nextAttemptAt = ?, completedAt = ?, lastStatusCode = ?, lastError = ?,
             lockedBy = NULL, lockedUntil = NULL, updatedAt = ?
       WHERE id = ? AND status IN ${succeed.from} AND lockedBy = ? AND attempts = ?`),
    retrying: db.prepare(`
      UPDATE "Delivery" SET status = ${retryLater.to}, nextAttemptAt = ?, completedAt = ?, lastStatusCode = ?, lastError = ?,
             lockedBy = NULL, lockedUntil = NULL, updatedAt = ?
       WHERE id = ? AND status IN ${retryLater.from} AND lockedBy = ? AND attempts = ?`),
    failed: db.prepare(`
      UPDATE "Delivery" SET status = ${fail.to}, nextAttemptAt = ?, completedAt = ?, lastStatusCode = ?, lastError = ?,
             lockedBy = NULL, lockedUntil = NULL, updatedAt = ?
       WHERE id = ? AND status IN ${fail.from} AND lockedBy = ? AND attempts = ?`),
  } as Record<DeliveryOutcome, Database.Statement<unknown[]>>,
  endpointHealth: db.prepare(`SELECT consecutiveFailures, failingSince, deletedAt IS NOT NULL AS deleted FROM "Endpoint" WHERE id = ?`),
  endpointSucceeded: db.prepare(`
    UPDATE "Endpoint" SET consecutiveFailures = 0, failingSince = NULL, circuitOpenUntil = NULL
     WHERE id = ? AND (consecutiveFailures <> 0 OR failingSince IS NOT NULL OR circuitOpenUntil IS NOT NULL)`),
  endpointFailed: db.prepare(`
    UPDATE "Endpoint" SET consecutiveFailures = consecutiveFailures + 1, failingSince = coalesce(failingSince, ?),
                          circuitOpenUntil = coalesce(?, circuitOpenUntil)
     WHERE id = ?`),
  disableEndpoint: db.prepare(`
    UPDATE "Endpoint" SET enabled = 0, disabledReason = ?, updatedAt = ? WHERE id = ? AND enabled = 1`),
}));

function isSuccess(result: SendResult): boolean {
  return result.status !== undefined && result.status >= 200 && result.status < 300;
}

/** On SQLite, inside the caller's IMMEDIATE transaction (worker-cycle.ts). */
export function recordOnSqlite(store: Pick<SqliteStore, "sqlite">, completions: Completion[], options: RecordOptions): RecordedOutcome[] {
  const sql = sqliteStatements(store.sqlite);
  const { now } = options;
  return completions.map(({ delivery, attempt }) => {
    const { result } = attempt;
    const row = isSuccess(result)
      ? undefined
      : (sql.endpointHealth.get(delivery.endpointId) as { consecutiveFailures: number; failingSince: number | null; deleted: number } | undefined);
    const health: EndpointHealth = row
      ? { consecutiveFailures: row.consecutiveFailures, failingSince: row.failingSince, deleted: row.deleted === 1 }
      : { consecutiveFailures: 0, failingSince: null };
    const decision = decideAttempt(delivery.attempts, result, health, { ...options, now });

    sql.insertAttempt.run(
      newId("att", now),
      delivery.id,
      delivery.attempts,
      attempt.startedAt,
      result.durationMs,
      JSON.stringify(attempt.requestHeaders),
      decision.status,
      result.responseHeaders ? JSON.stringify(result.responseHeaders) : null,
      storableBody(result.responseBody),
      decision.error,
      delivery.id,
    );
    const updated = sql.updateDelivery[decision.outcome].run(
      decision.nextAttemptAt,
      decision.outcome === "retrying" ? null : now,
      decision.status,
      decision.error,
      now,
      delivery.id,
      options.workerId,
      delivery.attempts,
    );
    if (updated.changes === 1) {
      if (decision.endpointHealth === "success" && delivery.endpointFailing) sql.endpointSucceeded.run(delivery.endpointId);
      if (decision.endpointHealth === "failure") sql.endpointFailed.run(now, decision.pauseEndpointUntil, delivery.endpointId);
      if (decision.disableEndpoint) sql.disableEndpoint.run(decision.disableEndpoint, now, delivery.endpointId);
      if (delivery.ordered && decision.outcome !== "retrying") releaseOnSqlite(store.sqlite, [delivery.id], now);
    }
    return { outcome: decision.outcome, nextAttemptAt: decision.nextAttemptAt };
  });
}

interface EndpointState {
  consecutiveFailures: number;
  failingSince: number | null;
  circuitOpenUntil: number | null;
  deleted: boolean;
  disable: string | null;
  changed: boolean;
}

/**
 * Takes the advisory locks of these accounts (the ones claims use), in one fixed order so two
 * workers recording for the same accounts cannot deadlock; held until the transaction ends.
 */
async function lockAccounts(store: PostgresStore, client: Queryable, accountIds: string[]): Promise<void> {
  if (accountIds.length === 0) return;
  await query(
    store,
    client,
    `SELECT pg_advisory_xact_lock(k) FROM (
       SELECT DISTINCT hashtextextended('hookline:claim:' || a, 0) AS k FROM unnest($1::text[]) a ORDER BY k) keys`,
    [accountIds],
  );
}

/** On PostgreSQL, inside the caller's transaction on `client`: five statements for any batch size. */
export async function recordOnPostgres(store: PostgresStore, client: Queryable, completions: Completion[], options: RecordOptions): Promise<RecordedOutcome[]> {
  if (completions.length === 0) return [];
  const { now } = options;
  await lockAccounts(store, client, completions.map(({ delivery }) => delivery.userId));
  const endpointIds = [...new Set(completions.map(({ delivery }) => delivery.endpointId))];
  const { rows: healthRows } = await query<{ id: string; consecutiveFailures: number; failingSince: number | null; circuitOpenUntil: number | null; deleted: boolean }>(
    store,
    client,
    // FOR SHARE: an endpoint deleted concurrently is either seen deleted here (the delivery
    // fails) or deleted after this commits (and the delete fails the re-queued delivery).
    `SELECT id, "consecutiveFailures", "failingSince", "circuitOpenUntil", "deletedAt" IS NOT NULL AS deleted
       FROM "Endpoint" WHERE id = ANY($1::text[]) ORDER BY id FOR SHARE`,
    [endpointIds],
  );
  const endpoints = new Map<string, EndpointState>(healthRows.map((row) => [row.id, { ...row, disable: null, changed: false }]));
  // Decided in batch order, each seeing the streak the previous attempts leave (as on SQLite).
  const streaks = new Map(healthRows.map((row) => [row.id, { consecutiveFailures: row.consecutiveFailures, failingSince: row.failingSince, deleted: row.deleted }]));
  const decisions = completions.map(({ delivery, attempt }) => {
    const streak = streaks.get(delivery.endpointId);
    const health: EndpointHealth = streak && !isSuccess(attempt.result) ? { ...streak } : { consecutiveFailures: 0, failingSince: null };
    const decision = decideAttempt(delivery.attempts, attempt.result, health, { ...options, now });
    if (streak && decision.endpointHealth === "success") Object.assign(streak, { consecutiveFailures: 0, failingSince: null });
    if (streak && decision.endpointHealth === "failure") Object.assign(streak, { consecutiveFailures: streak.consecutiveFailures + 1, failingSince: streak.failingSince ?? now });
    return decision;
  });

  await query(
    store,
    client,
    `INSERT INTO "Attempt" (id, "deliveryId", number, "startedAt", "durationMs", "requestHeaders", "responseStatus", "responseHeaders", "responseBody", error)
     SELECT a.* FROM unnest($1::text[], $2::text[], $3::int[], $4::timestamp[], $5::int[], $6::text[], $7::int[], $8::text[], $9::text[], $10::text[])
              AS a(id, "deliveryId", number, "startedAt", "durationMs", "requestHeaders", "responseStatus", "responseHeaders", "responseBody", error)
      WHERE EXISTS (SELECT 1 FROM "Delivery" d WHERE d.id = a."deliveryId")`,
    [
      completions.map(() => newId("att", now)),
      completions.map(({ delivery }) => delivery.id),
      completions.map(({ delivery }) => delivery.attempts),
      completions.map(({ attempt }) => at(attempt.startedAt)),
      completions.map(({ attempt }) => Math.round(attempt.result.durationMs)),
      completions.map(({ attempt }) => JSON.stringify(attempt.requestHeaders)),
      decisions.map((decision) => decision.status),
      completions.map(({ attempt }) => (attempt.result.responseHeaders ? JSON.stringify(attempt.result.responseHeaders) : null)),
      completions.map(({ attempt }) => storableBody(attempt.result.responseBody)),
      decisions.map((decision) => decision.error),
    ],
  );

  const { rows: moved } = await query<{ id: string }>(
    store,
    client,
    `UPDATE "Delivery" d
        SET status = CASE u.outcome WHEN 'succeeded' THEN ${succeed.to} WHEN 'retrying' THEN ${retryLater.to} ELSE ${fail.to} END,
            "nextAttemptAt" = u.next, "completedAt" = u.completed, "lastStatusCode" = u.code, "lastError" = u.error,
            "lockedBy" = NULL, "lockedUntil" = NULL, "updatedAt" = $8::timestamp
       FROM unnest($1::text[], $2::int[], $3::text[], $4::timestamp[], $5::timestamp[], $6::int[], $7::text[])
            AS u(id, attempts, outcome, next, completed, code, error)
      WHERE d.id = u.id AND d.status IN ${succeed.from} AND d."lockedBy" = $9 AND d.attempts = u.attempts
     RETURNING d.id`,
    [
      completions.map(({ delivery }) => delivery.id),
      completions.map(({ delivery }) => delivery.attempts),
      decisions.map((decision) => decision.outcome),
      decisions.map((decision) => at(decision.nextAttemptAt)),
      decisions.map((decision) => (decision.outcome === "retrying" ? null : at(now))),
      decisions.map((decision) => decision.status),
      decisions.map((decision) => decision.error),
      at(now),
      options.workerId,
    ],
  );

  const movedIds = new Set(moved.map((row) => row.id));
  // FIFO deliveries that ended: the next of each key is due (fifo.ts).
  await releaseOnPostgres(
    store,
    client,
    completions.filter(({ delivery }, index) => delivery.ordered && decisions[index].outcome !== "retrying" && movedIds.has(delivery.id)).map(({ delivery }) => delivery.id),
    now,
  );

  // The endpoints' streaks, applied in batch order for the attempts whose delivery moved.
  completions.forEach(({ delivery }, index) => {
    const state = endpoints.get(delivery.endpointId);
    const decision = decisions[index];
    if (!state || !movedIds.has(delivery.id)) return;
    if (decision.endpointHealth === "success" && (state.consecutiveFailures !== 0 || state.failingSince !== null || state.circuitOpenUntil !== null)) {
      Object.assign(state, { consecutiveFailures: 0, failingSince: null, circuitOpenUntil: null, changed: true });
    }
    if (decision.endpointHealth === "failure") {
      state.consecutiveFailures++;
      state.failingSince ??= now;
      state.circuitOpenUntil = decision.pauseEndpointUntil ?? state.circuitOpenUntil;
      state.changed = true;
    }
    if (decision.disableEndpoint) state.disable ??= decision.disableEndpoint;
  });
  const changed = [...endpoints.entries()].filter(([, state]) => state.changed || state.disable);
  if (changed.length) {
    await query(
      store,
      client,
      `UPDATE "Endpoint" e
          SET "consecutiveFailures" = u.failures, "failingSince" = u.since, "circuitOpenUntil" = u.circuit,
              "disabledReason" = CASE WHEN u.disable IS NOT NULL AND e.enabled THEN u.disable ELSE e."disabledReason" END,
              "updatedAt" = CASE WHEN u.disable IS NOT NULL AND e.enabled THEN $6::timestamp ELSE e."updatedAt" END,
              enabled = e.enabled AND u.disable IS NULL
         FROM unnest($1::text[], $2::int[], $3::timestamp[], $4::timestamp[], $5::text[]) AS u(id, failures, since, circuit, disable)
        WHERE e.id = u.id`,
      [
        changed.map(([id]) => id),
        changed.map(([, state]) => state.consecutiveFailures),
        changed.map(([, state]) => at(state.failingSince)),
        changed.map(([, state]) => at(state.circuitOpenUntil)),
        changed.map(([, state]) => state.disable),
        at(now),
      ],
    );
  }
  return decisions.map((decision) => ({ outcome: decision.outcome, nextAttemptAt: decision.nextAttemptAt }));
}
