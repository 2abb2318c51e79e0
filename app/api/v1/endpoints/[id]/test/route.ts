import { ApiError, apiRoute, json, methodNotAllowed, notFound } from "@/lib/api/http";
import { sendTestEvent } from "@/lib/events/queries";

export const POST = apiRoute<{ id: string }>(async ({ userId, params }) => {
  const event = await sendTestEvent(userId, params.id);
  if (!event) throw notFound("endpoint");
  if (event === "disabled") throw new ApiError(409, "Conflict", "The endpoint is disabled: enable it to send a test event.");
  return json(event, 202);
});

export const { GET, PUT, PATCH, DELETE, HEAD, OPTIONS } = methodNotAllowed("POST");
