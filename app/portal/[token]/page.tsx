import type { Metadata } from "next";
import { EndpointsIndex } from "@/components/endpoints/endpoint-list";
import { listEndpoints } from "@/lib/endpoints/queries";
import { requirePortalSession } from "@/lib/portal/current-session";
import { createEndpointPortalAction } from "./actions";

export const metadata: Metadata = { title: "Endpoints" };

/** The portal's home: the consumer's endpoints, and Add endpoint. */
export default async function PortalEndpointsPage({ params }: { params: Promise<{ token: string }> }) {
  const session = await requirePortalSession((await params).token);
  const endpoints = await listEndpoints(session.userId, { consumerId: session.consumer.id });
  return (
    <EndpointsIndex
      intro="The URLs of yours that receive our webhooks, each signed with its own secret."
      emptyText="Add the URL that should receive your webhooks, then send it a test event."
      endpoints={endpoints}
      create={createEndpointPortalAction.bind(null, session.token)}
      base={`/portal/${session.token}`}
    />
  );
}
