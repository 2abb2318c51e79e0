import "server-only";
import type { z } from "zod";
import { firstFieldErrors } from "./actions";

type PageSearchParams = Record<string, string | string[] | undefined>;

/** The page's query as the list schemas take it: first value of each key, empty values absent. */
function searchParamValues(searchParams: PageSearchParams): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(searchParams)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first) values[key] = first;
  }
  return values;
}

/**
 * A dashboard list's filters from its URL (a GET form's or a bookmark's). A value that does not
 * parse is left out, with its message under its key ("form" for unknown keys), and the others
 * still apply: one mistyped search should not also drop the endpoint and status chosen with it.
 * `values` is the query as typed, for the form to show back beside its errors.
 */
export function parseListFilters<S extends z.ZodType<Record<string, unknown>>>(
  schema: S,
  searchParams: PageSearchParams,
): { filter: Partial<z.output<S>>; errors: Record<string, string>; values: Record<string, string> } {
  const values = searchParamValues(searchParams);
  const parsed = schema.safeParse(values);
  if (parsed.success) return { filter: parsed.data, errors: {}, values };
  const rejected = new Set(parsed.error.issues.flatMap((issue) => (issue.code === "unrecognized_keys" ? issue.keys : issue.path.slice(0, 1).map(String))));
  const rest = schema.safeParse(Object.fromEntries(Object.entries(values).filter(([key]) => !rejected.has(key))));
  return { filter: rest.success ? rest.data : {}, errors: firstFieldErrors(parsed.error), values };
}

/** `path` with `filter` as its query, absent values left out: links that keep, change or drop a filter. */
export function listHref(path: string, filter: Record<string, string | number | undefined>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(filter)) if (value !== undefined && value !== "") query.set(key, String(value));
  return query.size ? `${path}?${query}` : path;
}
