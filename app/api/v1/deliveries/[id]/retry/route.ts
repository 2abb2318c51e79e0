import { ApiError, apiRoute, json, notFound } from "@/lib/api/http";
import { retryDelivery, toDeliveryDto } from "@/lib/deliveries/queries";

export const POST = apiRoute<{ id: string }>(async ({ userId, params }) => {
  const result = await retryDelivery(userId, params.id);
  if (!result.ok && result.reason === "not_found") throw notFound("delivery");
  if (!result.ok && result.reason === "endpoint_deleted") throw new ApiError(409, "Conflict", "The delivery's endpoint was deleted, so it cannot be attempted again.");
  if (!result.ok) throw new ApiError(409, "Conflict", "The delivery is already queued or in flight.");
  return json(toDeliveryDto(result.delivery), 202);
});
