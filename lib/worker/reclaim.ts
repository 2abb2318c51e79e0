/**
 * Recovering work from a worker that died: a `delivering` row whose lease has expired is put
 * back to `pending`, due now, and the lost attempt is recorded so the log shows what happened.
 * Receivers may see that event again (at-least-once); they dedupe on `webhook-id`. A lease
 * towards an endpoint deleted meanwhile ends the delivery as failed instead: nothing would ever
 * claim it again.
 */
import type Database from "better-sqlite3";
import { newId } from "../ids";

export const LEASE_EXPIRED_ERROR = "The worker stopped during this attempt (lease expired); the delivery was re-queued";

export function reclaimExpiredLeases(db: Database.Database, now: number): number {
  const expired = db
    // Through the endpoints, so the (endpointId, status, …) index finds the few in-flight rows.
    .prepare(
      `SELECT d.id, d.attempts, d.updatedAt FROM "Endpoint" e
         JOIN "Delivery" d ON d.endpointId = e.id AND d.status = 'delivering'
        WHERE d.lockedUntil <= ?`,
    )
    .all(now) as Array<{ id: string; attempts: number; updatedAt: number }>;
  if (expired.length === 0) return 0;
  const insertAttempt = db.prepare(`
    INSERT INTO "Attempt" (id, deliveryId, number, startedAt, durationMs, requestHeaders, error)
    VALUES (?, ?, ?, ?, ?, '{}', ?)`);
  const release = db.prepare(`
    UPDATE "Delivery" SET lockedBy = NULL, lockedUntil = NULL, lastError = @error, updatedAt = @now,
           status = CASE WHEN e.deletedAt IS NULL THEN 'pending' ELSE 'failed' END,
           nextAttemptAt = CASE WHEN e.deletedAt IS NULL THEN @now END,
           completedAt = CASE WHEN e.deletedAt IS NULL THEN NULL ELSE @now END
      FROM "Endpoint" e
     WHERE e.id = "Delivery".endpointId AND "Delivery".id = @id AND status = 'delivering' AND lockedUntil <= @now`);
  const run = db.transaction(() => {
    let released = 0;
    for (const row of expired) {
      // Only if the row is still expired inside the write lock (another worker may have won).
      if (release.run({ now, error: LEASE_EXPIRED_ERROR, id: row.id }).changes === 1) {
        insertAttempt.run(newId("att", now), row.id, row.attempts, row.updatedAt, now - row.updatedAt, LEASE_EXPIRED_ERROR);
        released++;
      }
    }
    return released;
  });
  return run.immediate();
}
