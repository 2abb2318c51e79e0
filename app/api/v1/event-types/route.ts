import { apiRoute, json, methodNotAllowed, parseWith, queryOf, readJson } from "@/lib/api/http";
import { createEventType, listEventTypes } from "@/lib/event-types/queries";
import { createEventTypeSchema, eventTypeListQuerySchema } from "@/lib/validations/event-type";
import { eventTypeProblem } from "./problem";

export const GET = apiRoute(async ({ request, userId }) => json(await listEventTypes(userId, parseWith(eventTypeListQuerySchema, queryOf(request)))));

export const POST = apiRoute(async ({ request, userId }) => {
  const created = await createEventType(userId, await readJson(request, createEventTypeSchema));
  if ("conflict" in created || "fieldErrors" in created) throw eventTypeProblem(created);
  return json(created, 201);
});

export const { PUT, PATCH, DELETE, OPTIONS } = methodNotAllowed("GET", "POST");
