/**
 * Recording attempts and moving their deliveries on, many at a time in one IMMEDIATE
 * transaction (batching is what makes durable delivery fast on SQLite). For each attempt:
 * the attempt row is always written, unless its delivery no longer exists (its account was
 * deleted while the attempt was in flight: there is nothing left to record it against, and a
 * foreign-key failure would roll back, and forever retry, the whole batch); the delivery is
 * completed, rescheduled or failed per outcome.ts, but only while this worker still holds its
 * lease (a worker whose lease expired and was reclaimed must not overwrite the newer state);
 * the endpoint's failure streak is updated, its circuit opened or closed (circuit-breaker.ts),
 * and the endpoint disabled when outcome.ts says so. An attempt towards an endpoint deleted while
 * it was in flight ends its delivery (succeeded or failed), never back to pending.
 */
import type Database from "better-sqlite3";
import { preparedStatements } from "../store/sqlite";
import { newId } from "../ids";
import type { ClaimedDelivery } from "./claim";
import type { AttemptRecord } from "./dispatch";
import { decideAttempt, type DecisionOptions, type DeliveryOutcome, type EndpointHealth } from "../webhooks/outcome";

export interface Completion {
  delivery: ClaimedDelivery;
  attempt: AttemptRecord;
}

export interface CompleteOptions extends Omit<DecisionOptions, "now"> {
  workerId: string;
  now: number;
}

const statementsFor = preparedStatements((db) => {
  return {
    insertAttempt: db.prepare(`
      INSERT INTO "Attempt" (id, deliveryId, number, startedAt, durationMs, requestHeaders,
                             responseStatus, responseHeaders, responseBody, error)
      SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM "Delivery" WHERE id = ?)`),
    updateDelivery: db.prepare(`
      UPDATE "Delivery"
         SET status = ?, nextAttemptAt = ?, completedAt = ?, lastStatusCode = ?, lastError = ?,
             lockedBy = NULL, lockedUntil = NULL, updatedAt = ?
       WHERE id = ? AND status = 'delivering' AND lockedBy = ? AND attempts = ?`),
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
  };
});


export function recordAttemptOutcomes(db: Database.Database, completions: Completion[], options: CompleteOptions): DeliveryOutcome[] {
  const sql = statementsFor(db);
  const { now } = options;

  const write = db.transaction(() =>
    completions.map(({ delivery, attempt }) => {
      const { result } = attempt;
      const succeeded = result.status !== undefined && result.status >= 200 && result.status < 300;
      const row = succeeded
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
        result.responseBody ?? null,
        decision.error,
        delivery.id,
      );
      const updated = sql.updateDelivery.run(
        decision.outcome === "retrying" ? "pending" : decision.outcome,
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
      }
      return decision.outcome;
    }),
  );
  return write.immediate();
}
