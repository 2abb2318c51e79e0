import { z } from "zod";
import { MAX_SEARCH_LENGTH, MAX_SEARCH_TERMS, searchTerms } from "../events/search-terms";
import { DELIVERY_STATUSES, MAX_ATTEMPTS_PAGE } from "../deliveries/queries";

// `local` also takes what a datetime-local input sends ("2026-11-28T08:00"), read as UTC.
const isoTime = (field: string) =>
  z.iso.datetime({ offset: true, local: true, error: `${field} must be an ISO 8601 date-time, e.g. 2026-11-28T00:00:00Z` }).transform((text) => new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`).toISOString());

/** A log search (`?q=`): words, each found as a phrase in the events' type, id and data. */
export const searchQuery = z
  .string({ error: "q must be text" })
  .trim()
  .max(MAX_SEARCH_LENGTH, `q must be at most ${MAX_SEARCH_LENGTH} characters`)
  .refine((text) => searchTerms(text).length > 0, "q must contain a letter or a digit")
  .describe(`Full-text search: events holding every word (as a phrase of its letters and digits) in their type, id or data; at most ${MAX_SEARCH_TERMS} words.`);

/** Cursor pagination shared by every list: newest first, `nextCursor` continues. */
export const pageQuerySchema = z.strictObject({
  limit: z.coerce.number({ error: "limit must be a number" }).int("limit must be a whole number").min(1, "limit must be between 1 and 200").max(200, "limit must be between 1 and 200").optional(),
  cursor: z.string().max(64, "cursor is not valid").optional(),
});

/** A page of one delivery's attempts: fewer per page than other lists, as each holds up to 64 KiB of response body. */
export const attemptPageQuerySchema = z.strictObject({
  limit: z.coerce
    .number({ error: "limit must be a number" })
    .int("limit must be a whole number")
    .min(1, `limit must be between 1 and ${MAX_ATTEMPTS_PAGE}`)
    .max(MAX_ATTEMPTS_PAGE, `limit must be between 1 and ${MAX_ATTEMPTS_PAGE}`)
    .optional(),
  cursor: z.coerce
    .number({ error: "cursor is not valid" })
    .int("cursor is not valid")
    .positive("cursor is not valid")
    .optional()
    .describe("An attempt number: the page holds the attempts before it (`nextCursor` of the previous page)."),
});

/** A delivery page's `?before=` (an attempt number: the page shows the attempts before it); anything else shows the latest. */
export function attemptsBeforeParam(value: string | string[] | undefined): number | undefined {
  const parsed = attemptPageQuerySchema.shape.cursor.safeParse(Array.isArray(value) ? value[0] : value);
  return parsed.success ? parsed.data : undefined;
}

/** Query of the delivery log (dashboard and API): all optional, unknown values refused. */
export const deliveryListQuerySchema = pageQuerySchema.extend({
  q: searchQuery.optional(),
  endpointId: z.string().max(64).optional(),
  consumer: z.string().max(128, "consumer is at most 128 characters").optional().describe("A consumer's uid: the deliveries to its endpoints."),
  eventId: z.string().max(64).optional(),
  eventType: z.string().max(128).optional(),
  status: z.enum(DELIVERY_STATUSES, { error: `status must be one of ${DELIVERY_STATUSES.join(", ")}` }).optional(),
  since: isoTime("since").optional(),
  until: isoTime("until").optional(),
});

export type DeliveryListQuery = z.infer<typeof deliveryListQuerySchema>;

/** Reads the query from URL search params, treating empty values as absent. */
export function parseDeliveryListQuery(params: URLSearchParams | Record<string, string | string[] | undefined>) {
  const entries = params instanceof URLSearchParams ? [...params.entries()] : Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]);
  return deliveryListQuerySchema.safeParse(Object.fromEntries(entries.filter(([, v]) => v !== undefined && v !== "")));
}
