import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { EndpointControls } from "@/components/endpoints/endpoint-controls";
import { EndpointHeading, RecentDeliveriesSection, SigningSecretSection } from "@/components/endpoints/endpoint-sections";
import { EndpointSettings } from "@/components/endpoints/endpoint-settings";
import { getEndpoint, previousSecretValidUntil } from "@/lib/endpoints/queries";
import { portalCatalog, requirePortalSession } from "@/lib/portal/current-session";
import { pageQuerySchema } from "@/lib/validations/delivery";
import {
  deleteEndpointPortalAction,
  revealSecretPortalAction,
  rotateSecretPortalAction,
  sendTestEventPortalAction,
  setEnabledPortalAction,
  updateEndpointPortalAction,
} from "../../actions";

export const metadata: Metadata = { title: "Endpoint" };

/** One of the consumer's endpoints: test, disable, delete, its secret, its settings, its deliveries. */
export default async function PortalEndpointPage({
  params,
  searchParams,
}: {
  params: Promise<{ token: string; id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { token, id } = await params;
  const session = await requirePortalSession(token);
  const endpoint = await getEndpoint(session.userId, id);
  // Another consumer's endpoint, or the account's own, is as absent as one that never existed.
  if (!endpoint || endpoint.consumer !== session.consumer.uid) notFound();
  const base = `/portal/${session.token}`;
  const cursorParam = (await searchParams).cursor;
  const cursor = pageQuerySchema.shape.cursor.safeParse(Array.isArray(cursorParam) ? cursorParam[0] : cursorParam).data || undefined;
  const [overlapUntil, catalog] = await Promise.all([previousSecretValidUntil(session.userId, endpoint.id), portalCatalog(session.userId)]);
  const bound = <A extends unknown[], R>(action: (token: string, ...args: A) => R) => action.bind(null, session.token) as (...args: A) => R;

  return (
    <div className="space-y-8">
      <EndpointHeading endpoint={endpoint} base={base} />

      <EndpointControls
        key={String(endpoint.enabled)}
        endpointId={endpoint.id}
        enabled={endpoint.enabled}
        testTypes={catalog.filter((type) => type.hasExample).map(({ name, deprecated }) => ({ name, deprecated }))}
        actions={{ sendTestEvent: bound(sendTestEventPortalAction), setEnabled: bound(setEnabledPortalAction), deleteEndpoint: bound(deleteEndpointPortalAction) }}
      />

      <SigningSecretSection endpointId={endpoint.id} overlapUntil={overlapUntil} revealSecret={bound(revealSecretPortalAction)} rotateSecret={bound(rotateSecretPortalAction)} />

      <section aria-labelledby="settings-heading" className="space-y-3">
        <h2 id="settings-heading" className="text-lg font-semibold">
          Settings
        </h2>
        <EndpointSettings
          endpoint={endpoint}
          catalog={catalog.map(({ name, deprecated }) => ({ name, deprecated }))}
          consumers={null}
          update={bound(updateEndpointPortalAction)}
          catalogHref={null}
        />
      </section>

      <RecentDeliveriesSection userId={session.userId} endpointId={endpoint.id} cursor={cursor} base={base} />
    </div>
  );
}
