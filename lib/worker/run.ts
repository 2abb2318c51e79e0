/**
 * The delivery worker loop: plain functions over one explicit `Worker` (its context — store,
 * clock, configuration, log — and its in-memory state).
 *
 * Contract:
 * - Work lives in the database; this loop only leases it (lib/store/claim-due.ts), so a crash
 *   loses nothing: an expired lease is reclaimed (reclaim-expired.ts) and attempted again.
 * - New deliveries are attempted at once when their creator wakes the workers
 *   (lib/store/notify.ts: this process, and on PostgreSQL every machine); otherwise the loop
 *   polls every `pollIntervalMs` for endpoints with due work.
 * - At most `concurrency` attempts are in flight in this worker, at most `accountConcurrency`
 *   of them for one account; at most `endpointConcurrency` towards one endpoint across every
 *   worker (counted by the claim), and no more per second than an endpoint's optional rate
 *   limit allows. Free slots are shared between accounts with due work, then between each
 *   account's endpoints (fair-share.ts), so one account's slow or dead endpoints hold at most
 *   that account's share of each worker.
 * - An endpoint that keeps failing is paused by its circuit breaker and probed now and then
 *   (lib/webhooks/circuit-breaker.ts); its deliveries wait instead of costing an attempt each.
 * - Every attempt started is recorded and its delivery completed, rescheduled or failed
 *   (record-outcomes.ts), whatever was thrown. Outcomes are written in batches, one transaction
 *   per turn together with the next claim (worker-cycle.ts); until written, the delivery stays
 *   leased to this worker. On SQLite the turns run on a writer thread (sqlite-writer.ts), and
 *   turns follow each other without a pause while there is work: the next turn is on its way
 *   before the requests just claimed go out, so writing and sending overlap.
 * - stop() stops claiming, lets in-flight attempts finish within the grace period, aborts the
 *   rest (recorded as interrupted and re-queued due at once) and writes every outcome.
 */
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { env } from "../env";
import { logger } from "../log";
import { countReclaimedAttempts, countRecordedAttempts, processMetrics } from "../metrics/registry";
import type { ClaimedDelivery, ClaimRequest } from "../store/claim-due";
import { endpointsWithDueWork } from "../store/claim-due";
import { startStoreMaintenance } from "../store/checkpointer";
import { store as defaultStore, type Store } from "../store/connection";
import { accountsOfEndpoints } from "../store/endpoint-accounts";
import { onNewWork } from "../store/notify";
import { purgeExpiredHistory } from "../store/purge";
import { sqliteWorkerTurns } from "../store/sqlite-writer";
import { reclaimExpiredLeases } from "../store/reclaim-expired";
import type { AttemptRecord, Completion } from "../store/record-outcomes";
import { inProcessTurns, type CycleResult, type WorkerTurns } from "../store/worker-cycle";
import { workerConfig, type WorkerConfig, type WorkerOptions } from "./config";
import { Interruption } from "../webhooks/send";
import { attemptDelivery } from "./dispatch";
import { planFairClaims } from "./fair-share";
import { startHeartbeat } from "./heartbeat";
import { createQueue, dequeue, enqueue, forgetIdle, rotate, type EndpointQueue } from "./queue";
import { startScheduleTicker } from "./ticker";

export type { WorkerOptions } from "./config";

export interface WorkerHandle {
  readonly id: string;
  /** Settles once the worker's first heartbeat is written: from then on /api/health counts it. */
  readonly ready: Promise<void>;
  /** Attempts currently in flight. */
  inFlight(): number;
  /** Looks for due work now instead of at the next poll. */
  poke(): void;
  stop(graceMs?: number): Promise<void>;
}

/** Outcomes waiting to be written are written at once past this many. */
const MAX_BATCH = 512;
/** An endpoint whose slots another worker holds (or whose account it is claiming for) is asked again after this. */
const BUSY_RETRY_MS = 20;
/** After a failed turn (database busy or unreachable), the next try. */
const CYCLE_RETRY_MS = 100;
/** Retention purge: first run shortly after start, then hourly. */
const PURGE_FIRST_MS = 60_000;
const PURGE_EVERY_MS = 3_600_000;

interface Job {
  interruption: Interruption;
  done: Promise<void>;
}

/** One worker: what it works with, and what it keeps in memory (all bounded by endpoints and slots). */
interface Worker {
  id: string;
  store: Store;
  clock: () => number;
  config: WorkerConfig;
  log: (message: string, error?: unknown) => void;
  inFlight: Map<string, Job>;
  inFlightByEndpoint: Map<string, number>;
  inFlightByAccount: Map<string, number>;
  queue: EndpointQueue;
  /** Where its turns run: on SQLite a writer thread (sqlite-writer.ts), else this thread. */
  turns: WorkerTurns;
  /** Finished attempts not yet written. */
  completions: Completion[];
  /** Endpoints with a wake-up timer set, per reason: at most one timer each. */
  wakes: { paused: Set<string>; rate: Set<string>; busy: Set<string> };
  cycleScheduled: boolean;
  /** The turn in progress, if any. */
  cycling: Promise<void> | null;
  stopping: boolean;
}

function countUp(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function countDown(counts: Map<string, number>, key: string): void {
  const left = (counts.get(key) ?? 1) - 1;
  if (left > 0) counts.set(key, left);
  else counts.delete(key);
}

/** Queues endpoints with due work; those whose account is not known yet are looked up first. */
function activate(worker: Worker, endpointIds: Iterable<string>, accounts?: ReadonlyMap<string, string>): void {
  const unknown: string[] = [];
  for (const endpointId of endpointIds) {
    if (!enqueue(worker.queue, endpointId, accounts?.get(endpointId))) unknown.push(endpointId);
  }
  scheduleCycle(worker);
  if (unknown.length === 0) return;
  accountsOfEndpoints(worker.store, unknown)
    .then((found) => {
      // Endpoints not found were deleted with their account meanwhile: nothing to do.
      for (const [endpointId, accountId] of found) enqueue(worker.queue, endpointId, accountId);
      if (found.size) scheduleCycle(worker);
    })
    .catch((error) => worker.log("looking up the accounts of woken endpoints failed; the poll will find them", error));
}

/** Looks at the endpoint again in `delayMs`; with `pending`, at most one such wake-up waits per endpoint. */
function wakeIn(worker: Worker, endpointId: string, delayMs: number, pending?: Set<string>): void {
  if (pending?.has(endpointId)) return;
  pending?.add(endpointId);
  setTimeout(() => {
    pending?.delete(endpointId);
    if (!worker.stopping) activate(worker, [endpointId]);
  }, Math.max(delayMs, 0)).unref();
}

function scheduleCycle(worker: Worker): void {
  if (worker.cycleScheduled) return;
  worker.cycleScheduled = true;
  setImmediate(() => void runCycle(worker));
}

/** Runs one turn, unless one is running: then another follows it. */
function runCycle(worker: Worker): Promise<void> {
  worker.cycleScheduled = false;
  if (worker.cycling) {
    scheduleAfterCurrent(worker);
    return worker.cycling;
  }
  // A turn hands over to the next before it finishes (cycle() below): clear only our own.
  const current: Promise<void> = cycle(worker).finally(() => {
    if (worker.cycling === current) worker.cycling = null;
  });
  worker.cycling = current;
  return current;
}

function scheduleAfterCurrent(worker: Worker): void {
  if (worker.cycleScheduled) return;
  worker.cycleScheduled = true;
  void worker.cycling?.then(() => setImmediate(() => void runCycle(worker)));
}

/** Shares the free slots between accounts, then their endpoints (fair-share.ts). */
function planClaims(worker: Worker): ClaimRequest[] {
  const { config, queue } = worker;
  const requests = planFairClaims(
    queue.order.map((endpointId) => ({ endpointId, accountId: queue.accountOf.get(endpointId)! })),
    { total: worker.inFlight.size, byAccount: worker.inFlightByAccount, byEndpoint: worker.inFlightByEndpoint },
    config,
  );
  rotate(queue, new Set(requests.map((request) => request.endpointId)));
  return requests;
}

/**
 * One turn: record the attempts that finished and claim work for the free slots, in one
 * transaction (lib/store/worker-cycle.ts), then start what was claimed.
 */
async function cycle(worker: Worker): Promise<void> {
  const { config } = worker;
  // The turn's time is taken when it can run: a turn planned long before it runs would claim
  // with stale leases and refill rate-limit buckets for time already paid for.
  await worker.turns.ready;
  const batch = worker.completions;
  worker.completions = [];
  const now = worker.clock();
  // A FIFO delivery that ends makes the next one of its key due in this very turn (recording
  // comes first, lib/store/fifo.ts): claim for its endpoint in the same turn, not the next.
  for (const { delivery } of batch) if (delivery.ordered) enqueue(worker.queue, delivery.endpointId, delivery.userId);
  const requests = worker.stopping ? [] : planClaims(worker);
  if (batch.length === 0 && requests.length === 0) return;
  let result: CycleResult;
  try {
    const options = {
      record: { ...config.outcome, workerId: worker.id, now },
      claim: {
        workerId: worker.id,
        now,
        leaseMs: config.leaseMs,
        endpointConcurrency: config.endpointConcurrency,
        circuitBreakerFailures: config.outcome.circuitBreaker.failures,
      },
    };
    result = await worker.turns.recordAndClaim(batch, requests, options);
  } catch (error) {
    // Finished attempts are still leased to us: try again shortly; if we die first, the lease
    // expires and the deliveries are attempted again (at-least-once).
    worker.log(`could not record ${batch.length} attempt(s) or claim new work; retrying`, error);
    worker.completions = batch.concat(worker.completions);
    setTimeout(() => scheduleCycle(worker), CYCLE_RETRY_MS).unref();
    return;
  }
  countRecordedAttempts(
    batch.map((completion) => completion.attempt.result),
    result.outcomes.map((recorded) => recorded.outcome),
  );
  // A retry due before the next poll gets its own wake-up, so short schedules stay short.
  result.outcomes.forEach((recorded, index) => {
    if (recorded.nextAttemptAt !== null && recorded.nextAttemptAt - now < config.pollIntervalMs) {
      wakeIn(worker, batch[index].delivery.endpointId, recorded.nextAttemptAt - now);
    }
  });
  dequeue(worker.queue, [...result.drained, ...result.busy, ...result.rateLimited.map((limited) => limited.endpointId)]);
  // Out of rate-limit tokens: looked at again when the bucket has one.
  for (const { endpointId, retryInMs } of result.rateLimited) wakeIn(worker, endpointId, retryInMs, worker.wakes.rate);
  // A paused endpoint is looked at again when its pause ends: by the poll, or sooner by a timer.
  for (const { endpointId, until } of result.paused) {
    if (until - now < config.pollIntervalMs) wakeIn(worker, endpointId, until - now, worker.wakes.paused);
  }
  for (const endpointId of result.busy) wakeIn(worker, endpointId, BUSY_RETRY_MS, worker.wakes.busy);
  // The claimed deliveries take their slots now, and their requests go out once the next turn
  // is on its way: on a writer thread that turn runs while these are being sent.
  const launch = new Promise<void>((resolve) => setImmediate(resolve));
  for (const delivery of result.claimed) startAttempt(worker, delivery, launch);
  forgetIdle(worker.queue, result.drained, worker.inFlightByEndpoint);
  // More to write, or slots still free (an endpoint had less than its share): go round again,
  // now. This turn's database work is over; what is left of it is the requests.
  if (worker.completions.length || (result.claimed.length && worker.inFlight.size < config.concurrency)) {
    worker.cycling = null;
    void runCycle(worker);
  }
}

async function attempt(worker: Worker, delivery: ClaimedDelivery, interruption: Interruption): Promise<void> {
  let record: AttemptRecord;
  try {
    record = await attemptDelivery(delivery, { timeoutMs: worker.config.attemptTimeoutMs, network: worker.config.network, interruption });
  } catch (error) {
    // sendWebhook never throws; this is a bug in building the request (e.g. bad stored headers).
    worker.log(`could not build the request for ${delivery.id}`, error);
    record = { startedAt: worker.clock(), requestHeaders: {}, result: { durationMs: 0, error: `Internal error: ${(error as Error).message}` } };
  }
  worker.completions.push({ delivery, attempt: record });
  if (worker.completions.length >= MAX_BATCH) void runCycle(worker);
  else scheduleCycle(worker);
}

/** Takes a slot for the delivery now; its attempt starts when `launch` settles. */
function startAttempt(worker: Worker, delivery: ClaimedDelivery, launch: Promise<void>): void {
  const interruption = new Interruption();
  processMetrics().inFlight.inc();
  worker.queue.accountOf.set(delivery.endpointId, delivery.userId);
  countUp(worker.inFlightByEndpoint, delivery.endpointId);
  countUp(worker.inFlightByAccount, delivery.userId);
  const done = launch.then(() => attempt(worker, delivery, interruption)).finally(() => {
    worker.inFlight.delete(delivery.id);
    processMetrics().inFlight.dec();
    countDown(worker.inFlightByEndpoint, delivery.endpointId);
    countDown(worker.inFlightByAccount, delivery.userId);
    // The endpoint may have more due work now that a slot is free.
    activate(worker, [delivery.endpointId]);
  });
  worker.inFlight.set(delivery.id, { interruption, done });
}

/** The poll: reclaim expired leases, then queue every endpoint with due work. */
async function poll(worker: Worker): Promise<void> {
  try {
    const now = worker.clock();
    countReclaimedAttempts(await reclaimExpiredLeases(worker.store, now));
    const due = await endpointsWithDueWork(worker.store, now);
    if (worker.stopping) return;
    activate(
      worker,
      due.map((row) => row.endpointId),
      new Map(due.map((row) => [row.endpointId, row.accountId])),
    );
  } catch (error) {
    worker.log("looking for due work failed", error);
  }
  scheduleCycle(worker);
}

async function stopWorker(worker: Worker, graceMs: number): Promise<void> {
  worker.stopping = true;
  const all = () => Promise.all([...worker.inFlight.values()].map((job) => job.done));
  const graceOver = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), graceMs).unref());
  if ((await Promise.race([all(), graceOver])) === "timeout") {
    for (const job of worker.inFlight.values()) job.interruption.interrupt();
    await all();
  }
  // Write every outcome: wait for the turn in progress, then turns until nothing is left (a
  // failing database is retried a few times, then the leases expire and others take over).
  for (let tries = 0; tries < 20; tries++) {
    if (worker.cycling) await worker.cycling;
    if (worker.completions.length === 0) break;
    await runCycle(worker);
    if (worker.completions.length) await new Promise((resolve) => setTimeout(resolve, CYCLE_RETRY_MS));
  }
}

export function startWorker(options: WorkerOptions = {}): WorkerHandle {
  const store = options.store ?? defaultStore();
  const log = options.log ?? ((message: string, error?: unknown) => logger.error({ component: "worker", err: error }, message));
  const worker: Worker = {
    id: `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`,
    store,
    clock: options.clock ?? Date.now,
    config: workerConfig(options),
    log,
    // On SQLite a writer thread; PostgreSQL's turns wait on the network, not on this thread.
    turns: store.engine === "sqlite" ? sqliteWorkerTurns(store, log) : inProcessTurns(store),
    inFlight: new Map(),
    inFlightByEndpoint: new Map(),
    inFlightByAccount: new Map(),
    queue: createQueue(),
    completions: [],
    wakes: { paused: new Set(), rate: new Set(), busy: new Set() },
    cycleScheduled: false,
    cycling: null,
    stopping: false,
  };
  const { config } = worker;

  const maintenance = startStoreMaintenance(store, log);
  const stopListening = onNewWork(store, (endpointIds) => activate(worker, endpointIds), log);
  // Alive (for /api/health) from when it can deliver: on SQLite, once its writer thread has
  // loaded, which takes seconds on a busy machine. A beat before then would age past a short
  // heartbeat bound while the worker is still getting ready.
  const heartbeat = worker.turns.ready.then(() => startHeartbeat(store, { workerId: worker.id, intervalMs: config.heartbeatIntervalMs, log, now: worker.clock }));
  const pollTimer = setInterval(() => void poll(worker), config.pollIntervalMs);
  pollTimer.unref();
  setImmediate(() => void poll(worker));

  // Cron schedules tick in every worker; exactly-once holds across them (lib/store/fire-tick.ts).
  const ticker = startScheduleTicker({ store, policy: config.scheduleCatchUp, retentionDays: config.retentionDays, log });

  const purge = () =>
    purgeExpiredHistory(store, config.retentionDays, worker.clock()).catch((error) => log("purging expired history failed; will try again later", error));
  const firstPurge = setTimeout(purge, PURGE_FIRST_MS);
  const purgeTimer = setInterval(purge, PURGE_EVERY_MS);
  firstPurge.unref();
  purgeTimer.unref();

  let stopped: Promise<void> | null = null;
  return {
    id: worker.id,
    ready: heartbeat.then((started) => started.first),
    inFlight: () => worker.inFlight.size,
    poke: () => void poll(worker),
    stop(graceMs = env.HOOKLINE_SHUTDOWN_GRACE_MS) {
      stopped ??= (async () => {
        clearInterval(pollTimer);
        clearTimeout(firstPurge);
        clearInterval(purgeTimer);
        ticker.stop();
        stopListening();
        await stopWorker(worker, graceMs);
        await worker.turns.stop();
        await (await heartbeat).stop();
        await maintenance.stop();
      })();
      return stopped;
    },
  };
}
