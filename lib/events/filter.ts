/**
 * Does an endpoint's event-type filter accept `type`? An empty filter accepts everything;
 * `order.created` matches exactly; `order.*` matches every type starting with `order.`.
 */
export function matchesEventTypes(filters: string[], type: string): boolean {
  if (filters.length === 0) return true;
  return filters.some((filter) => (filter.endsWith(".*") ? type.startsWith(filter.slice(0, -1)) : filter === type));
}
