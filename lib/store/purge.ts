/**
 * Retention: history older than HOOKLINE_RETENTION_DAYS is deleted, a small batch per
 * transaction, so the purge never holds the write lock (or row locks) long enough to delay
 * deliveries. Ids are time-sortable, so "older than" is a primary-key range (no extra index, no
 * scan). Only finished deliveries go (their attempts with them, ON DELETE CASCADE); an event goes
 * once none of its deliveries is left. Pending work is never purged. Sessions past their expiry
 * go too: they no longer authenticate, and without this every sign-in would leave a row behind.
 * On PostgreSQL the web servers' shared throttle attempts and API rate-limit buckets are purged
 * here too once they can no longer change a decision (lib/store/throttle-attempts.ts,
 * api-rate-limit.ts; on SQLite those live in memory and these delete nothing).
 * Several workers may purge at once: each batch deletes what is there, and the counts add up.
 */
import { env } from "../env";
import { idAt } from "../ids";
import { purgeIdleRateLimitBuckets } from "./api-rate-limit";
import type { Store } from "./connection";
import { sqlStatus } from "./delivery-states";
import { at, query, transaction } from "./postgres";
import { purgeExpiredThrottleAttempts } from "./throttle-attempts";

export const PURGE_BATCH = 500;

export interface PurgeCounts {
  deliveries: number;
  events: number;
  sessions: number;
  /** Throttle attempts and rate-limit buckets past use (PostgreSQL). */
  throttleRows: number;
}

const FINISHED = `(${sqlStatus("succeeded")}, ${sqlStatus("failed")})`;

/** Deletes one batch of expired history; call again until it returns zeros. */
export async function purgeExpiredBatch(store: Store, cutoff: number, batchSize = PURGE_BATCH): Promise<Omit<PurgeCounts, "sessions" | "throttleRows">> {
  const deliveryBound = idAt("dlv", cutoff);
  const eventBound = idAt("msg", cutoff);
  if (store.engine === "sqlite") {
    const db = store.sqlite;
    return db
      .transaction(() => ({
        deliveries: db
          .prepare(`DELETE FROM "Delivery" WHERE id IN (SELECT id FROM "Delivery" WHERE id < ? AND status IN ${FINISHED} LIMIT ?)`)
          .run(deliveryBound, batchSize).changes,
        events: db
          .prepare(
            `DELETE FROM "Event" WHERE id IN (
               SELECT e.id FROM "Event" e WHERE e.id < ? AND NOT EXISTS (SELECT 1 FROM "Delivery" d WHERE d.eventId = e.id) LIMIT ?)`,
          )
          .run(eventBound, batchSize).changes,
      }))
      .immediate();
  }
  return transaction(store, async (client) => ({
    deliveries: (
      await query(
        store,
        client,
        `DELETE FROM "Delivery" WHERE id IN (
           SELECT id FROM "Delivery" WHERE id < $1 AND status IN ${FINISHED} LIMIT $2 FOR UPDATE SKIP LOCKED)`,
        [deliveryBound, batchSize],
      )
    ).rowCount,
    events: (
      await query(
        store,
        client,
        `DELETE FROM "Event" WHERE id IN (
           SELECT e.id FROM "Event" e WHERE e.id < $1 AND NOT EXISTS (SELECT 1 FROM "Delivery" d WHERE d."eventId" = e.id)
            LIMIT $2 FOR UPDATE SKIP LOCKED)`,
        [eventBound, batchSize],
      )
    ).rowCount,
  }));
}

/** Deletes one batch of sessions that expired before `now`. */
export async function purgeExpiredSessionsBatch(store: Store, now: number, batchSize = PURGE_BATCH): Promise<number> {
  if (store.engine === "sqlite") {
    const db = store.sqlite;
    return db
      .transaction(() => db.prepare(`DELETE FROM "Session" WHERE id IN (SELECT id FROM "Session" WHERE expiresAt <= ? LIMIT ?)`).run(now, batchSize).changes)
      .immediate();
  }
  const { rowCount } = await query(
    store,
    store.pool,
    `DELETE FROM "Session" WHERE id IN (SELECT id FROM "Session" WHERE "expiresAt" <= $1::timestamp LIMIT $2 FOR UPDATE SKIP LOCKED)`,
    [at(now), batchSize],
  );
  return rowCount;
}

/**
 * Deletes one batch of throttle attempts older than the longest throttle window (they count
 * nowhere; each take deletes its own keys' older ones exactly) and of API rate-limit buckets idle
 * for a minute. Returns how many rows went.
 */
export async function purgeThrottlesBatch(store: Store, now: number, batchSize = PURGE_BATCH): Promise<number> {
  const longestWindow = Math.max(env.HOOKLINE_SIGN_IN_WINDOW, env.HOOKLINE_SIGN_UP_WINDOW);
  return (await purgeExpiredThrottleAttempts(store, now - longestWindow, batchSize)) + (await purgeIdleRateLimitBuckets(store, batchSize));
}

/** Purges everything expired, yielding to the event loop between batches. */
export async function purgeExpiredHistory(store: Store, retentionDays: number, now = Date.now()): Promise<PurgeCounts> {
  const cutoff = now - retentionDays * 86_400_000;
  const total: PurgeCounts = { deliveries: 0, events: 0, sessions: 0, throttleRows: 0 };
  for (;;) {
    const batch = await purgeExpiredBatch(store, cutoff);
    const sessions = await purgeExpiredSessionsBatch(store, now);
    const throttleRows = await purgeThrottlesBatch(store, now);
    total.deliveries += batch.deliveries;
    total.events += batch.events;
    total.sessions += sessions;
    total.throttleRows += throttleRows;
    if (batch.deliveries === 0 && batch.events === 0 && sessions === 0 && throttleRows === 0) return total;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
