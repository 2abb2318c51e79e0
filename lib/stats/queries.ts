/**
 * The overview's numbers for one account. Ids are time-sortable, so "the last N hours" is a
 * range on (userId, id) and never a scan of the whole history.
 */
import { prisma } from "../db";
import { idAt } from "../ids";
import { store } from "../store/connection";
import { deliveriesPerMinute, deliveriesPerStatus, responseDurations } from "../store/stats";

export interface MinuteBucket {
  /** Start of the minute, ISO. */
  minute: string;
  succeeded: number;
  failed: number;
  pending: number;
}

export interface Overview {
  lastHour: MinuteBucket[];
  day: { total: number; succeeded: number; failed: number; pending: number; successRate: number | null };
  latency: { p50: number | null; p95: number | null; attempts: number };
  attention: Array<{ id: string; name: string; url: string; reason: string }>;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function percentile(sorted: number[], p: number): number | null {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : null;
}

export async function getOverview(userId: string, now = Date.now()): Promise<Overview> {
  const hourStart = Math.floor((now - HOUR) / 60_000) * 60_000 + 60_000;
  const [perMinute, perStatus, sorted, endpoints] = await Promise.all([
    deliveriesPerMinute(store(), userId, idAt("dlv", hourStart)),
    deliveriesPerStatus(store(), { userId }, idAt("dlv", now - DAY)),
    responseDurations(store(), { userId, fromAttemptId: idAt("att", now - DAY) }),
    prisma.endpoint.findMany({
      where: { userId, deletedAt: null, OR: [{ enabled: false }, { consecutiveFailures: { gt: 0 } }] },
      select: { id: true, name: true, url: true, enabled: true, disabledReason: true, consecutiveFailures: true },
      orderBy: { consecutiveFailures: "desc" },
      take: 10,
    }),
  ]);

  const buckets = new Map<number, MinuteBucket>();
  for (let at = hourStart; at <= now; at += 60_000) {
    buckets.set(at / 60_000, { minute: new Date(at).toISOString(), succeeded: 0, failed: 0, pending: 0 });
  }
  for (const row of perMinute) {
    const bucket = buckets.get(row.minute);
    if (!bucket) continue;
    const key = row.status === "succeeded" || row.status === "failed" ? row.status : "pending";
    bucket[key] += row.n;
  }

  const counts = { succeeded: 0, failed: 0, pending: 0 };
  for (const row of perStatus) counts[row.status === "succeeded" || row.status === "failed" ? row.status : "pending"] += row.n;
  const finished = counts.succeeded + counts.failed;

  return {
    lastHour: [...buckets.values()],
    day: { total: finished + counts.pending, ...counts, successRate: finished ? counts.succeeded / finished : null },
    latency: { p50: percentile(sorted, 50), p95: percentile(sorted, 95), attempts: sorted.length },
    attention: endpoints.map((endpoint) => ({
      id: endpoint.id,
      name: endpoint.name,
      url: endpoint.url,
      reason: endpoint.enabled
        ? `Failing: ${endpoint.consecutiveFailures} attempt${endpoint.consecutiveFailures === 1 ? "" : "s"} in a row`
        : (endpoint.disabledReason ?? "Disabled by hand"),
    })),
  };
}

export interface EndpointHealthStats {
  succeeded: number;
  failed: number;
  successRate: number | null;
  p50: number | null;
  p95: number | null;
}

/** One endpoint's last 24 hours: outcomes and response times (an id range on (endpointId, id)). */
export async function getEndpointStats(userId: string, endpointId: string, now = Date.now()): Promise<EndpointHealthStats> {
  const since = now - DAY;
  const [perStatus, sorted] = await Promise.all([
    deliveriesPerStatus(store(), { userId, endpointId }, idAt("dlv", since)),
    responseDurations(store(), { userId, endpointId, fromId: idAt("dlv", since) }),
  ]);
  const count = (status: string) => perStatus.find((row) => row.status === status)?.n ?? 0;
  const succeeded = count("succeeded");
  const failed = count("failed");
  return {
    succeeded,
    failed,
    successRate: succeeded + failed ? succeeded / (succeeded + failed) : null,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
  };
}
