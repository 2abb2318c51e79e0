import { ApiError, apiRoute, json, notFound, readJson } from "@/lib/api/http";
import { recoverFailedDeliveries } from "@/lib/endpoints/queries";
import { recoverSchema } from "@/lib/validations/endpoint";

export const POST = apiRoute<{ id: string }>(async ({ request, userId, params }) => {
  const { since } = await readJson(request, recoverSchema);
  const recovered = await recoverFailedDeliveries(userId, params.id, new Date(since));
  if (recovered === null) throw notFound("endpoint");
  if (recovered === "deleted") throw new ApiError(409, "Conflict", "The endpoint was deleted, so its deliveries cannot be attempted again.");
  return json({ recovered }, 202);
});
