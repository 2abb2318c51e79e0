import type { Metadata } from "next";
import { requireUser } from "@/lib/auth/current-user";
import { consumerNames } from "@/lib/consumers/queries";
import { listEndpoints } from "@/lib/endpoints/queries";
import { EndpointsIndex } from "@/components/endpoints/endpoint-list";
import { createEndpointAction } from "./actions";

export const metadata: Metadata = { title: "Endpoints" };

export default async function EndpointsPage() {
  const user = await requireUser();
  const endpoints = await listEndpoints(user.id);
  // Names for the consumers' badges, read only when some endpoint belongs to one.
  const consumerNameOf = endpoints.some((endpoint) => endpoint.consumer !== null)
    ? new Map((await consumerNames(user.id)).map((consumer) => [consumer.uid, consumer.name]))
    : new Map<string, string>();
  return (
    <EndpointsIndex
      intro="The URLs that receive your events."
      emptyText="Add the URL that should receive your events, then send it a test event."
      endpoints={endpoints}
      create={createEndpointAction}
      consumerNameOf={consumerNameOf}
    />
  );
}
