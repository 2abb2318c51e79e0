/**
 * Loading placeholders shown while a section's data streams in (each page wraps its slow part in
 * <Suspense>; a route-wide loading.tsx would send the 200 before a page could answer 404).
 * Screen readers hear one "Loading …" per section instead of a pile of empty boxes.
 */
export function Skeleton({ className = "" }: { className?: string }) {
  return <div aria-hidden="true" className={`animate-pulse rounded bg-slate-200 motion-reduce:animate-none ${className}`} />;
}

export function SectionSkeleton({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div role="status" aria-busy="true" className="space-y-3">
      <span className="sr-only">{label}</span>
      {children}
    </div>
  );
}

export function TableSkeleton({ label, columns, rows = 8 }: { label: string; columns: string[]; rows?: number }) {
  return (
    <SectionSkeleton label={label}>
      <div className="overflow-hidden rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
        <div aria-hidden="true" className="flex gap-4 bg-slate-50 px-4 py-3 text-xs font-semibold uppercase tracking-wide text-slate-600">
          {columns.map((column) => (
            <span key={column} className="flex-1">
              {column}
            </span>
          ))}
        </div>
        {Array.from({ length: rows }, (_, row) => (
          <div key={row} className="flex gap-4 border-t border-slate-200 px-4 py-3">
            {columns.map((column) => (
              <Skeleton key={column} className="h-4 flex-1" />
            ))}
          </div>
        ))}
      </div>
    </SectionSkeleton>
  );
}

export function StatsSkeleton({ label, cards = 4 }: { label: string; cards?: number }) {
  return (
    <SectionSkeleton label={label}>
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        {Array.from({ length: cards }, (_, card) => (
          <div key={card} className="space-y-2 rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
            <Skeleton className="h-4 w-2/3" />
            <Skeleton className="h-7 w-1/2" />
          </div>
        ))}
      </div>
      <Skeleton className="h-48 w-full rounded-xl" />
    </SectionSkeleton>
  );
}
