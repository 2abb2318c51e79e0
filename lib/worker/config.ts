/**
 * A worker's configuration, resolved once at start: what the caller passed, else the
 * environment (lib/env.ts), else the defaults. Everything the loop reads comes from here, so a
 * test that passes `retentionDays` (or anything else) really changes what the worker does.
 */
import { env } from "../env";
import type { CatchUpPolicy } from "../schedules/cron";
import type { CircuitBreakerPolicy } from "../webhooks/circuit-breaker";
import type { LookupFunction, NetworkPolicy } from "../webhooks/send";
import type { Cidr } from "../webhooks/ssrf-guard";
import type { Store } from "../store/connection";

export interface WorkerOptions {
  /** The database (default: DATABASE_URL's, lib/store/connection.ts). */
  store?: Store;
  /** Clock in unix ms (default Date.now); tests may move time. */
  clock?: () => number;
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
  heartbeatIntervalMs?: number;
  log?: (message: string, error?: unknown) => void;
}

export interface WorkerConfig {
  concurrency: number;
  accountConcurrency: number;
  endpointConcurrency: number;
  /** The smallest claim worth a turn for an endpoint with work (fair-share.ts). */
  minClaim: number;
  pollIntervalMs: number;
  attemptTimeoutMs: number;
  /** How long a claimed delivery stays ours: the attempt's timeout plus a margin. */
  leaseMs: number;
  network: NetworkPolicy;
  /** How an attempt's result moves its delivery and endpoint on (lib/webhooks/outcome.ts). */
  outcome: {
    schedule: number[];
    autoDisableAfterMs: number;
    autoDisableMinFailures: number;
    circuitBreaker: CircuitBreakerPolicy;
  };
  retentionDays: number;
  scheduleCatchUp: CatchUpPolicy;
  heartbeatIntervalMs: number;
}

export function workerConfig(options: WorkerOptions): WorkerConfig {
  const concurrency = options.concurrency ?? env.HOOKLINE_WORKER_CONCURRENCY;
  const endpointConcurrency = options.endpointConcurrency ?? env.HOOKLINE_ENDPOINT_CONCURRENCY;
  const attemptTimeoutMs = options.attemptTimeoutMs ?? env.HOOKLINE_ATTEMPT_TIMEOUT_MS;
  return {
    concurrency,
    endpointConcurrency,
    accountConcurrency: options.accountConcurrency ?? env.HOOKLINE_ACCOUNT_CONCURRENCY ?? Math.max(endpointConcurrency, Math.floor(concurrency / 2)),
    minClaim: Math.max(1, Math.floor(endpointConcurrency / 4)),
    pollIntervalMs: options.pollIntervalMs ?? env.HOOKLINE_POLL_INTERVAL_MS,
    attemptTimeoutMs,
    leaseMs: attemptTimeoutMs + (options.leaseMarginMs ?? env.HOOKLINE_LEASE_MARGIN_MS),
    network: { allowedCidrs: options.allowedCidrs ?? env.HOOKLINE_ALLOWED_CIDRS, resolve: options.resolve },
    outcome: {
      schedule: options.schedule ?? env.HOOKLINE_RETRY_SCHEDULE,
      autoDisableAfterMs: options.autoDisableAfterMs ?? env.HOOKLINE_AUTO_DISABLE_AFTER,
      autoDisableMinFailures: options.autoDisableMinFailures ?? env.HOOKLINE_AUTO_DISABLE_MIN_FAILURES,
      circuitBreaker: options.circuitBreaker ?? {
        failures: env.HOOKLINE_CIRCUIT_BREAKER_FAILURES,
        minPauseMs: env.HOOKLINE_CIRCUIT_BREAKER_MIN_PAUSE,
        maxPauseMs: env.HOOKLINE_CIRCUIT_BREAKER_MAX_PAUSE,
      },
    },
    retentionDays: options.retentionDays ?? env.HOOKLINE_RETENTION_DAYS,
    scheduleCatchUp: options.scheduleCatchUp ?? env.HOOKLINE_SCHEDULE_CATCH_UP,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? env.HOOKLINE_HEARTBEAT_INTERVAL_MS,
  };
}
