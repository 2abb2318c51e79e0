import { ApiError, apiRoute, json, methodNotAllowed, noContent, readJson } from "@/lib/api/http";
import { deleteEventType, getEventType, updateEventType } from "@/lib/event-types/queries";
import { updateEventTypeSchema } from "@/lib/validations/event-type";
import { eventTypeProblem } from "../problem";

type Params = { name: string };

const noSuchType = () => new ApiError(404, "Not Found", "No event type of this name in this account's catalog.");

export const GET = apiRoute<Params>(async ({ userId, params }) => {
  const eventType = await getEventType(userId, params.name);
  if (!eventType) throw noSuchType();
  return json(eventType);
});

export const PATCH = apiRoute<Params>(async ({ request, userId, params }) => {
  const updated = await updateEventType(userId, params.name, await readJson(request, updateEventTypeSchema));
  if (!updated) throw noSuchType();
  if ("conflict" in updated || "fieldErrors" in updated) throw eventTypeProblem(updated);
  return json(updated);
});

export const DELETE = apiRoute<Params>(async ({ userId, params }) => {
  if (!(await deleteEventType(userId, params.name))) throw noSuchType();
  return noContent();
});

export const { POST, PUT, OPTIONS } = methodNotAllowed("GET", "PATCH", "DELETE");
