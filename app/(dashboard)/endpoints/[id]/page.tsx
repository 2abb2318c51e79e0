import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Suspense } from "react";
import { requireUser } from "@/lib/auth/current-user";
import { consumerNames } from "@/lib/consumers/queries";
import { endpointCircuit, getEndpoint, previousSecretValidUntil } from "@/lib/endpoints/queries";
import { eventTypeNames } from "@/lib/event-types/queries";
import { ESTIMATE_NOTE, getEndpointStats } from "@/lib/stats/queries";
import { pageQuerySchema } from "@/lib/validations/delivery";
import { Skeleton, SectionSkeleton } from "@/components/ui/skeleton";
import { formatTime } from "@/components/format";
import { EndpointControls } from "@/components/endpoints/endpoint-controls";
import { EndpointHeading, RecentDeliveriesSection, SigningSecretSection } from "@/components/endpoints/endpoint-sections";
import { EndpointSettings } from "@/components/endpoints/endpoint-settings";
import { RecoverFailed } from "../_components/recover-failed";
import { deleteEndpointAction, revealSecretAction, rotateSecretAction, sendTestEventAction, setEnabledAction, updateEndpointAction } from "../actions";

export const metadata: Metadata = { title: "Endpoint" };

/** The Recover form's starting point, as a datetime-local value in UTC. */
function aDayAgoUtc(): string {
  return new Date(Date.now() - 86_400_000).toISOString().slice(0, 16);
}

export default async function EndpointPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await requireUser();
  const endpoint = await getEndpoint(user.id, (await params).id);
  if (!endpoint) notFound();
  // "Older deliveries" pages through this endpoint's log with a keyset cursor in the URL; a
  // cursor that is not valid shows the newest page.
  const cursorParam = (await searchParams).cursor;
  const cursor = pageQuerySchema.shape.cursor.safeParse(Array.isArray(cursorParam) ? cursorParam[0] : cursorParam).data || undefined;
  const [overlapUntil, circuit, catalog, consumers] = await Promise.all([
    previousSecretValidUntil(user.id, endpoint.id),
    endpoint.enabled ? endpointCircuit(user.id, endpoint.id) : null,
    eventTypeNames(user.id),
    consumerNames(user.id),
  ]);
  const consumer = endpoint.consumer === null ? null : (consumers.find((choice) => choice.uid === endpoint.consumer) ?? { uid: endpoint.consumer, name: endpoint.consumer });
  const catalogChoices = catalog.map(({ name, deprecated }) => ({ name, deprecated }));
  const testTypes = catalog.filter((type) => type.hasExample).map(({ name, deprecated }) => ({ name, deprecated }));

  return (
    <div className="space-y-8">
      <EndpointHeading endpoint={endpoint} base="">
        {consumer && (
          <p className="mt-2 text-sm text-slate-700">
            Belongs to consumer{" "}
            <Link href={`/consumers/${encodeURIComponent(consumer.uid)}`} className="font-medium text-indigo-700 underline">
              {consumer.name}
            </Link>{" "}
            (<code className="font-mono">{consumer.uid}</code>): it receives only the events sent for this consumer.
          </p>
        )}
        {circuit && (
          <p role="status" className="mt-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
            Paused: the last {circuit.consecutiveFailures} attempts failed
            {circuit.failingSince ? ` (failing since ${formatTime(circuit.failingSince.toISOString())})` : ""}, so new attempts wait until{" "}
            {formatTime(circuit.pausedUntil.toISOString())}, when one delivery is sent as a probe. Its deliveries are kept in order; they
            resume as soon as a probe succeeds.
          </p>
        )}
      </EndpointHeading>

      <Suspense
        fallback={
          <SectionSkeleton label="Loading the last 24 hours…">
            <Skeleton className="h-14 max-w-2xl" />
          </SectionSkeleton>
        }
      >
        <EndpointStats userId={user.id} endpointId={endpoint.id} />
      </Suspense>

      <EndpointControls
        key={String(endpoint.enabled)}
        endpointId={endpoint.id}
        enabled={endpoint.enabled}
        testTypes={testTypes}
        actions={{ sendTestEvent: sendTestEventAction, setEnabled: setEnabledAction, deleteEndpoint: deleteEndpointAction }}
      />

      <SigningSecretSection endpointId={endpoint.id} overlapUntil={overlapUntil} revealSecret={revealSecretAction} rotateSecret={rotateSecretAction} />

      <section aria-labelledby="settings-heading" className="space-y-3">
        <h2 id="settings-heading" className="text-lg font-semibold">
          Settings
        </h2>
        <EndpointSettings endpoint={endpoint} catalog={catalogChoices} consumers={consumers} update={updateEndpointAction} />
      </section>

      <section aria-labelledby="recover-heading" className="space-y-2">
        <h2 id="recover-heading" className="text-lg font-semibold">
          Recover failed deliveries
        </h2>
        <p className="text-sm text-slate-600">After an outage on your side: send every delivery that failed since then again.</p>
        <RecoverFailed endpointId={endpoint.id} defaultSince={aDayAgoUtc()} />
      </section>

      <RecentDeliveriesSection userId={user.id} endpointId={endpoint.id} cursor={cursor} base="" />
    </div>
  );
}

async function EndpointStats({ userId, endpointId }: { userId: string; endpointId: string }) {
  const stats = await getEndpointStats(userId, endpointId);
  // Estimated figures (a busy day, read from a sample: lib/stats/queries.ts) carry "≈".
  const about = stats.estimated ? "≈ " : "";
  return (
    <div className="space-y-2">
      <dl aria-label="Last 24 hours" className="grid max-w-2xl grid-cols-3 gap-4 text-sm">
        <div>
          <dt className="text-slate-500">Success rate (24 h)</dt>
          <dd className="text-lg font-semibold tabular-nums">
            {stats.successRate === null ? "—" : `${about}${(stats.successRate * 100).toFixed(1)} %`}
          </dd>
          <dd className="text-xs text-slate-500">
            {about}
            {stats.succeeded} succeeded, {about}
            {stats.failed} failed
          </dd>
        </div>
        <div>
          <dt className="text-slate-500">Response time p50</dt>
          <dd className="text-lg font-semibold tabular-nums">{stats.p50 === null ? "—" : `${about}${stats.p50} ms`}</dd>
        </div>
        <div>
          <dt className="text-slate-500">Response time p95</dt>
          <dd className="text-lg font-semibold tabular-nums">{stats.p95 === null ? "—" : `${about}${stats.p95} ms`}</dd>
        </div>
      </dl>
      {stats.estimated && <p className="text-xs text-slate-500">{ESTIMATE_NOTE}</p>}
    </div>
  );
}
