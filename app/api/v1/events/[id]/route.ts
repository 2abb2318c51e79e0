import { apiRoute, json, methodNotAllowed, notFound } from "@/lib/api/http";
import { getEvent } from "@/lib/events/queries";

export const GET = apiRoute<{ id: string }>(async ({ userId, params }) => {
  const event = await getEvent(userId, params.id);
  if (!event) throw notFound("event");
  return json(event);
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodNotAllowed("GET");
