/**
 * Worker heartbeats: each running worker keeps one WorkerHeartbeat row fresh, so /api/health
 * can tell whether any worker is working, whichever process it runs in (the web server's own,
 * or `npm run worker` beside a web server with HOOKLINE_WORKER=off).
 *
 * Contract:
 * - a worker beats when it starts, then every HOOKLINE_HEARTBEAT_INTERVAL_MS (an upsert of its
 *   own row; the timer is unref'd like the worker's others);
 * - stop() deletes its row: a worker that stopped cleanly is not alive;
 * - a worker killed outright leaves its row behind, and the row's growing age is how health
 *   notices; each beat prunes rows silent for longer than PRUNE_AFTER_MS, so rows of dead
 *   workers (a new id on every restart) do not pile up;
 * - a failed beat is logged and tried again at the next interval: it never stops the worker.
 */
import { hostname } from "node:os";
import type Database from "better-sqlite3";

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
  stop(): void;
}

function prepare(db: Database.Database) {
  return {
    upsert: db.prepare(`
      INSERT INTO "WorkerHeartbeat" (id, pid, hostname, startedAt, beatAt) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET beatAt = excluded.beatAt`),
    prune: db.prepare(`DELETE FROM "WorkerHeartbeat" WHERE beatAt < ? AND id <> ?`),
    remove: db.prepare(`DELETE FROM "WorkerHeartbeat" WHERE id = ?`),
  };
}

export function startHeartbeat(db: Database.Database, options: HeartbeatOptions): Heartbeat {
  const now = options.now ?? Date.now;
  const startedAt = now();
  const host = hostname();
  let sql: ReturnType<typeof prepare> | undefined;

  function beat(): void {
    try {
      sql ??= prepare(db);
      const at = now();
      sql.upsert.run(options.workerId, process.pid, host, startedAt, at);
      sql.prune.run(at - PRUNE_AFTER_MS, options.workerId);
    } catch (error) {
      options.log("could not write the worker heartbeat; /api/health may report this worker as down", error);
    }
  }

  beat();
  const timer = setInterval(beat, options.intervalMs);
  timer.unref();

  return {
    stop() {
      clearInterval(timer);
      try {
        (sql ??= prepare(db)).remove.run(options.workerId);
      } catch (error) {
        options.log("could not remove the worker heartbeat", error);
      }
    },
  };
}
