/**
 * Worker heartbeats: each running worker keeps one WorkerHeartbeat row fresh
 * (lib/store/heartbeat.ts), so /api/health can tell whether any worker is working, whichever
 * process or machine it runs in.
 *
 * Contract:
 * - a worker beats when it starts, then every HOOKLINE_HEARTBEAT_INTERVAL_MS (the timer is
 *   unref'd like the worker's others);
 * - stop() deletes its row: a worker that stopped cleanly is not alive;
 * - a worker killed outright leaves its row behind, and the row's growing age is how health
 *   notices; each beat prunes rows silent for longer than PRUNE_AFTER_MS, so rows of dead
 *   workers (a new id on every restart) do not pile up;
 * - a failed beat is logged and tried again at the next interval: it never stops the worker.
 */
import { hostname } from "node:os";
import type { Store } from "../store/connection";
import { beat, removeHeartbeat } from "../store/heartbeat";

/** Rows of workers silent this long are deleted by whichever worker beats next. */
export const PRUNE_AFTER_MS = 3_600_000;

export interface HeartbeatOptions {
  workerId: string;
  intervalMs: number;
  log: (message: string, error?: unknown) => void;
  /** Clock, for tests. */
  now?: () => number;
}

export interface Heartbeat {
  /** Settles once the first beat is written (or failed and was logged). */
  first: Promise<void>;
  stop(): Promise<void>;
}

export function startHeartbeat(store: Store, options: HeartbeatOptions): Heartbeat {
  const now = options.now ?? Date.now;
  const startedAt = now();
  const host = hostname();
  let beating: Promise<void> = Promise.resolve();

  function beatNow(): void {
    const at = now();
    beating = beat(store, { workerId: options.workerId, pid: process.pid, hostname: host, startedAt, now: at, pruneBefore: at - PRUNE_AFTER_MS }).catch((error) =>
      options.log("could not write the worker heartbeat; /api/health may report this worker as down", error),
    );
  }

  beatNow();
  const first = beating;
  const timer = setInterval(beatNow, options.intervalMs);
  timer.unref();

  return {
    first,
    async stop() {
      clearInterval(timer);
      // After the last beat, so it cannot write the row back.
      await beating;
      await removeHeartbeat(store, options.workerId).catch((error) => options.log("could not remove the worker heartbeat", error));
    },
  };
}
