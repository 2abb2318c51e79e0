/**
 * The overview's numbers for one account, and an endpoint's last 24 hours. Ids are time-sortable,
 * so a window of time is a range on (userId, id) or (endpointId, id), never a scan of the history.
 *
 * Bounded cost, exact when the window is quiet: the window is cut into slices and read through
 * lib/store/stats.ts `sampleDeliverySlices`, which counts each slice's deliveries exactly (index
 * only) but reads the statuses and attempts of only its first SAMPLE_PER_SLICE. A busy day thus
 * costs the same rows as a quiet one. Each slice's sample stands for the whole slice (weight =
 * its count / its sample size), so traffic that rises and falls over the day is weighed right.
 * When no slice holds more than SAMPLE_PER_SLICE deliveries, every delivery is read and every
 * figure is exact; otherwise the totals are still exact but the split by status, the success
 * rate and the response-time percentiles are estimates, and say so (`estimated`), and the
 * dashboard marks them with "≈".
 */
import { prisma } from "../db";
import { idAt } from "../ids";
import { store } from "../store/connection";
import { sampleDeliverySlices, type SampleScope, type SliceSample } from "../store/stats";

export interface MinuteBucket {
  /** Start of the minute, ISO. */
  minute: string;
  succeeded: number;
  failed: number;
  pending: number;
}

export interface LatencyFigures {
  p50: number | null;
  p95: number | null;
  /** Attempts that got a response (an estimate when `estimated`). */
  attempts: number;
}

export interface DayFigures {
  /** Deliveries created in the window: always exact. */
  total: number;
  succeeded: number;
  failed: number;
  /** pending or delivering */
  pending: number;
  successRate: number | null;
}

export interface Overview {
  lastHour: MinuteBucket[];
  /** True when a minute of the chart held more than SAMPLE_PER_SLICE deliveries: its split by status is then estimated (its total is not). */
  lastHourEstimated: boolean;
  day: DayFigures;
  latency: LatencyFigures;
  /** True when the day's split, success rate and latency come from a sample (see the top of this file). */
  estimated: boolean;
  /** How many deliveries the figures were read from (all of the day's when not `estimated`). */
  sampled: number;
  attention: Array<{ id: string; name: string; url: string; reason: string }>;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * The 24 h window in 48 slices of 30 minutes, the last hour in its 60 minutes; from each slice
 * the first SAMPLE_PER_SLICE deliveries are read. At most 1,200 deliveries (and their attempts)
 * for a day and 1,500 (statuses only) for the chart, whatever the traffic; exact up to 25
 * deliveries per half hour for the day and 25 a minute for the chart. What remains in
 * proportion to the traffic is the exact count: index entries only (about 2 ms for 33,000
 * deliveries on SQLite here, 10 ms on PostgreSQL).
 */
export const DAY_SLICES = 48;
export const SAMPLE_PER_SLICE = 25;

/** What the dashboard says under figures marked "≈". */
export const ESTIMATE_NOTE = `≈ Estimated: on a day this busy, only the first ${SAMPLE_PER_SLICE} deliveries of every ${(24 * 60) / DAY_SLICES} minutes are read, each standing for its slice of the day, so this page stays fast.`;

/** K + 1 delivery-id bounds cutting [from, to) into `slices` equal slices. */
function sliceBounds(from: number, to: number, slices: number): string[] {
  return Array.from({ length: slices + 1 }, (_, k) => idAt("dlv", from + Math.round(((to - from) * k) / slices)));
}

type Bucket = "succeeded" | "failed" | "pending";
const bucketOf = (status: string): Bucket => (status === "succeeded" || status === "failed" ? status : "pending");

/**
 * Whole numbers that add up to `total`, in the proportions of `parts` (largest remainder), so an
 * estimated split still adds up to the exact total it splits.
 */
export function apportion<K extends string>(total: number, parts: Record<K, number>): Record<K, number> {
  const keys = Object.keys(parts) as K[];
  const sum = keys.reduce((acc, key) => acc + parts[key], 0);
  const out = Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;
  if (sum === 0 || total === 0) return out;
  const shares = keys.map((key) => ({ key, exact: (total * parts[key]) / sum }));
  for (const share of shares) out[share.key] = Math.floor(share.exact);
  let left = total - shares.reduce((acc, share) => acc + Math.floor(share.exact), 0);
  // Ties go to the key listed first, so the result is deterministic.
  for (const share of [...shares].sort((a, b) => b.exact - Math.floor(b.exact) - (a.exact - Math.floor(a.exact)))) {
    if (left-- <= 0) break;
    out[share.key]++;
  }
  return out;
}

/** One slice's statuses, by dashboard bucket, scaled to the slice's exact count. */
function sliceBuckets(slice: SliceSample): Record<Bucket, number> {
  const sampled: Record<Bucket, number> = { succeeded: 0, failed: 0, pending: 0 };
  for (const [status, n] of Object.entries(slice.statuses)) sampled[bucketOf(status)] += n;
  return apportion(slice.count, sampled);
}

const sampleSize = (slice: SliceSample) => Object.values(slice.statuses).reduce((sum, n) => sum + n, 0);

/**
 * Nearest-rank percentile over weighted values: the smallest value whose cumulative weight
 * exceeds p % of the total (with every weight 1: the element at rank floor(p/100 · n) of the
 * sorted values).
 */
function weightedPercentile(sorted: Array<{ value: number; weight: number }>, total: number, p: number): number | null {
  let cumulative = 0;
  for (const { value, weight } of sorted) {
    cumulative += weight;
    if (cumulative > (p * total) / 100) return value;
  }
  return sorted.length ? sorted[sorted.length - 1].value : null;
}

/** The day's figures from its slices: exact counts, sampled statuses and response times, each slice weighed by count / sample. */
function dayFigures(slices: SliceSample[]): { day: DayFigures; latency: LatencyFigures; estimated: boolean; sampled: number } {
  // Estimated deliveries per bucket, fractional until apportioned over the whole day.
  const split: Record<Bucket, number> = { succeeded: 0, failed: 0, pending: 0 };
  const durations: Array<{ value: number; weight: number }> = [];
  let total = 0;
  let sampled = 0;
  for (const slice of slices) {
    const size = sampleSize(slice);
    total += slice.count;
    if (size === 0) continue;
    sampled += size;
    const weight = slice.count / size;
    for (const [status, n] of Object.entries(slice.statuses)) split[bucketOf(status)] += n * weight;
    for (const value of slice.durations) durations.push({ value, weight });
  }
  durations.sort((a, b) => a.value - b.value);
  const attempts = durations.reduce((sum, item) => sum + item.weight, 0);
  const finished = split.succeeded + split.failed;
  return {
    day: { total, ...apportion(total, split), successRate: finished ? split.succeeded / finished : null },
    latency: { p50: weightedPercentile(durations, attempts, 50), p95: weightedPercentile(durations, attempts, 95), attempts: Math.round(attempts) },
    estimated: sampled < total,
    sampled,
  };
}

async function sampleWindow(scope: SampleScope, from: number, to: number, slices: number, withDurations = true): Promise<SliceSample[]> {
  return sampleDeliverySlices(store(), scope, sliceBounds(from, to, slices), SAMPLE_PER_SLICE, { withDurations });
}

export async function getOverview(userId: string, now = Date.now()): Promise<Overview> {
  const hourStart = Math.floor((now - HOUR) / MINUTE) * MINUTE + MINUTE;
  const [minutes, day, endpoints] = await Promise.all([
    // 60 one-minute slices, the last one being the current minute; the chart needs no response times.
    sampleWindow({ userId }, hourStart, hourStart + HOUR, 60, false),
    sampleWindow({ userId }, now - DAY, now + 1, DAY_SLICES),
    prisma.endpoint.findMany({
      where: { userId, deletedAt: null, OR: [{ enabled: false }, { consecutiveFailures: { gt: 0 } }] },
      select: { id: true, name: true, url: true, enabled: true, disabledReason: true, consecutiveFailures: true },
      orderBy: { consecutiveFailures: "desc" },
      take: 10,
    }),
  ]);

  return {
    lastHour: minutes.map((slice, i) => ({ minute: new Date(hourStart + i * MINUTE).toISOString(), ...sliceBuckets(slice) })),
    lastHourEstimated: minutes.some((slice) => slice.count > sampleSize(slice)),
    ...dayFigures(day),
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
  /** As Overview.estimated. */
  estimated: boolean;
}

/** One endpoint's last 24 hours: outcomes and response times, read like the overview's day. */
export async function getEndpointStats(userId: string, endpointId: string, now = Date.now()): Promise<EndpointHealthStats> {
  const { day, latency, estimated } = dayFigures(await sampleWindow({ userId, endpointId }, now - DAY, now + 1, DAY_SLICES));
  return { succeeded: day.succeeded, failed: day.failed, successRate: day.successRate, p50: latency.p50, p95: latency.p95, estimated };
}
