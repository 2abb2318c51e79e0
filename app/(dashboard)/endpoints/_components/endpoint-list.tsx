import Link from "next/link";
import type { EndpointDto } from "@/lib/endpoints/queries";
import { StatusBadge } from "@/components/ui/status-badge";
import { OrderingBadge } from "./ordering-badge";

/**
 * Endpoints as a list of links to their pages (the Endpoints page, a consumer's page).
 * `consumerNameOf`: uid → name, to badge the endpoints that belong to a consumer; omitted where
 * they all belong to the same one.
 */
export function EndpointList({ endpoints, consumerNameOf }: { endpoints: EndpointDto[]; consumerNameOf?: Map<string, string> }) {
  return (
    <ul className="divide-y divide-slate-200 overflow-hidden rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
      {endpoints.map((endpoint) => (
        <li key={endpoint.id}>
          <Link href={`/endpoints/${endpoint.id}`} className="flex flex-wrap items-center gap-x-4 gap-y-1 px-5 py-4 hover:bg-slate-50">
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
