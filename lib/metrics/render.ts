/**
 * The /api/metrics document: this process's own observations (registry.ts) plus the
 * database-wide gauges (database.ts), from a snapshot at most HOOKLINE_METRICS_REFRESH_MS old
 * (snapshot.ts), in the Prometheus text exposition format.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { env } from "../env";
import { store } from "../store/connection";
import { readDatabaseSnapshot } from "./database";
import { processMetrics } from "./registry";
import { createSnapshotCache, type SnapshotCache, type TakenSnapshot } from "./snapshot";

/** Ages are counted up to `now`, the scrape's time, from the snapshot's timestamps. */
export function setDatabaseGauges({ snapshot, takenAt }: TakenSnapshot, now: number): void {
  const gauges = processMetrics().database;
  gauges.snapshotAge.set(Math.max(0, now - takenAt) / 1000);
  for (const [status, count] of Object.entries(snapshot.deliveriesByStatus)) gauges.deliveries.set({ status }, count);
  gauges.dueDeliveries.set(snapshot.dueDeliveries);
  gauges.oldestDueAge.set(snapshot.oldestDueAt === null ? 0 : Math.max(0, now - snapshot.oldestDueAt) / 1000);
  gauges.pausedEndpoints.set(snapshot.pausedEndpoints);
  gauges.scheduleTicks.set(snapshot.scheduleTicks);
  gauges.liveWorkers.set(snapshot.liveWorkers);
  gauges.lastHeartbeatAge.reset();
  if (snapshot.lastHeartbeatAt !== null) gauges.lastHeartbeatAge.set(Math.max(0, now - snapshot.lastHeartbeatAt) / 1000);
}

// One per process, like the registry: Next evaluates this module more than once.
const holder = globalThis as unknown as { hooklineMetricsSnapshot?: SnapshotCache };

function snapshots(): SnapshotCache {
  return (holder.hooklineMetricsSnapshot ??= createSnapshotCache((now) => {
    processMetrics().database.snapshotRefreshes.inc();
    return readDatabaseSnapshot(store(), now, env.HOOKLINE_HEARTBEAT_TIMEOUT_MS);
  }, env.HOOKLINE_METRICS_REFRESH_MS));
}

export async function renderMetrics(now = Date.now()): Promise<{ contentType: string; body: string }> {
  setDatabaseGauges(await snapshots().current(now), now);
  const { registry } = processMetrics();
  return { contentType: registry.contentType, body: await registry.metrics() };
}

/**
 * Open when no HOOKLINE_METRICS_TOKEN is set (the usual self-hosted set-up: the port is reached
 * only by the scraper), else only with `Authorization: Bearer <token>`. Compared as hashes in
 * constant time, so the response time says nothing about how much of a guess was right.
 */
export function metricsRequestAllowed(authorization: string | null, token: string | undefined): boolean {
  if (token === undefined) return true;
  const presented = /^Bearer\s+(\S+)$/i.exec(authorization ?? "")?.[1];
  if (presented === undefined) return false;
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(presented), digest(token));
}
