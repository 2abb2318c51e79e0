import Link from "next/link";
import type { EndpointDto } from "@/lib/endpoints/queries";
import { StatusBadge } from "@/components/ui/status-badge";
import type { FormAction } from "@/lib/actions";
import { AddEndpoint } from "./add-endpoint";
import { OrderingBadge } from "./ordering-badge";

/**
 * Endpoints as a list of links to their pages (the Endpoints page, a consumer's page).
 * `consumerNameOf`: uid → name, to badge the endpoints that belong to a consumer; omitted where
 * they all belong to the same one. `base`: "" in the dashboard, `/portal/<token>` in a portal.
 */
export function EndpointList({ endpoints, consumerNameOf, base = "" }: { endpoints: EndpointDto[]; consumerNameOf?: Map<string, string>; base?: string }) {
  return (
    <ul className="divide-y divide-slate-200 overflow-hidden rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
      {endpoints.map((endpoint) => (
        <li key={endpoint.id}>
          <Link href={`${base}/endpoints/${endpoint.id}`} className="flex flex-wrap items-center gap-x-4 gap-y-1 px-5 py-4 hover:bg-slate-50">
            <span className="font-medium">{endpoint.name}</span>
            <span className="min-w-0 flex-1 truncate font-mono text-sm text-slate-600">{endpoint.url}</span>
            {consumerNameOf && endpoint.consumer !== null && (
              <StatusBadge status="consumer" label={`Consumer: ${consumerNameOf.get(endpoint.consumer) ?? endpoint.consumer}`} />
            )}
            <OrderingBadge ordering={endpoint.ordering} />
            <StatusBadge status={endpoint.enabled ? "enabled" : "disabled"} />
          </Link>
        </li>
      ))}
    </ul>
  );
}

/** An Endpoints page: heading, Add endpoint, the list or, while there is none, what to do first. */
export function EndpointsIndex({
  intro,
  emptyText,
  endpoints,
  create,
  base = "",
  consumerNameOf,
}: {
  intro: string;
  emptyText: string;
  endpoints: EndpointDto[];
  create: FormAction;
  base?: string;
  consumerNameOf?: Map<string, string>;
}) {
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Endpoints</h1>
          <p className="mt-1 text-sm text-slate-600">{intro}</p>
        </div>
        {endpoints.length > 0 && <AddEndpoint create={create} />}
      </div>
      {endpoints.length === 0 ? (
        <div className="space-y-4">
          <div className="rounded-xl border border-dashed border-slate-300 bg-white p-8 text-center">
            <h2 className="font-medium">No endpoints yet</h2>
            <p className="mt-1 text-sm text-slate-600">{emptyText}</p>
          </div>
          <AddEndpoint create={create} />
        </div>
      ) : (
        <EndpointList endpoints={endpoints} consumerNameOf={consumerNameOf} base={base} />
      )}
    </div>
  );
}
