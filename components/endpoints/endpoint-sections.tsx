// The parts of an endpoint's page that the dashboard and a consumer's portal (SPEC §12) share.
// `base` is where the pages live: "" in the dashboard, `/portal/<token>` in a portal.
import Link from "next/link";
import { Suspense, type ReactNode } from "react";
import type { FormAction } from "@/lib/actions";
import { listDeliveries } from "@/lib/deliveries/queries";
import type { EndpointDto } from "@/lib/endpoints/queries";
import { DeliveryLog } from "@/components/deliveries/delivery-log";
import { TableSkeleton } from "@/components/ui/skeleton";
import { StatusBadge } from "@/components/ui/status-badge";
import { formatTime } from "@/components/format";
import { OrderingBadge } from "./ordering-badge";
import { SecretReveal } from "./secret-reveal";

/** Back link, name with its badges, URL, description, why it is disabled; `children`: notices after those. */
export function EndpointHeading({ endpoint, base, children }: { endpoint: EndpointDto; base: string; children?: ReactNode }) {
  return (
    <div>
      <Link href={base ? base : "/endpoints"} className="text-sm text-indigo-700 underline">
        ← Endpoints
      </Link>
      <h1 className="mt-2 flex flex-wrap items-center gap-3 text-2xl font-semibold tracking-tight">
        {endpoint.name} <StatusBadge status={endpoint.enabled ? "enabled" : "disabled"} />
        <OrderingBadge ordering={endpoint.ordering} />
      </h1>
      <p className="mt-1 break-all font-mono text-sm text-slate-600">{endpoint.url}</p>
      {endpoint.description && <p className="mt-2 text-sm text-slate-700">{endpoint.description}</p>}
      {!endpoint.enabled && endpoint.disabledReason && (
        <p role="status" className="mt-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {endpoint.disabledReason}
        </p>
      )}
      {children}
    </div>
  );
}

export function SigningSecretSection({
  endpointId,
  overlapUntil,
  revealSecret,
  rotateSecret,
}: {
  endpointId: string;
  overlapUntil: Date | null;
  revealSecret: (endpointId: string) => Promise<{ secret: string | null }>;
  rotateSecret: FormAction;
}) {
  return (
    <section aria-labelledby="secret-heading" className="space-y-2">
      <h2 id="secret-heading" className="text-lg font-semibold">
        Signing secret
      </h2>
      <p className="text-sm text-slate-600">
        Verify the <code>webhook-signature</code> header with this secret (Standard Webhooks).
      </p>
      <SecretReveal endpointId={endpointId} revealSecret={revealSecret} rotateSecret={rotateSecret} />
      {overlapUntil && (
        <p className="text-sm text-slate-700">
          The previous secret is still valid: it keeps signing alongside this one (two signatures per delivery) until {formatTime(overlapUntil.toISOString())}.
        </p>
      )}
    </section>
  );
}

/** The endpoint's deliveries, newest first, paged by a cursor in the page's URL; the page shows while they load. */
export function RecentDeliveriesSection(props: { userId: string; endpointId: string; cursor?: string; base: string }) {
  return (
    <section aria-labelledby="recent-heading" className="space-y-3">
      <h2 id="recent-heading" className="text-lg font-semibold">
        Recent deliveries
      </h2>
      <Suspense fallback={<TableSkeleton label="Loading recent deliveries…" columns={["Status", "Event", "Attempts", "Response", "Time"]} rows={5} />}>
        <RecentDeliveries {...props} />
      </Suspense>
    </section>
  );
}

async function RecentDeliveries({ userId, endpointId, cursor, base }: { userId: string; endpointId: string; cursor?: string; base: string }) {
  const deliveries = await listDeliveries(userId, { endpointId, cursor });
  return (
    <DeliveryLog
      filter={{ endpointId, cursor }}
      initial={deliveries}
      showEndpoint={false}
      pageQuery={{}}
      anchor="#recent-heading"
      base={base}
      emptyText="Nothing sent to this endpoint yet. Click “Send test event” to try it."
    />
  );
}
