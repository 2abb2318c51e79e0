/**
 * Recording an attempt and deciding what happens to the delivery next, in one transaction:
 * 2xx → succeeded; 410 → failed and the endpoint disabled; anything else → rescheduled on the
 * retry policy, or failed once the schedule is used up; an attempt cut short by shutdown →
 * pending again, due at once. The delivery is only changed while this worker still holds its
 * lease; the attempt row is written regardless, so no attempt ever goes unrecorded.
 */
import type Database from "better-sqlite3";
import { newId } from "../ids";
import { isGoneStatus, isSuccessStatus, nextAttemptAt } from "../webhooks/retry-policy";
import type { ClaimedDelivery } from "./claim";
import type { AttemptRecord } from "./dispatch";

export type DeliveryOutcome = "succeeded" | "retrying" | "failed";

export interface CompleteOptions {
  workerId: string;
  now: number;
  schedule: number[];
  random?: () => number;
}

/** Human-readable reason an HTTP response counts as a failure. */
export function statusError(status: number): string {
  if (status >= 300 && status < 400) return `HTTP ${status}: redirects are not followed`;
  if (status === 410) return "HTTP 410 Gone: the endpoint was disabled";
  return `HTTP ${status}`;
}

export function recordAttemptOutcome(
  db: Database.Database,
  delivery: ClaimedDelivery,
  attempt: AttemptRecord,
  options: CompleteOptions,
): DeliveryOutcome {
  const { result } = attempt;
  const { now } = options;
  const status = result.status ?? null;
  const error = result.error ?? (status !== null && !isSuccessStatus(status) ? statusError(status) : null);

  let outcome: DeliveryOutcome;
  let next: number | null = null;
  if (result.interrupted) {
    outcome = "retrying";
    next = now;
  } else if (status !== null && isSuccessStatus(status)) {
    outcome = "succeeded";
  } else if (status !== null && isGoneStatus(status)) {
    outcome = "failed";
  } else {
    next = nextAttemptAt({
      attemptsMade: delivery.attempts,
      schedule: options.schedule,
      now,
      status,
      retryAfter: result.responseHeaders?.["retry-after"],
      random: options.random,
    });
    outcome = next === null ? "failed" : "retrying";
  }

  const write = db.transaction(() => {
    db.prepare(`
      INSERT INTO "Attempt" (id, deliveryId, number, startedAt, durationMs, requestHeaders,
                             responseStatus, responseHeaders, responseBody, error)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
      newId("att", now),
      delivery.id,
      delivery.attempts,
      attempt.startedAt,
      result.durationMs,
      JSON.stringify(attempt.requestHeaders),
      status,
      result.responseHeaders ? JSON.stringify(result.responseHeaders) : null,
      result.responseBody ?? null,
      error,
    );
    const updated = db.prepare(`
      UPDATE "Delivery"
         SET status = ?, nextAttemptAt = ?, completedAt = ?, lastStatusCode = ?, lastError = ?,
             lockedBy = NULL, lockedUntil = NULL, updatedAt = ?
       WHERE id = ? AND status = 'delivering' AND lockedBy = ? AND attempts = ?`).run(
      outcome === "retrying" ? "pending" : outcome,
      next,
      outcome === "retrying" ? null : now,
      status,
      error,
      now,
      delivery.id,
      options.workerId,
      delivery.attempts,
    );
    if (updated.changes === 1 && status !== null && isGoneStatus(status)) {
      db.prepare(`UPDATE "Endpoint" SET enabled = 0, disabledReason = ?, updatedAt = ? WHERE id = ?`).run(
        `The endpoint answered 410 Gone on ${new Date(now).toISOString()}, so it was disabled automatically.`,
        now,
        delivery.endpointId,
      );
    }
  });
  write.immediate();
  return outcome;
}
