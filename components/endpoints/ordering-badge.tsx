import type { Ordering } from "@/lib/events/ordering";
import { StatusBadge } from "@/components/ui/status-badge";

/** Marks a FIFO endpoint (SPEC §11); unordered, the default, needs no mark. */
export function OrderingBadge({ ordering }: { ordering: Ordering }) {
  return ordering === "fifo" ? <StatusBadge status="fifo" label="FIFO" /> : null;
}
