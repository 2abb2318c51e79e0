const styles: Record<string, string> = {
  succeeded: "bg-emerald-50 text-emerald-800 ring-emerald-600/20",
  failed: "bg-red-50 text-red-800 ring-red-600/20",
  pending: "bg-amber-50 text-amber-800 ring-amber-600/20",
  delivering: "bg-sky-50 text-sky-800 ring-sky-600/20",
  enabled: "bg-emerald-50 text-emerald-800 ring-emerald-600/20",
  disabled: "bg-slate-100 text-slate-700 ring-slate-500/20",
  active: "bg-emerald-50 text-emerald-800 ring-emerald-600/20",
  revoked: "bg-red-50 text-red-800 ring-red-600/20",
  deprecated: "bg-amber-50 text-amber-800 ring-amber-600/20",
};

export function StatusBadge({ status }: { status: string }) {
  return (
    <span className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${styles[status] ?? styles.disabled}`}>
      {status}
    </span>
  );
}
