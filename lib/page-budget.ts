/**
 * How much stored data one page of a list holds. Rows whose data can be large (events,
 * schedules, inbox requests: up to 256 KiB each) are listed by size first
 * (lib/store/payload-sizes.ts), and only those within the budget are read whole.
 */
import type { PayloadSize } from "./store/payload-sizes";

/**
 * The most stored data one page holds, in bytes (a page holds at least one row): a page of 200
 * events of 256 KiB was 52 MB of text, several times that once parsed, and a few such requests at
 * once could run the server out of memory. Past it, the page ends early and `nextCursor` leads
 * on, as for a full page.
 */
export const MAX_PAGE_DATA_BYTES = 4 * 1024 * 1024;

/**
 * The page out of `sizes` (fetched with `limit + 1`, newest first): the ids of the rows within the
 * budget, and the cursor of the next page (null when these were the last).
 */
export function pageWithinBudget(sizes: PayloadSize[], limit: number, budget = MAX_PAGE_DATA_BYTES): { ids: string[]; nextCursor: string | null } {
  let taken = 0;
  let bytes = 0;
  while (taken < Math.min(limit, sizes.length) && (taken === 0 || bytes + sizes[taken].payloadBytes <= budget)) bytes += sizes[taken++].payloadBytes;
  const ids = sizes.slice(0, taken).map((size) => size.id);
  return { ids, nextCursor: sizes.length > taken ? ids[taken - 1] : null };
}
