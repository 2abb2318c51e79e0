/**
 * Retention: history older than HOOKLINE_RETENTION_DAYS is deleted, a small batch per
 * transaction, so the purge never holds the write lock long enough to delay deliveries.
 * Ids are time-sortable, so "older than" is a primary-key range (no extra index, no scan).
 * Only finished deliveries go (their attempts with them); an event goes once none of its
 * deliveries is left. Pending work is never purged. Sessions past their expiry go too: they no
 * longer authenticate, and without this every sign-in would leave a row behind for good.
 */
import type Database from "better-sqlite3";
import { idAt } from "../ids";

export const PURGE_BATCH = 500;

export interface PurgeCounts {
  deliveries: number;
  events: number;
  sessions: number;
}

/** Deletes one batch of expired history; call again until it returns zeros. */
export function purgeExpiredBatch(db: Database.Database, cutoff: number, batchSize = PURGE_BATCH): Omit<PurgeCounts, "sessions"> {
  const run = db.transaction(() => {
    // Attempts go with their delivery (ON DELETE CASCADE; foreign_keys is on for this connection).
    const deliveries = db
      .prepare(
        `DELETE FROM "Delivery" WHERE id IN (
           SELECT id FROM "Delivery" WHERE id < ? AND status IN ('succeeded', 'failed') LIMIT ?)`,
      )
      .run(idAt("dlv", cutoff), batchSize).changes;
    const events = db
      .prepare(
        `DELETE FROM "Event" WHERE id IN (
           SELECT e.id FROM "Event" e
            WHERE e.id < ? AND NOT EXISTS (SELECT 1 FROM "Delivery" d WHERE d.eventId = e.id)
            LIMIT ?)`,
      )
      .run(idAt("msg", cutoff), batchSize).changes;
    return { deliveries, events };
  });
  return run.immediate();
}

/** Deletes one batch of sessions that expired before `now` (unix ms, as Prisma stores them here). */
export function purgeExpiredSessionsBatch(db: Database.Database, now: number, batchSize = PURGE_BATCH): number {
  return db
    .transaction(() =>
      db.prepare(`DELETE FROM "Session" WHERE id IN (SELECT id FROM "Session" WHERE expiresAt <= ? LIMIT ?)`).run(now, batchSize).changes,
    )
    .immediate();
}

/** Purges everything expired, yielding to the event loop between batches. */
export async function purgeExpiredHistory(db: Database.Database, retentionDays: number, now = Date.now()): Promise<PurgeCounts> {
  const cutoff = now - retentionDays * 86_400_000;
  const total: PurgeCounts = { deliveries: 0, events: 0, sessions: 0 };
  for (;;) {
    const batch = purgeExpiredBatch(db, cutoff);
    const sessions = purgeExpiredSessionsBatch(db, now);
    total.deliveries += batch.deliveries;
    total.events += batch.events;
    total.sessions += sessions;
    if (batch.deliveries === 0 && batch.events === 0 && sessions === 0) return total;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
