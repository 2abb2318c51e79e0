"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";
import { useQuery } from "@tanstack/react-query";
import type { DeliveryLogRow } from "@/lib/deliveries/queries";
import { StatusBadge } from "@/components/ui/status-badge";
import { formatTime } from "@/components/format";

export interface DeliveryPage {
  data: DeliveryLogRow[];
  nextCursor: string | null;
}

/** How often the log refreshes itself while open. */
const REFRESH_MS = 1000;

function responseSummary(row: DeliveryLogRow): string {
  if (row.lastStatusCode !== null) return String(row.lastStatusCode);
  if (row.lastError) return row.lastError;
  return "—";
}

/** Sent as is to the dashboard API on every refresh, so a search (`q`) stays applied while the log updates. */
type LogFilter = { q?: string; endpointId?: string; consumer?: string; eventId?: string; eventType?: string; status?: string; since?: string; until?: string; cursor?: string };

function searchParamsOf(values: Record<string, string | undefined>): URLSearchParams {
  return new URLSearchParams(Object.entries(values).filter((entry): entry is [string, string] => Boolean(entry[1])));
}

/**
 * `base` is where the log's pages live: "" in the dashboard, `/portal/<token>` in a consumer's
 * portal, whose log data comes from its own route under /api/portal/<token>.
 * `pageQuery` is what this page's own URL carries besides the cursor (default: the filter), so
 * "Older deliveries" stays on the same page: on an endpoint's page the endpoint is in the path,
 * not the query. `anchor` brings the reader back to the log after the page changes.
 */
export function DeliveryLog({
  filter,
  initial,
  showEndpoint = true,
  emptyText,
  pageQuery,
  anchor = "",
  base = "",
}: {
  filter: LogFilter;
  initial: DeliveryPage;
  showEndpoint?: boolean;
  emptyText: ReactNode;
  pageQuery?: Record<string, string>;
  anchor?: string;
  base?: string;
}) {
  const pathname = usePathname();
  const params = searchParamsOf(filter);
  const pageUrl = (nextCursor?: string) => {
    const query = searchParamsOf({ ...(pageQuery ?? filter), cursor: nextCursor }).toString();
    return `${pathname}${query ? `?${query}` : ""}${anchor}`;
  };
  const { data, isError } = useQuery({
    queryKey: ["deliveries", base, params.toString()],
    queryFn: async (): Promise<DeliveryPage> => {
      const response = await fetch(`${base ? `/api${base}` : "/api/dashboard"}/deliveries?${params}`, { cache: "no-store" });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return response.json();
    },
    initialData: initial,
    refetchInterval: REFRESH_MS,
  });

  return (
    <div className="space-y-3">
      {isError && (
        <p role="status" className="text-sm text-amber-800">
          Live refresh paused: the server did not answer. Retrying…
        </p>
      )}
      <div className="overflow-x-auto rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
        <table className="min-w-full divide-y divide-slate-200 text-sm">
          <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
            <tr>
              <th scope="col" className="px-4 py-3">Status</th>
              <th scope="col" className="px-4 py-3">Event</th>
              {showEndpoint && <th scope="col" className="px-4 py-3">Endpoint</th>}
              <th scope="col" className="px-4 py-3">Attempts</th>
              <th scope="col" className="px-4 py-3">Response</th>
              <th scope="col" className="px-4 py-3">Time</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {data.data.length === 0 ? (
              <tr>
                <td colSpan={showEndpoint ? 6 : 5} className="px-4 py-8 text-center text-slate-600">
                  {emptyText}
                </td>
              </tr>
            ) : (
              data.data.map((row) => (
                <tr key={row.id} className="hover:bg-slate-50">
                  <td className="px-4 py-3">
                    <StatusBadge status={row.status} />
                    {/* Pending with no time set: a FIFO delivery waiting for the one before it (lib/store/fifo.ts). */}
                    {row.status === "pending" && row.nextAttemptAt === null && <div className="mt-1 text-xs text-slate-500">waiting its turn</div>}
                  </td>
                  <td className="px-4 py-3">
                    <Link href={`${base}/deliveries/${row.id}`} className="font-medium text-indigo-700 hover:underline">
                      {row.eventType}
                    </Link>
                    <div className="font-mono text-xs text-slate-500">{row.eventId}</div>
                  </td>
                  {showEndpoint && <td className="px-4 py-3">{row.endpointName}</td>}
                  <td className="px-4 py-3 tabular-nums">{row.attempts}</td>
                  <td className="max-w-xs truncate px-4 py-3 font-mono text-xs" title={row.lastError ?? undefined}>
                    {responseSummary(row)}
                  </td>
                  <td className="whitespace-nowrap px-4 py-3 text-slate-600">
                    <time dateTime={row.createdAt}>{formatTime(row.createdAt)}</time>
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      {(data.nextCursor || filter.cursor) && (
        <nav aria-label="Delivery pages" className="flex gap-4 text-sm font-medium">
          {filter.cursor && (
            <Link href={pageUrl()} className="text-indigo-700 underline">
              Newest deliveries
            </Link>
          )}
          {data.nextCursor && (
            <Link href={pageUrl(data.nextCursor)} className="text-indigo-700 underline">
              Older deliveries
            </Link>
          )}
        </nav>
      )}
    </div>
  );
}
