/**
 * Prometheus metrics observed inside this process (prom-client): what the worker running here
 * does, plus Node's own process metrics. Database-wide figures (queue depth, deliveries by
 * status…) are read from the database instead (database.ts, in a snapshot at most
 * HOOKLINE_METRICS_REFRESH_MS old: snapshot.ts), because the worker may live in another process
 * (`npm run worker`) whose counters this one never sees.
 *
 * One registry per process, cached on globalThis: Next evaluates modules more than once (the
 * worker started from instrumentation.ts and the /api/metrics route are different bundles),
 * and both must feed and read the same counters. Importable from plain Node (the worker).
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { DeliveryOutcome } from "../webhooks/outcome";

/** What an attempt meant for its delivery; `lease_expired` is one a dead worker left unfinished. */
export type AttemptOutcome = DeliveryOutcome | "lease_expired";
export const ATTEMPT_OUTCOMES: AttemptOutcome[] = ["succeeded", "retrying", "failed", "lease_expired"];

export interface ProcessMetrics {
  registry: Registry;
  attempts: Counter<"outcome">;
  attemptDuration: Histogram;
  inFlight: Gauge;
  /** Read from the database, in a snapshot refreshed at most every HOOKLINE_METRICS_REFRESH_MS (database.ts, snapshot.ts, render.ts). */
  database: {
    snapshotAge: Gauge;
    snapshotRefreshes: Counter;
    deliveries: Gauge<"status">;
    dueDeliveries: Gauge;
    oldestDueAge: Gauge;
    pausedEndpoints: Gauge;
    scheduleTicks: Gauge;
    liveWorkers: Gauge;
    lastHeartbeatAge: Gauge;
  };
}

function createProcessMetrics(): ProcessMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "hookline_" });
  const attempts = new Counter({
    name: "hookline_delivery_attempts_total",
    help:
      "Attempts recorded by the worker in this process since it started, by what each meant for its delivery: " +
      "succeeded (2xx), retrying (failed; another attempt is scheduled), failed (no attempts left, or 410 Gone), " +
      "lease_expired (an attempt a dead worker left unfinished, recorded when this worker reclaimed it). " +
      "Each one is one Attempt row written by this process (save the rare attempt whose delivery was deleted with its account while in flight: it leaves no row).",
    labelNames: ["outcome"],
    registers: [registry],
  });
  const attemptDuration = new Histogram({
    name: "hookline_delivery_attempt_duration_seconds",
    // One series, not one per outcome: a label-free histogram is read the same by every scraper.
    help: "Time from the start of an HTTP attempt to its response, error or timeout (every attempt this process made; lease_expired ones are not timed).",
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30],
    registers: [registry],
  });
  const inFlight = new Gauge({
    name: "hookline_deliveries_in_flight",
    help: "HTTP attempts in flight right now in this process's worker (0 when its worker is off).",
    registers: [registry],
  });
  const database = {
    snapshotAge: new Gauge({
      name: "hookline_metrics_snapshot_age_seconds",
      help: "Age of the database snapshot the database-wide figures here come from; it is read again once older than HOOKLINE_METRICS_REFRESH_MS.",
      registers: [registry],
    }),
    snapshotRefreshes: new Counter({
      name: "hookline_metrics_snapshot_refreshes_total",
      help: "Times this process read the database-wide figures: at most one per HOOKLINE_METRICS_REFRESH_MS, however often it is scraped.",
      registers: [registry],
    }),
    deliveries: new Gauge({
      name: "hookline_deliveries",
      help:
        "Deliveries in the database by status (pending, delivering, succeeded, failed), counted over every account in the metrics snapshot " +
        "(at most HOOKLINE_METRICS_REFRESH_MS old); " +
        "equal to the Delivery rows with that status. Finished ones leave with the retention purge.",
      labelNames: ["status"],
      registers: [registry],
    }),
    dueDeliveries: new Gauge({
      name: "hookline_queue_due_deliveries",
      help: "Queue depth: pending deliveries on enabled endpoints whose next attempt was due when the metrics snapshot was taken (at most HOOKLINE_METRICS_REFRESH_MS ago).",
      registers: [registry],
    }),
    oldestDueAge: new Gauge({
      name: "hookline_queue_oldest_due_age_seconds",
      help: "How long the most overdue of the due deliveries has been waiting past its due time; 0 when nothing is due.",
      registers: [registry],
    }),
    pausedEndpoints: new Gauge({
      name: "hookline_endpoints_paused",
      help:
        "Enabled endpoints paused by their circuit breaker when the metrics snapshot was taken: they failed HOOKLINE_CIRCUIT_BREAKER_FAILURES " +
        "times in a row, and their deliveries wait for a probe to succeed.",
      registers: [registry],
    }),
    scheduleTicks: new Gauge({
      name: "hookline_schedule_ticks_fired",
      help: "Schedule ticks fired and still on record: ScheduleTick rows (pruned past the retention period, and with their schedule).",
      registers: [registry],
    }),
    liveWorkers: new Gauge({
      name: "hookline_workers_live",
      help: "Workers, in any process, whose heartbeat is younger than HOOKLINE_HEARTBEAT_TIMEOUT_MS.",
      registers: [registry],
    }),
    lastHeartbeatAge: new Gauge({
      name: "hookline_worker_last_heartbeat_age_seconds",
      help: "Age of the freshest worker heartbeat, any process; absent when no worker has one. /api/health fails past HOOKLINE_HEARTBEAT_TIMEOUT_MS.",
      registers: [registry],
    }),
  };
  // Every series exists from the start, so a rate() over a fresh process does not miss the first.
  for (const outcome of ATTEMPT_OUTCOMES) attempts.inc({ outcome }, 0);
  return { registry, attempts, attemptDuration, inFlight, database };
}

const holder = globalThis as unknown as { hooklineMetrics?: ProcessMetrics };

export function processMetrics(): ProcessMetrics {
  return (holder.hooklineMetrics ??= createProcessMetrics());
}

/** Counts attempts just written, each with the outcome recordAndClaim (lib/store/worker-cycle.ts) returned for it. */
export function countRecordedAttempts(attempts: Array<{ durationMs: number }>, outcomes: DeliveryOutcome[]): void {
  const metrics = processMetrics();
  outcomes.forEach((outcome, index) => {
    metrics.attempts.inc({ outcome });
    metrics.attemptDuration.observe(attempts[index].durationMs / 1000);
  });
}

/** Counts the attempts reclaimExpiredLeases recorded for deliveries a dead worker held. */
export function countReclaimedAttempts(count: number): void {
  if (count > 0) processMetrics().attempts.inc({ outcome: "lease_expired" }, count);
}
