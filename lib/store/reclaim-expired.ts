/**
 * Reclaim expired leases: recovering work from a worker that died.
 *
 * Contract: every `delivering` row whose lease (`lockedUntil`) has passed is released, at most
 * once whatever number of workers run this at the same time: towards a live endpoint it goes
 * back to `pending`, due now (transition `leaseExpired`); towards an endpoint deleted meanwhile it
 * ends as `failed` (transition `fail`: nothing would ever claim it again). Either way the lost
 * attempt is recorded, so the log shows what happened. Receivers may see that event again
 * (at-least-once); they dedupe on `webhook-id`. Returns how many leases were released.
 */
import { newId } from "../ids";
import type { PostgresStore, SqliteStore, Store } from "./connection";
import { sqlStatus, sqlTransition } from "./delivery-states";
import { at, query, transaction } from "./postgres";
import { preparedStatements } from "./sqlite";

export const LEASE_EXPIRED_ERROR = "The worker stopped during this attempt (lease expired); the delivery was re-queued";

export async function reclaimExpiredLeases(store: Store, now: number): Promise<number> {
  return store.engine === "sqlite" ? reclaimOnSqlite(store, now) : reclaimOnPostgres(store, now);
}

const requeue = sqlTransition("leaseExpired");
const fail = sqlTransition("fail");

const statementsFor = preparedStatements((db) => ({
  // Through the endpoints, so the (endpointId, status, …) index finds the few in-flight rows.
  // CROSS JOIN fixes that order: with a plain JOIN SQLite chose to scan the whole Delivery
  // table, on every poll of every worker.
  expired: db.prepare(`
    SELECT d.id, d.attempts, d.updatedAt FROM "Endpoint" e
      CROSS JOIN "Delivery" d ON d.endpointId = e.id AND d.status = ${sqlStatus("delivering")}
     WHERE d.lockedUntil <= ?`),
  release: db.prepare(`
    UPDATE "Delivery" SET lockedBy = NULL, lockedUntil = NULL, lastError = @error, updatedAt = @now,
           status = CASE WHEN e.deletedAt IS NULL THEN ${requeue.to} ELSE ${fail.to} END,
           nextAttemptAt = CASE WHEN e.deletedAt IS NULL THEN @now END,
           completedAt = CASE WHEN e.deletedAt IS NULL THEN NULL ELSE @now END
      FROM "Endpoint" e
     WHERE e.id = "Delivery".endpointId AND "Delivery".id = @id AND status IN ${requeue.from} AND lockedUntil <= @now`),
  insertAttempt: db.prepare(`
    INSERT INTO "Attempt" (id, deliveryId, number, startedAt, durationMs, requestHeaders, error)
    VALUES (?, ?, ?, ?, ?, '{}', ?)`),
}));

function reclaimOnSqlite(store: SqliteStore, now: number): number {
  const sql = statementsFor(store.sqlite);
  const expired = sql.expired.all(now) as Array<{ id: string; attempts: number; updatedAt: number }>;
  if (expired.length === 0) return 0;
  const run = store.sqlite.transaction(() => {
    let released = 0;
    for (const row of expired) {
      // Only if the row is still expired inside the write lock (another worker may have won).
      if (sql.release.run({ now, error: LEASE_EXPIRED_ERROR, id: row.id }).changes === 1) {
        sql.insertAttempt.run(newId("att", now), row.id, row.attempts, row.updatedAt, now - row.updatedAt, LEASE_EXPIRED_ERROR);
        released++;
      }
    }
    return released;
  });
  return run.immediate();
}

async function reclaimOnPostgres(store: PostgresStore, now: number): Promise<number> {
  return transaction(store, async (client) => {
    // SKIP LOCKED: a row another worker is releasing or recording right now is left to it.
    const { rows } = await query<{ id: string; attempts: number; claimedAt: number }>(
      store,
      client,
      // The endpoint is read under FOR SHARE: a concurrent delete either commits first (and this
      // sees it) or waits for this commit (and then fails the re-queued row itself).
      // Through the endpoints, as on SQLite: per endpoint the (endpointId, status, …) index finds
      // its few in-flight rows. Joined the other way round, PostgreSQL scans the whole Delivery
      // table (status is not a leading index column), on every worker's every poll.
      `WITH expired AS (
         SELECT d.id, d."claimedAt", e."deletedAt" IS NOT NULL AS gone
           FROM "Endpoint" e CROSS JOIN LATERAL (
                  SELECT id, "updatedAt" AS "claimedAt" FROM "Delivery"
                   WHERE "endpointId" = e.id AND status IN ${requeue.from} AND "lockedUntil" <= $1::timestamp
                   FOR UPDATE SKIP LOCKED) d
          FOR SHARE OF e)
       UPDATE "Delivery" d
          SET "lockedBy" = NULL, "lockedUntil" = NULL, "lastError" = $2, "updatedAt" = $1::timestamp,
              status = CASE WHEN expired.gone THEN ${fail.to} ELSE ${requeue.to} END,
              "nextAttemptAt" = CASE WHEN expired.gone THEN NULL ELSE $1::timestamp END,
              "completedAt" = CASE WHEN expired.gone THEN $1::timestamp END
         FROM expired
        WHERE d.id = expired.id
       RETURNING d.id, d.attempts, expired."claimedAt"`,
      [at(now), LEASE_EXPIRED_ERROR],
    );
    if (rows.length === 0) return 0;
    await query(
      store,
      client,
      `INSERT INTO "Attempt" (id, "deliveryId", number, "startedAt", "durationMs", "requestHeaders", error)
       SELECT id, "deliveryId", number, "startedAt", "durationMs", '{}', $6
         FROM unnest($1::text[], $2::text[], $3::int[], $4::timestamp[], $5::int[]) AS a(id, "deliveryId", number, "startedAt", "durationMs")`,
      [
        rows.map(() => newId("att", now)),
        rows.map((row) => row.id),
        rows.map((row) => row.attempts),
        rows.map((row) => at(row.claimedAt)),
        rows.map((row) => now - row.claimedAt),
        LEASE_EXPIRED_ERROR,
      ],
    );
    return rows.length;
  });
}
