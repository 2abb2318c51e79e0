/**
 * Claiming due deliveries. One conditional UPDATE … RETURNING leases a batch: it moves them to
 * `delivering`, bumps `attempts` (so the attempt number is known before sending) and sets the
 * lease (`lockedBy`, `lockedUntil`). Only `pending` rows whose time has come and whose endpoint
 * is enabled are taken, so two workers can never hold the same delivery at once.
 */
import type Database from "better-sqlite3";

export interface ClaimedDelivery {
  id: string;
  userId: string;
  eventId: string;
  endpointId: string;
  /** The number of this attempt (1-based). */
  attempts: number;
  eventType: string;
  /** The event's data as JSON text. */
  payload: string;
  eventCreatedAt: number;
  url: string;
  /** JSON object of custom headers. */
  headers: string;
  secret: string;
  previousSecret: string | null;
  previousSecretUntil: number | null;
}

export interface ClaimOptions {
  workerId: string;
  now: number;
  leaseMs: number;
  limit: number;
}

const statements = new WeakMap<Database.Database, { claim: Database.Statement; details: Database.Statement }>();

function prepare(db: Database.Database) {
  let prepared = statements.get(db);
  if (!prepared) {
    prepared = {
      claim: db.prepare(`
        UPDATE "Delivery"
           SET status = 'delivering', attempts = attempts + 1,
               lockedBy = @workerId, lockedUntil = @leaseUntil, updatedAt = @now
         WHERE id IN (
           SELECT d.id FROM "Delivery" d JOIN "Endpoint" e ON e.id = d.endpointId
            WHERE d.status = 'pending' AND d.nextAttemptAt <= @now
              AND e.enabled = 1 AND e.deletedAt IS NULL
            ORDER BY d.nextAttemptAt
            LIMIT @limit)
        RETURNING id`),
      details: db.prepare(`
        SELECT d.id, d.userId, d.eventId, d.endpointId, d.attempts,
               ev.type AS eventType, ev.payload, ev.createdAt AS eventCreatedAt,
               e.url, e.headers, e.secret, e.previousSecret, e.previousSecretUntil
          FROM "Delivery" d
          JOIN "Event" ev ON ev.id = d.eventId
          JOIN "Endpoint" e ON e.id = d.endpointId
         WHERE d.id = ?`),
    };
    statements.set(db, prepared);
  }
  return prepared;
}

export function claimDueDeliveries(db: Database.Database, options: ClaimOptions): ClaimedDelivery[] {
  const { claim, details } = prepare(db);
  const run = db.transaction(() => {
    const ids = claim.all({
      workerId: options.workerId,
      leaseUntil: options.now + options.leaseMs,
      now: options.now,
      limit: options.limit,
    }) as Array<{ id: string }>;
    return ids.map(({ id }) => details.get(id) as ClaimedDelivery);
  });
  // IMMEDIATE takes the write lock up front, so a concurrent worker waits instead of failing
  // with SQLITE_BUSY_SNAPSHOT halfway through.
  return run.immediate();
}
