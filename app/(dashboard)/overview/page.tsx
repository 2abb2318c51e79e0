import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { requireUser } from "@/lib/auth/current-user";
import { ESTIMATE_NOTE, SAMPLE_PER_SLICE, getOverview, type MinuteBucket } from "@/lib/stats/queries";
import { AutoRefresh } from "@/components/auto-refresh";
import { StatsSkeleton } from "@/components/ui/skeleton";
import { StackedBars } from "@/components/ui/stacked-bars";

export const metadata: Metadata = { title: "Overview" };

function Stat({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div className="rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
      <dt className="text-sm text-slate-600">{label}</dt>
      <dd className="mt-1 text-2xl font-semibold tabular-nums">{value}</dd>
      {hint && <dd className="mt-1 text-xs text-slate-500">{hint}</dd>}
    </div>
  );
}

export default async function OverviewPage() {
  const user = await requireUser();
  return (
    <div className="space-y-8">
      <AutoRefresh active intervalMs={10_000} />
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Overview</h1>
        <p className="mt-1 text-sm text-slate-600">The last 24 hours of deliveries. Refreshes every 10 seconds.</p>
      </div>
      <Suspense fallback={<StatsSkeleton label="Loading the last 24 hours…" />}>
        <OverviewBody userId={user.id} />
      </Suspense>
    </div>
  );
}

async function OverviewBody({ userId }: { userId: string }) {
  const overview = await getOverview(userId);
  const { day, latency } = overview;
  // Figures read from a sample on a busy day (lib/stats/queries.ts) carry "≈"; the day's total is always exact.
  const about = overview.estimated ? "≈ " : "";
  const hasRecent = overview.lastHour.some((bucket) => bucket.succeeded + bucket.failed + bucket.pending > 0);
  return (
    <>
      <div className="space-y-2">
        <dl className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
          <Stat
            label="Deliveries (24 h)"
            value={day.total.toLocaleString("en")}
            hint={`${about}${day.failed.toLocaleString("en")} failed, ${about}${day.pending.toLocaleString("en")} in progress`}
          />
          <Stat label="Success rate (24 h)" value={day.successRate === null ? "—" : `${about}${(day.successRate * 100).toFixed(1)} %`} hint="Of finished deliveries" />
          <Stat
            label="Response time p50"
            value={latency.p50 === null ? "—" : `${about}${latency.p50} ms`}
            hint={`${about}${latency.attempts.toLocaleString("en")} attempts with a response`}
          />
          <Stat label="Response time p95" value={latency.p95 === null ? "—" : `${about}${latency.p95} ms`} />
        </dl>
        {overview.estimated && (
          <p className="text-xs text-slate-500">
            {ESTIMATE_NOTE} Read: {overview.sampled.toLocaleString("en")} of the day&rsquo;s {day.total.toLocaleString("en")} deliveries; the total is exact.
          </p>
        )}
      </div>
      <section aria-labelledby="per-minute-heading" className="rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
        <h2 id="per-minute-heading" className="mb-3 text-lg font-semibold">
          Deliveries per minute, last hour
        </h2>
        {hasRecent ? (
          <>
            <StackedBars<MinuteBucket & Record<string, string | number>>
              title="Deliveries per minute, last hour"
              data={overview.lastHour as Array<MinuteBucket & Record<string, string | number>>}
              labelOf={(bucket) => `${String(bucket.minute).slice(11, 16)} UTC`}
              series={[
                { key: "succeeded", label: "succeeded", fill: "fill-emerald-500" },
                { key: "failed", label: "failed", fill: "fill-red-500" },
                { key: "pending", label: "pending", fill: "fill-amber-400" },
              ]}
            />
            {overview.lastHourEstimated && (
              <p className="mt-2 text-xs text-slate-500">
                ≈ In minutes with more than {SAMPLE_PER_SLICE} deliveries the split by outcome is estimated from the minute&rsquo;s first{" "}
                {SAMPLE_PER_SLICE}; each minute&rsquo;s total is exact.
              </p>
            )}
          </>
        ) : (
          <p className="text-sm text-slate-600">
            Nothing sent in the last hour. <Link href="/events" className="text-indigo-700 underline">Send an event</Link> to see it here.
          </p>
        )}
      </section>
      <section aria-labelledby="attention-heading" className="space-y-3">
        <h2 id="attention-heading" className="text-lg font-semibold">
          Endpoints needing attention
        </h2>
        {overview.attention.length === 0 ? (
          <p className="text-sm text-slate-600">All endpoints are enabled and delivering.</p>
        ) : (
          <ul className="divide-y divide-slate-200 overflow-hidden rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
            {overview.attention.map((endpoint) => (
              <li key={endpoint.id} className="px-5 py-3">
                <Link href={`/endpoints/${endpoint.id}`} className="font-medium text-indigo-700 hover:underline">
                  {endpoint.name}
                </Link>
                <span className="ml-2 font-mono text-xs text-slate-500">{endpoint.url}</span>
                <p className="mt-1 text-sm text-slate-700">{endpoint.reason}</p>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
