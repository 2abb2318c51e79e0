/**
 * The delivery worker loop.
 *
 * Contract:
 * - Work lives in the database; this loop only leases it (claim.ts), so a crash loses nothing:
 *   an expired lease is reclaimed (reclaim.ts) and the delivery attempted again.
 * - A new delivery is attempted at once when its creator calls notifyNewWork() in this
 *   process; otherwise the loop polls every HOOKLINE_POLL_INTERVAL_MS.
 * - At most `concurrency` attempts are in flight.
 * - Every attempt started is recorded and its delivery completed, rescheduled or failed
 *   (complete.ts), whatever was thrown.
 * - stop() stops claiming, lets in-flight attempts finish within the grace period, then aborts
 *   the rest, which are recorded as interrupted and re-queued due at once.
 */
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import type Database from "better-sqlite3";
import { env } from "../env";
import type { Cidr } from "../webhooks/ssrf-guard";
import { claimDueDeliveries, type ClaimedDelivery } from "./claim";
import { recordAttemptOutcome } from "./complete";
import { attemptDelivery, type AttemptRecord } from "./dispatch";
import { reclaimExpiredLeases } from "./reclaim";
import { onNewWork } from "./wake";

export interface WorkerOptions {
  db: Database.Database;
  concurrency?: number;
  pollIntervalMs?: number;
  attemptTimeoutMs?: number;
  schedule?: number[];
  allowedCidrs?: Cidr[];
  log?: (message: string, error?: unknown) => void;
}

export interface WorkerHandle {
  readonly id: string;
  /** Attempts currently in flight. */
  inFlight(): number;
  /** Runs one claim round now (tests use it instead of waiting for the poll). */
  poke(): void;
  stop(graceMs?: number): Promise<void>;
}

/** Extra lease time beyond the attempt timeout, covering the time to record the outcome. */
const LEASE_MARGIN_MS = 30_000;

export function startWorker(options: WorkerOptions): WorkerHandle {
  const db = options.db;
  const concurrency = options.concurrency ?? env.HOOKLINE_WORKER_CONCURRENCY;
  const pollIntervalMs = options.pollIntervalMs ?? env.HOOKLINE_POLL_INTERVAL_MS;
  const timeoutMs = options.attemptTimeoutMs ?? env.HOOKLINE_ATTEMPT_TIMEOUT_MS;
  const schedule = options.schedule ?? env.HOOKLINE_RETRY_SCHEDULE;
  const allowedCidrs = options.allowedCidrs ?? env.HOOKLINE_ALLOWED_CIDRS;
  const log = options.log ?? ((message: string, error?: unknown) => console.error(`[hookline worker] ${message}`, error ?? ""));
  const id = `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;

  const inFlight = new Map<string, { abort: AbortController; done: Promise<void> }>();
  let stopping = false;

  async function run(delivery: ClaimedDelivery, abort: AbortController): Promise<void> {
    let attempt: AttemptRecord;
    try {
      attempt = await attemptDelivery(delivery, { timeoutMs, allowedCidrs, signal: abort.signal });
    } catch (error) {
      // sendWebhook never throws; this is a bug in building the request (e.g. bad stored headers).
      log(`could not build the request for ${delivery.id}`, error);
      attempt = { startedAt: Date.now(), requestHeaders: {}, result: { durationMs: 0, error: `Internal error: ${(error as Error).message}` } };
    }
    try {
      recordAttemptOutcome(db, delivery, attempt, { workerId: id, now: Date.now(), schedule });
    } catch (error) {
      // The lease will expire and the delivery be retried; nothing is lost.
      log(`could not record the attempt of ${delivery.id}`, error);
    }
  }

  function pump(): void {
    if (stopping) return;
    try {
      while (!stopping && inFlight.size < concurrency) {
        const claimed = claimDueDeliveries(db, {
          workerId: id,
          now: Date.now(),
          leaseMs: timeoutMs + LEASE_MARGIN_MS,
          limit: concurrency - inFlight.size,
        });
        if (claimed.length === 0) break;
        for (const delivery of claimed) {
          const abort = new AbortController();
          const done = run(delivery, abort).finally(() => {
            inFlight.delete(delivery.id);
            pump();
          });
          inFlight.set(delivery.id, { abort, done });
        }
      }
    } catch (error) {
      log("claiming deliveries failed; will retry at the next poll", error);
    }
  }

  function tick(): void {
    try {
      reclaimExpiredLeases(db, Date.now());
    } catch (error) {
      log("reclaiming expired leases failed", error);
    }
    pump();
  }

  const stopListening = onNewWork(pump);
  const timer = setInterval(tick, pollIntervalMs);
  timer.unref();
  setImmediate(tick);

  return {
    id,
    inFlight: () => inFlight.size,
    poke: pump,
    async stop(graceMs = env.HOOKLINE_SHUTDOWN_GRACE_MS) {
      if (stopping) return;
      stopping = true;
      clearInterval(timer);
      stopListening();
      const all = () => Promise.all([...inFlight.values()].map((job) => job.done));
      const graceOver = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), graceMs).unref());
      if ((await Promise.race([all(), graceOver])) === "timeout") {
        for (const job of inFlight.values()) job.abort.abort();
        await all();
      }
    },
  };
}
