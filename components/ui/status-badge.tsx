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
  fifo: "bg-indigo-50 text-indigo-800 ring-indigo-600/20",
  consumer: "bg-sky-50 text-sky-800 ring-sky-600/20",
};

/** `label`: the text shown, when it is not the status itself (e.g. "FIFO" for `fifo`). */
export function StatusBadge({ status, label = status }: { status: string; label?: string }) {
  return (
    <span className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${styles[status] ?? styles.disabled}`}>
      {label}
    </span>
  );
}
