import { z } from "zod";
import { DELIVERY_STATUSES } from "../deliveries/queries";

/** Query of the delivery log (dashboard and API): all optional, unknown values refused. */
export const deliveryListQuerySchema = z.object({
  endpointId: z.string().max(64).optional(),
  status: z.enum(DELIVERY_STATUSES, { error: `Status must be one of ${DELIVERY_STATUSES.join(", ")}` }).optional(),
  cursor: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1, "Limit must be between 1 and 200").max(200, "Limit must be between 1 and 200").optional(),
});

export type DeliveryListQuery = z.infer<typeof deliveryListQuerySchema>;

/** Reads the query from URL search params, treating empty values as absent. */
export function parseDeliveryListQuery(params: URLSearchParams | Record<string, string | string[] | undefined>) {
  const entries = params instanceof URLSearchParams ? [...params.entries()] : Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]);
  return deliveryListQuerySchema.safeParse(Object.fromEntries(entries.filter(([, v]) => v !== undefined && v !== "")));
}
