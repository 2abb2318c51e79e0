import type { Metadata } from "next";
import Link from "next/link";
import { Suspense, type ReactNode } from "react";
import { requireUser } from "@/lib/auth/current-user";
import { DELIVERY_STATUSES, listDeliveries, type DeliveryFilter } from "@/lib/deliveries/queries";
import { consumerNames } from "@/lib/consumers/queries";
import { listEndpoints } from "@/lib/endpoints/queries";
import { listHref, parseListFilters } from "@/lib/list-filters";
import { deliveryListQuerySchema } from "@/lib/validations/delivery";
import { LogFilterForm } from "@/components/log-filter-form";
import { TableSkeleton } from "@/components/ui/skeleton";
import { DeliveryLog } from "@/components/deliveries/delivery-log";

export const metadata: Metadata = { title: "Deliveries" };

const selectClass = "mt-1 block rounded-md border border-slate-300 bg-white px-3 py-2 text-sm";

/** One of the log's choice filters: "any" (empty) or one of `options`. */
function FilterSelect({ id, label, name, value, any, options }: { id: string; label: string; name: string; value?: string; any: string; options: Array<{ value: string; label: string }> }) {
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      <select id={id} name={name} defaultValue={value ?? ""} className={selectClass}>
        <option value="">{any}</option>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export default async function DeliveriesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  const { filter, errors, values } = parseListFilters(deliveryListQuerySchema, await searchParams);
  const [endpoints, consumers] = await Promise.all([listEndpoints(user.id), consumerNames(user.id)]);
  const otherFilters = Boolean(filter.endpointId || filter.consumer || filter.status || filter.eventType || filter.since || filter.until);
  const filtered = otherFilters || filter.q !== undefined;

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Deliveries</h1>
        <p className="mt-1 text-sm text-slate-600">Every event sent to every endpoint, with each attempt. Refreshes live.</p>
      </div>
      <LogFilterForm label="Filter deliveries" values={values} errors={errors} filtered={filtered} clearHref="/deliveries">
        <FilterSelect
          id="filter-endpoint"
          label="Endpoint"
          name="endpointId"
          value={filter.endpointId}
          any="All endpoints"
          options={endpoints.map((endpoint) => ({ value: endpoint.id, label: endpoint.name }))}
        />
        {consumers.length > 0 && (
          <FilterSelect
            id="filter-consumer"
            label="Consumer"
            name="consumer"
            value={filter.consumer}
            any="All consumers"
            options={consumers.map((consumer) => ({ value: consumer.uid, label: `${consumer.name} (${consumer.uid})` }))}
          />
        )}
        <FilterSelect id="filter-status" label="Status" name="status" value={filter.status} any="Any status" options={DELIVERY_STATUSES.map((status) => ({ value: status, label: status }))} />
        <div>
          <label htmlFor="filter-type" className="block text-sm font-medium">
            Event type
          </label>
          <input id="filter-type" name="eventType" defaultValue={filter.eventType ?? ""} placeholder="order.created" className={selectClass} />
        </div>
        <div>
          <label htmlFor="filter-since" className="block text-sm font-medium">
            From (UTC)
          </label>
          <input id="filter-since" type="datetime-local" name="since" defaultValue={filter.since?.slice(0, 16) ?? ""} className={selectClass} />
        </div>
        <div>
          <label htmlFor="filter-until" className="block text-sm font-medium">
            To (UTC)
          </label>
          <input id="filter-until" type="datetime-local" name="until" defaultValue={filter.until?.slice(0, 16) ?? ""} className={selectClass} />
        </div>
      </LogFilterForm>
      <Suspense fallback={<TableSkeleton label="Loading deliveries…" columns={["Status", "Event", "Endpoint", "Attempts", "Response", "Time"]} />}>
        <Log
          userId={user.id}
          filter={filter}
          emptyText={
            filter.q !== undefined ? (
              <>
                No deliveries match “{filter.q}”{otherFilters ? " with these filters" : ""}.{" "}
                <Link href={listHref("/deliveries", { ...filter, q: undefined, cursor: undefined })} className="font-medium text-indigo-700 underline">
                  Clear search
                </Link>
              </>
            ) : filtered ? (
              "No deliveries match these filters."
            ) : (
              "No deliveries yet. Open an endpoint and click “Send test event”."
            )
          }
        />
      </Suspense>
    </div>
  );
}

async function Log({ userId, filter, emptyText }: { userId: string; filter: DeliveryFilter; emptyText: ReactNode }) {
  return <DeliveryLog filter={filter} initial={await listDeliveries(userId, filter)} emptyText={emptyText} />;
}
