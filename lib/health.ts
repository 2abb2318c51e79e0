/**
 * What /api/health reports: the database answers, and some worker has beaten its heartbeat
 * (lib/worker/heartbeat.ts) within HOOKLINE_HEARTBEAT_TIMEOUT_MS. Heartbeats from every process
 * count, so a web server with HOOKLINE_WORKER=off is healthy while a separate `npm run worker`
 * runs, and unhealthy (503) when none does: events would be accepted and never delivered.
 */
import { logger } from "./log";
import { store } from "./store/connection";
import { heartbeatSummary } from "./store/health";

export interface HealthInput {
  databaseReachable: boolean;
  /** Freshest heartbeat of any worker (Unix ms), null when no worker has one. */
  lastHeartbeatAt: number | null;
  /** Workers whose heartbeat is within the bound. */
  liveWorkers: number;
}

export interface HealthReport {
  status: "ok" | "unhealthy";
  /** Why the status is unhealthy, in words; empty when ok. */
  problems: string[];
  database: { status: "ok" | "unreachable" };
  worker: {
    status: "ok" | "stale" | "none" | "unknown";
    lastHeartbeatAgeMs: number | null;
    heartbeatTimeoutMs: number;
    liveWorkers: number;
  };
}

const seconds = (ms: number) => Number((ms / 1000).toFixed(1));

/** Pure: the report for what was observed at `now`. */
export function assessHealth(input: HealthInput, now: number, heartbeatTimeoutMs: number): HealthReport {
  const problems: string[] = [];
  const age = input.lastHeartbeatAt === null ? null : Math.max(0, now - input.lastHeartbeatAt);
  let worker: HealthReport["worker"]["status"];
  if (!input.databaseReachable) {
    problems.push("The database did not answer.");
    worker = "unknown";
  } else if (age === null) {
    problems.push("No worker is running: no worker heartbeat was found (start one, or set HOOKLINE_WORKER=on).");
    worker = "none";
  } else if (age > heartbeatTimeoutMs) {
    problems.push(`No worker heartbeat for ${seconds(age)} s (more than the ${seconds(heartbeatTimeoutMs)} s allowed): the worker has stopped or is stuck.`);
    worker = "stale";
  } else {
    worker = "ok";
  }
  return {
    status: problems.length ? "unhealthy" : "ok",
    problems,
    database: { status: input.databaseReachable ? "ok" : "unreachable" },
    worker: {
      status: worker,
      lastHeartbeatAgeMs: input.databaseReachable ? age : null,
      heartbeatTimeoutMs,
      liveWorkers: input.databaseReachable ? input.liveWorkers : 0,
    },
  };
}

/** Reads the heartbeat table (which also proves the database answers) and assesses it. */
export async function checkHealth(now: number, heartbeatTimeoutMs: number): Promise<HealthReport> {
  let input: HealthInput;
  try {
    const heartbeats = await heartbeatSummary(store(), now - heartbeatTimeoutMs);
    input = { databaseReachable: true, lastHeartbeatAt: heartbeats.lastBeatAt, liveWorkers: heartbeats.live };
  } catch (error) {
    // The reason stays in the log: health is public and must not describe internals.
    logger.error({ err: error }, "health check: the database did not answer");
    input = { databaseReachable: false, lastHeartbeatAt: null, liveWorkers: 0 };
  }
  return assessHealth(input, now, heartbeatTimeoutMs);
}
