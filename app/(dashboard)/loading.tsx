// Shown while a dashboard page's data loads: the page's shape, not a spinner.
export default function Loading() {
  return (
    <div className="animate-pulse space-y-6" aria-busy="true" aria-label="Loading">
      <div className="h-8 w-48 rounded bg-slate-200" />
      <div className="h-4 w-80 rounded bg-slate-200" />
      <div className="space-y-3 rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
        {Array.from({ length: 6 }, (_, index) => (
          <div key={index} className="h-5 rounded bg-slate-100" />
        ))}
      </div>
    </div>
  );
}
