/**
 * The overview's numbers for one account. Ids are time-sortable, so "the last N hours" is a
 * range on (userId, id) and never a scan of the whole history.
 */
import { prisma } from "../db";
import { idAt } from "../ids";

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
  const [perMinute, perStatus, durations, endpoints] = await Promise.all([
    prisma.$queryRaw<Array<{ minute: bigint | number; status: string; n: bigint | number }>>`
      SELECT createdAt / 60000 AS minute, status, count(*) AS n FROM "Delivery"
       WHERE userId = ${userId} AND id >= ${idAt("dlv", hourStart)}
       GROUP BY minute, status`,
    prisma.$queryRaw<Array<{ status: string; n: bigint | number }>>`
      SELECT status, count(*) AS n FROM "Delivery"
       WHERE userId = ${userId} AND id >= ${idAt("dlv", now - DAY)}
       GROUP BY status`,
    prisma.$queryRaw<Array<{ durationMs: bigint | number }>>`
      SELECT a.durationMs FROM "Attempt" a JOIN "Delivery" d ON d.id = a.deliveryId
       WHERE a.id >= ${idAt("att", now - DAY)} AND d.userId = ${userId} AND a.responseStatus IS NOT NULL
       ORDER BY a.durationMs`,
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
    const bucket = buckets.get(Number(row.minute));
    if (!bucket) continue;
    const key = row.status === "succeeded" || row.status === "failed" ? row.status : "pending";
    bucket[key] += Number(row.n);
  }

  const counts = { succeeded: 0, failed: 0, pending: 0 };
  for (const row of perStatus) counts[row.status === "succeeded" || row.status === "failed" ? row.status : "pending"] += Number(row.n);
  const finished = counts.succeeded + counts.failed;
  const sorted = durations.map((row) => Number(row.durationMs));

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
  const [perStatus, durations] = await Promise.all([
    prisma.$queryRaw<Array<{ status: string; n: bigint | number }>>`
      SELECT status, count(*) AS n FROM "Delivery"
       WHERE endpointId = ${endpointId} AND userId = ${userId} AND id >= ${idAt("dlv", since)}
       GROUP BY status`,
    prisma.$queryRaw<Array<{ durationMs: bigint | number }>>`
      SELECT a.durationMs FROM "Delivery" d JOIN "Attempt" a ON a.deliveryId = d.id
       WHERE d.endpointId = ${endpointId} AND d.userId = ${userId} AND d.id >= ${idAt("dlv", since)} AND a.responseStatus IS NOT NULL
       ORDER BY a.durationMs`,
  ]);
  const count = (status: string) => Number(perStatus.find((row) => row.status === status)?.n ?? 0);
  const succeeded = count("succeeded");
  const failed = count("failed");
  const sorted = durations.map((row) => Number(row.durationMs));
  return {
    succeeded,
    failed,
    successRate: succeeded + failed ? succeeded / (succeeded + failed) : null,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
  };
}
