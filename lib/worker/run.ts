/**
 * The delivery worker loop.
 *
 * Contract:
 * - Work lives in the database; this loop only leases it (claim.ts), so a crash loses nothing:
 *   an expired lease is reclaimed (reclaim.ts) and the delivery attempted again.
 * - New deliveries are attempted at once when their creator calls notifyNewWork() in this
 *   process; otherwise the loop polls every `pollIntervalMs` for endpoints with due work.
 * - At most `concurrency` attempts are in flight, at most `accountConcurrency` for one account
 *   and at most `endpointConcurrency` towards one endpoint (and no more per second than its
 *   optional rate limit allows). Free slots are shared between accounts with due work, then
 *   between each account's endpoints (fair-share.ts), so one account's slow or dead endpoints
 *   hold at most that account's share and never delay other accounts.
 * - An endpoint that keeps failing is paused by its circuit breaker and probed now and then
 *   (circuit-breaker.ts); its deliveries wait instead of costing an attempt each.
 * - Every attempt started is recorded and its delivery completed, rescheduled or failed
 *   (complete.ts), whatever was thrown. Outcomes are written in batches, one transaction per
 *   batch; until written, the delivery stays leased to this worker.
 * - stop() stops claiming, lets in-flight attempts finish within the grace period, aborts the
 *   rest (recorded as interrupted and re-queued due at once) and writes every outcome.
 */
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import type Database from "better-sqlite3";
import { env } from "../env";
import type { LookupFunction, NetworkPolicy } from "../webhooks/send";
import type { Cidr } from "../webhooks/ssrf-guard";
import { claimDueDeliveries, endpointsWithDueWork, type ClaimedDelivery, type ClaimRequest } from "./claim";
import type { CircuitBreakerPolicy } from "../webhooks/circuit-breaker";
import { planFairClaims } from "./fair-share";
import { recordAttemptOutcomes, type Completion } from "./complete";
import type { DeliveryOutcome } from "../webhooks/outcome";
import { attemptDelivery, type AttemptRecord } from "./dispatch";
import { startCheckpointer } from "./checkpointer";
import { purgeExpiredHistory } from "./purge";
import { grantAttempts, type TokenBucket } from "../webhooks/rate-limit";
import { reclaimExpiredLeases } from "./reclaim";
import { startHeartbeat } from "./heartbeat";
import { countReclaimedAttempts, countRecordedAttempts, processMetrics } from "../metrics/registry";
import { logger } from "../log";
import { onNewWork } from "./wake";
import type { CatchUpPolicy } from "../schedules/cron";
import { startScheduleTicker } from "../schedules/ticker";

export interface WorkerOptions {
  db: Database.Database;
  concurrency?: number;
  /** Attempts one account may have in flight (default: half of `concurrency`, at least `endpointConcurrency`). */
  accountConcurrency?: number;
  endpointConcurrency?: number;
  circuitBreaker?: CircuitBreakerPolicy;
  pollIntervalMs?: number;
  attemptTimeoutMs?: number;
  leaseMarginMs?: number;
  schedule?: number[];
  allowedCidrs?: Cidr[];
  /** DNS resolver for host names (defaults to the system's; tests inject one). */
  resolve?: LookupFunction;
  autoDisableAfterMs?: number;
  autoDisableMinFailures?: number;
  /** History older than this is purged periodically. */
  retentionDays?: number;
  /** Schedule ticks missed while no worker ran: fire the latest once, or none (schedules/ticker.ts). */
  scheduleCatchUp?: CatchUpPolicy;
  log?: (message: string, error?: unknown) => void;
}

export interface WorkerHandle {
  readonly id: string;
  /** Attempts currently in flight. */
  inFlight(): number;
  /** Looks for due work now instead of at the next poll. */
  poke(): void;
  stop(graceMs?: number): Promise<void>;
}

/** Outcomes waiting to be written are written at once past this many. */
const MAX_BATCH = 512;
/** Retention purge: first run shortly after start, then hourly. */
const PURGE_FIRST_MS = 60_000;
const PURGE_EVERY_MS = 3_600_000;

function countUp(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function countDown(counts: Map<string, number>, key: string): void {
  const left = (counts.get(key) ?? 1) - 1;
  if (left > 0) counts.set(key, left);
  else counts.delete(key);
}

export function startWorker(options: WorkerOptions): WorkerHandle {
  const db = options.db;
  const concurrency = options.concurrency ?? env.HOOKLINE_WORKER_CONCURRENCY;
  const endpointConcurrency = options.endpointConcurrency ?? env.HOOKLINE_ENDPOINT_CONCURRENCY;
  const accountConcurrency =
    options.accountConcurrency ?? env.HOOKLINE_ACCOUNT_CONCURRENCY ?? Math.max(endpointConcurrency, Math.floor(concurrency / 2));
  const circuitBreaker: CircuitBreakerPolicy = options.circuitBreaker ?? {
    failures: env.HOOKLINE_CIRCUIT_BREAKER_FAILURES,
    minPauseMs: env.HOOKLINE_CIRCUIT_BREAKER_MIN_PAUSE,
    maxPauseMs: env.HOOKLINE_CIRCUIT_BREAKER_MAX_PAUSE,
  };
  const pollIntervalMs = options.pollIntervalMs ?? env.HOOKLINE_POLL_INTERVAL_MS;
  const timeoutMs = options.attemptTimeoutMs ?? env.HOOKLINE_ATTEMPT_TIMEOUT_MS;
  const minClaim = Math.max(1, Math.floor(endpointConcurrency / 4));
  const leaseMs = timeoutMs + (options.leaseMarginMs ?? env.HOOKLINE_LEASE_MARGIN_MS);
  const network: NetworkPolicy = { allowedCidrs: options.allowedCidrs ?? env.HOOKLINE_ALLOWED_CIDRS, resolve: options.resolve };
  const completeOptions = {
    schedule: options.schedule ?? env.HOOKLINE_RETRY_SCHEDULE,
    autoDisableAfterMs: options.autoDisableAfterMs ?? env.HOOKLINE_AUTO_DISABLE_AFTER,
    autoDisableMinFailures: options.autoDisableMinFailures ?? env.HOOKLINE_AUTO_DISABLE_MIN_FAILURES,
    circuitBreaker,
  };
  const log = options.log ?? ((message: string, error?: unknown) => logger.error({ component: "worker", err: error }, message));
  const id = `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;

  const inFlight = new Map<string, { abort: AbortController; done: Promise<void> }>();
  const inFlightByEndpoint = new Map<string, number>();
  const inFlightByAccount = new Map<string, number>();
  /** Endpoints believed to have due work, in round-robin order. */
  let active: string[] = [];
  const activeSet = new Set<string>();
  /** The account of each endpoint in `active` or in flight (dropped with the last of them). */
  const accountOf = new Map<string, string>();
  const accountOfEndpoint = db.prepare(`SELECT userId FROM "Endpoint" WHERE id = ?`).pluck();
  const pauseWakes = new Set<string>();
  const buckets = new Map<string, TokenBucket>();
  const rateWakes = new Set<string>();
  let completions: Completion[] = [];
  let cycleScheduled = false;
  let stopping = false;
  let cycling = false;

  function activate(endpointIds: Iterable<string>, accounts?: ReadonlyMap<string, string>): void {
    for (const endpointId of endpointIds) {
      if (activeSet.has(endpointId)) continue;
      let accountId = accountOf.get(endpointId) ?? accounts?.get(endpointId);
      if (accountId === undefined) {
        accountId = accountOfEndpoint.get(endpointId) as string | undefined;
        if (accountId === undefined) continue; // deleted with its account meanwhile
      }
      accountOf.set(endpointId, accountId);
      activeSet.add(endpointId);
      active.push(endpointId);
    }
  }

  function forgetIdle(endpointIds: Iterable<string>): void {
    for (const endpointId of endpointIds) {
      if (!activeSet.has(endpointId) && !inFlightByEndpoint.has(endpointId)) accountOf.delete(endpointId);
    }
  }

  /** Looks at the endpoint again in `delayMs`; with `pending`, at most one such wake-up waits per endpoint. */
  function wakeIn(endpointId: string, delayMs: number, pending?: Set<string>): void {
    if (pending?.has(endpointId)) return;
    pending?.add(endpointId);
    setTimeout(() => {
      pending?.delete(endpointId);
      activate([endpointId]);
      scheduleCycle();
    }, Math.max(delayMs, 0)).unref();
  }

  /**
   * One write transaction per turn: record the attempts that finished, then claim work for the
   * free slots. Together they touch mostly the same pages, so one commit does the work of two.
   */
  function cycle(): void {
    cycleScheduled = false;
    if (cycling) return;
    cycling = true;
    const batch = completions;
    completions = [];
    const now = Date.now();
    let outcomes: DeliveryOutcome[] = [];
    let claimed: ClaimedDelivery[] = [];
    let paused: Array<{ endpointId: string; until: number }> = [];
    let drained: string[] = [];
    try {
      db.transaction(() => {
        if (batch.length) outcomes = recordAttemptOutcomes(db, batch, { ...completeOptions, workerId: id, now });
        const requests = stopping ? [] : planClaims();
        if (requests.length) {
          const result = claimDueDeliveries(db, requests, {
            workerId: id,
            now,
            leaseMs,
            rateLimit,
            circuitBreakerFailures: circuitBreaker.failures,
          });
          for (const endpointId of result.drained) activeSet.delete(endpointId);
          if (result.drained.length) active = active.filter((endpointId) => activeSet.has(endpointId));
          claimed = result.claimed;
          paused = result.paused;
          drained = result.drained;
        }
      }).immediate();
    } catch (error) {
      // Finished attempts are still leased to us: try again shortly; if we die first, the lease
      // expires and the deliveries are attempted again (at-least-once).
      log(`could not record ${batch.length} attempt(s) or claim new work; retrying`, error);
      completions = batch.concat(completions);
      setTimeout(scheduleCycle, 100).unref();
      return;
    } finally {
      cycling = false;
    }
    countRecordedAttempts(batch.map((completion) => completion.attempt.result), outcomes);
    // A retry due before the next poll gets its own wake-up, so short schedules stay short.
    outcomes.forEach((outcome, index) => {
      if (outcome === "retrying") wakeAt(batch[index].delivery.endpointId, now);
    });
    // A paused endpoint is looked at again when its pause ends: by the poll, or sooner by a timer.
    for (const { endpointId, until } of paused) if (until - now < pollIntervalMs) wakeIn(endpointId, until - now, pauseWakes);
    for (const delivery of claimed) start(delivery);
    forgetIdle(drained);
    // Slots may still be free (an endpoint had less than its share): go round again.
    if (claimed.length && inFlight.size < concurrency) scheduleCycle();
  }

  function scheduleCycle(): void {
    if (completions.length >= MAX_BATCH) return cycle();
    if (!cycleScheduled) {
      cycleScheduled = true;
      setImmediate(cycle);
    }
  }

  const nextDue = db.prepare(`SELECT nextAttemptAt FROM "Delivery" WHERE endpointId = ? AND status = 'pending' ORDER BY nextAttemptAt LIMIT 1`);
  function wakeAt(endpointId: string, now: number): void {
    const row = nextDue.get(endpointId) as
      | { nextAttemptAt: number }
      | undefined;
    if (!row) return;
    const delay = row.nextAttemptAt - now;
    if (delay < pollIntervalMs) wakeIn(endpointId, delay);
  }

  async function attempt(delivery: ClaimedDelivery, abort: AbortController): Promise<void> {
    let record: AttemptRecord;
    try {
      record = await attemptDelivery(delivery, { timeoutMs, network, abort });
    } catch (error) {
      // sendWebhook never throws; this is a bug in building the request (e.g. bad stored headers).
      log(`could not build the request for ${delivery.id}`, error);
      record = { startedAt: Date.now(), requestHeaders: {}, result: { durationMs: 0, error: `Internal error: ${(error as Error).message}` } };
    }
    completions.push({ delivery, attempt: record });
    scheduleCycle();
  }

  function start(delivery: ClaimedDelivery): void {
    const abort = new AbortController();
    processMetrics().inFlight.inc();
    accountOf.set(delivery.endpointId, delivery.userId);
    countUp(inFlightByEndpoint, delivery.endpointId);
    countUp(inFlightByAccount, delivery.userId);
    const done = attempt(delivery, abort).finally(() => {
      inFlight.delete(delivery.id);
      processMetrics().inFlight.dec();
      countDown(inFlightByEndpoint, delivery.endpointId);
      countDown(inFlightByAccount, delivery.userId);
      // The endpoint may have more due work now that a slot is free.
      activate([delivery.endpointId]);
    });
    inFlight.set(delivery.id, { abort, done });
  }

  /** Shares the free slots between accounts, then their endpoints (fair-share.ts). */
  function planClaims(): ClaimRequest[] {
    const requests = planFairClaims(
      active.map((endpointId) => ({ endpointId, accountId: accountOf.get(endpointId)! })),
      { total: inFlight.size, byAccount: inFlightByAccount, byEndpoint: inFlightByEndpoint },
      { concurrency, accountConcurrency, endpointConcurrency, minClaim },
    );
    // Whoever was served goes to the back of the line.
    const served = new Set(requests.map((request) => request.endpointId));
    active = [...active.filter((endpointId) => !served.has(endpointId)), ...active.filter((endpointId) => served.has(endpointId))];
    return requests;
  }

  /** Rate-limited endpoints get what their bucket allows, and a wake-up when it refills. */
  function rateLimit(endpointId: string, perSecond: number, wanted: number): number {
    const grant = grantAttempts(buckets.get(endpointId), perSecond, Date.now(), wanted);
    buckets.set(endpointId, grant.bucket);
    if (grant.granted === 0) wakeIn(endpointId, grant.retryInMs, rateWakes);
    return grant.granted;
  }

  function tick(): void {
    try {
      const now = Date.now();
      countReclaimedAttempts(reclaimExpiredLeases(db, now));
      const due = endpointsWithDueWork(db, now);
      activate(
        due.map((row) => row.endpointId),
        new Map(due.map((row) => [row.endpointId, row.accountId])),
      );
    } catch (error) {
      log("looking for due work failed", error);
    }
    scheduleCycle();
  }

  // Checkpoints happen on another thread, not inside this loop's commits (checkpointer.ts).
  const checkpointer = db.memory ? null : startCheckpointer(db.name, log);
  if (checkpointer) db.pragma("wal_autocheckpoint = 0");

  const stopListening = onNewWork((endpointIds) => {
    activate(endpointIds);
    scheduleCycle();
  });
  const heartbeat = startHeartbeat(db, { workerId: id, intervalMs: env.HOOKLINE_HEARTBEAT_INTERVAL_MS, log });
  const timer = setInterval(tick, pollIntervalMs);
  timer.unref();
  setImmediate(tick);

  // Cron schedules tick in every worker; exactly-once holds across them (schedules/ticker.ts).
  const ticker = startScheduleTicker({ db, policy: options.scheduleCatchUp ?? env.HOOKLINE_SCHEDULE_CATCH_UP, log });

  const retentionDays = options.retentionDays ?? env.HOOKLINE_RETENTION_DAYS;
  const purge = () =>
    purgeExpiredHistory(db, retentionDays).catch((error) => log("purging expired history failed; will try again later", error));
  const firstPurge = setTimeout(purge, PURGE_FIRST_MS);
  const purgeTimer = setInterval(purge, PURGE_EVERY_MS);
  firstPurge.unref();
  purgeTimer.unref();

  return {
    id,
    inFlight: () => inFlight.size,
    poke: tick,
    async stop(graceMs = env.HOOKLINE_SHUTDOWN_GRACE_MS) {
      if (stopping) return;
      stopping = true;
      clearInterval(timer);
      clearTimeout(firstPurge);
      clearInterval(purgeTimer);
      ticker.stop();
      stopListening();
      const all = () => Promise.all([...inFlight.values()].map((job) => job.done));
      const graceOver = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), graceMs).unref());
      if ((await Promise.race([all(), graceOver])) === "timeout") {
        for (const job of inFlight.values()) job.abort.abort();
        await all();
      }
      cycle();
      heartbeat.stop();
      if (checkpointer) {
        db.pragma("wal_autocheckpoint = 1000");
        await checkpointer.stop();
      }
    },
  };
}
