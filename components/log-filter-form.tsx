import Link from "next/link";
import type { ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";

/**
 * The Events and Deliveries pages' filter form (a GET form: the filters live in the address,
 * lib/list-filters.ts): a Search box, the page's own filters (`children`), Apply, Clear when
 * anything is set, and a notice when the address held filters that were not valid.
 */
export function LogFilterForm({
  label,
  values,
  errors,
  filtered,
  clearHref,
  children,
}: {
  /** The form's accessible name, e.g. "Filter events". */
  label: string;
  /** The address's filters as typed (parseListFilters). */
  values: Record<string, string>;
  /** The address's invalid filters, by name: the search's message goes beside the Search box. */
  errors: Record<string, string>;
  filtered: boolean;
  clearHref: string;
  children: ReactNode;
}) {
  const { q: searchError, ...addressErrors } = errors;
  return (
    <>
      {/* Keyed by the query: a link that changes it (Clear search, Clear filters) renders the fields
          afresh, where new defaultValues alone would leave the old choices showing. */}
      <form key={new URLSearchParams(values).toString()} className="flex flex-wrap items-end gap-3" aria-label={label}>
        <div className="w-full sm:w-72">
          <Field label="Search" name="q" type="search" defaultValue={values.q} error={searchError} placeholder="Words in type, id or data" className="bg-white" />
        </div>
        {children}
        <Button type="submit" variant="secondary">
          Apply filters
        </Button>
        {(filtered || searchError !== undefined) && (
          <Link href={clearHref} className="py-2 text-sm font-medium text-indigo-700 underline">
            Clear filters
          </Link>
        )}
      </form>
      {Object.keys(addressErrors).length > 0 && (
        <p role="alert" className="text-sm text-red-700">
          Some filters in the address were not valid and were ignored.
        </p>
      )}
    </>
  );
}
