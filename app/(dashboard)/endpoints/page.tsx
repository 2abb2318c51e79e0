import type { Metadata } from "next";
import { requireUser } from "@/lib/auth/current-user";
import { consumerNames } from "@/lib/consumers/queries";
import { listEndpoints } from "@/lib/endpoints/queries";
import { AddEndpoint } from "./_components/add-endpoint";
import { EndpointList } from "./_components/endpoint-list";

export const metadata: Metadata = { title: "Endpoints" };

export default async function EndpointsPage() {
  const user = await requireUser();
  const endpoints = await listEndpoints(user.id);
  // Names for the consumers' badges, read only when some endpoint belongs to one.
  const consumerNameOf = endpoints.some((endpoint) => endpoint.consumer !== null)
    ? new Map((await consumerNames(user.id)).map((consumer) => [consumer.uid, consumer.name]))
    : new Map<string, string>();
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Endpoints</h1>
          <p className="mt-1 text-sm text-slate-600">The URLs that receive your events.</p>
        </div>
        {endpoints.length > 0 && <AddEndpoint />}
      </div>
      {endpoints.length === 0 ? (
        <div className="space-y-4">
          <div className="rounded-xl border border-dashed border-slate-300 bg-white p-8 text-center">
            <h2 className="font-medium">No endpoints yet</h2>
            <p className="mt-1 text-sm text-slate-600">Add the URL that should receive your events, then send it a test event.</p>
          </div>
          <AddEndpoint />
        </div>
      ) : (
        <EndpointList endpoints={endpoints} consumerNameOf={consumerNameOf} />
      )}
    </div>
  );
}
