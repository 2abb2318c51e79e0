/**
 * Claiming due deliveries, endpoint by endpoint.
 *
 * Contract: one IMMEDIATE transaction leases a batch. For each requested endpoint, a
 * conditional UPDATE … RETURNING takes its oldest due `pending` rows (index
 * endpointId+status+nextAttemptAt, so the cost is the rows taken, however large another
 * endpoint's backlog is), moves them to `delivering`, bumps `attempts` (the attempt's number is
 * known before sending) and sets the lease (`lockedBy`, `lockedUntil`). Only this statement
 * moves a row out of `pending`, so two workers never hold the same delivery at once.
 * Disabled and deleted endpoints are skipped: their deliveries wait. So are endpoints whose
 * circuit is open (circuit-breaker.ts); one whose pause is over gets exactly one delivery, the
 * probe, and its circuit is held shut for that attempt's lease so no other worker probes too.
 */
import type Database from "better-sqlite3";
import { preparedStatements } from "../store/sqlite";
import { circuitState } from "../webhooks/circuit-breaker";

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
  /** The endpoint's failure streak when claimed: a success only has to reset a non-empty one. */
  endpointFailing: boolean;
}

export interface ClaimRequest {
  endpointId: string;
  limit: number;
}

export interface ClaimOptions {
  workerId: string;
  now: number;
  leaseMs: number;
  /** Caps a request for an endpoint with a rate limit: how many may start now (rate-limit.ts). */
  rateLimit?: (endpointId: string, perSecond: number, wanted: number) => number;
  /** Failures in a row that open an endpoint's circuit (HOOKLINE_CIRCUIT_BREAKER_FAILURES). */
  circuitBreakerFailures: number;
}

interface EndpointRow {
  url: string;
  headers: string;
  secret: string;
  previousSecret: string | null;
  previousSecretUntil: number | null;
  enabled: number;
  deletedAt: number | null;
  rateLimitPerSecond: number | null;
  consecutiveFailures: number;
  failingSince: number | null;
  circuitOpenUntil: number | null;
}

const statementsFor = preparedStatements((db) => {
  return {
    // One index probe per live endpoint (endpoints are few; deliveries are many).
    dueEndpoints: db.prepare(`
      SELECT e.id AS endpointId, e.userId AS accountId FROM "Endpoint" e
       WHERE e.enabled = 1 AND e.deletedAt IS NULL AND (e.circuitOpenUntil IS NULL OR e.circuitOpenUntil <= @now)
         AND EXISTS (SELECT 1 FROM "Delivery" d
                      WHERE d.endpointId = e.id AND d.status = 'pending' AND d.nextAttemptAt <= @now)
       LIMIT @limit`),
    endpoint: db.prepare(`
      SELECT url, headers, secret, previousSecret, previousSecretUntil, enabled, deletedAt, rateLimitPerSecond,
             consecutiveFailures, failingSince, circuitOpenUntil
        FROM "Endpoint" WHERE id = ?`),
    holdCircuit: db.prepare(`UPDATE "Endpoint" SET circuitOpenUntil = ? WHERE id = ?`),
    claim: db.prepare(`
      UPDATE "Delivery"
         SET status = 'delivering', attempts = attempts + 1,
             lockedBy = @workerId, lockedUntil = @leaseUntil, updatedAt = @now
       WHERE id IN (
         SELECT id FROM "Delivery"
          WHERE endpointId = @endpointId AND status = 'pending' AND nextAttemptAt <= @now
          ORDER BY nextAttemptAt
          LIMIT @limit)
      RETURNING id, userId, eventId, attempts`),
    event: db.prepare(`SELECT type, payload, createdAt FROM "Event" WHERE id = ?`),
  };
});


/** Endpoints that have pending deliveries due by `now` and may be attempted (the worker's list of work). */
export function endpointsWithDueWork(db: Database.Database, now: number, limit = 10_000): Array<{ endpointId: string; accountId: string }> {
  return statementsFor(db).dueEndpoints.all({ now, limit }) as Array<{ endpointId: string; accountId: string }>;
}

export interface ClaimResult {
  claimed: ClaimedDelivery[];
  /** Requested endpoints that gave fewer rows than asked (nothing more due now) or none at all
   * (disabled, or over their rate limit). */
  drained: string[];
  /** Endpoints skipped because their circuit is open, with the time it may be probed. */
  paused: Array<{ endpointId: string; until: number }>;
}

export function claimDueDeliveries(db: Database.Database, requests: ClaimRequest[], options: ClaimOptions): ClaimResult {
  const sql = statementsFor(db);
  const run = db.transaction((): ClaimResult => {
    const claimed: ClaimedDelivery[] = [];
    const drained: string[] = [];
    const paused: ClaimResult["paused"] = [];
    for (const request of requests) {
      const { endpointId } = request;
      const endpoint = sql.endpoint.get(endpointId) as EndpointRow | undefined;
      if (!endpoint || !endpoint.enabled || endpoint.deletedAt !== null) {
        drained.push(endpointId);
        continue;
      }
      const circuit = circuitState(endpoint, options.now, { failures: options.circuitBreakerFailures });
      if (circuit === "open") {
        drained.push(endpointId);
        paused.push({ endpointId, until: endpoint.circuitOpenUntil! });
        continue;
      }
      const wanted = circuit === "probing" ? 1 : request.limit;
      const limit =
        endpoint.rateLimitPerSecond && options.rateLimit
          ? options.rateLimit(endpointId, endpoint.rateLimitPerSecond, wanted)
          : wanted;
      if (limit <= 0) {
        // Over its rate limit: set aside until the limiter wakes it.
        drained.push(endpointId);
        continue;
      }
      const rows = sql.claim.all({
        workerId: options.workerId,
        leaseUntil: options.now + options.leaseMs,
        now: options.now,
        endpointId,
        limit,
      }) as Array<{ id: string; userId: string; eventId: string; attempts: number }>;
      if (circuit === "probing") {
        // Probe taken (or nothing due): no other attempt until it ends or its lease expires.
        drained.push(endpointId);
        if (rows.length) sql.holdCircuit.run(options.now + options.leaseMs, endpointId);
      } else if (rows.length < limit) drained.push(endpointId);
      for (const row of rows) {
        const event = sql.event.get(row.eventId) as { type: string; payload: string; createdAt: number };
        claimed.push({
          ...row,
          endpointId,
          eventType: event.type,
          payload: event.payload,
          eventCreatedAt: event.createdAt,
          url: endpoint.url,
          headers: endpoint.headers,
          secret: endpoint.secret,
          previousSecret: endpoint.previousSecret,
          previousSecretUntil: endpoint.previousSecretUntil,
          endpointFailing: endpoint.consecutiveFailures > 0 || endpoint.failingSince !== null,
        });
      }
    }
    return { claimed, drained, paused };
  });
  // IMMEDIATE takes the write lock up front, so a concurrent worker waits (busy timeout)
  // instead of failing with SQLITE_BUSY_SNAPSHOT halfway through.
  return run.immediate();
}
