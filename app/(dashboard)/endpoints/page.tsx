import type { Metadata } from "next";
import Link from "next/link";
import { requireUser } from "@/lib/auth/current-user";
import { consumerNames } from "@/lib/consumers/queries";
import { listEndpoints } from "@/lib/endpoints/queries";
import { StatusBadge } from "@/components/ui/status-badge";
import { AddEndpoint } from "./_components/add-endpoint";
import { OrderingBadge } from "./_components/ordering-badge";

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
        <ul className="divide-y divide-slate-200 overflow-hidden rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
          {endpoints.map((endpoint) => (
            <li key={endpoint.id}>
              <Link href={`/endpoints/${endpoint.id}`} className="flex flex-wrap items-center gap-x-4 gap-y-1 px-5 py-4 hover:bg-slate-50">
                <span className="font-medium">{endpoint.name}</span>
                <span className="min-w-0 flex-1 truncate font-mono text-sm text-slate-600">{endpoint.url}</span>
                {endpoint.consumer !== null && <StatusBadge status="consumer" label={`Consumer: ${consumerNameOf.get(endpoint.consumer) ?? endpoint.consumer}`} />}
                <OrderingBadge ordering={endpoint.ordering} />
                <StatusBadge status={endpoint.enabled ? "enabled" : "disabled"} />
              </Link>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
