import { acceptEvent } from "@/lib/api/accept-event";
import { apiRoute, jsonText, methodNotAllowed, parseWith, queryOf, readJson, toNextResponse } from "@/lib/api/http";
import { eventListJson, listEvents } from "@/lib/events/queries";
import { createEventSchema, eventListQuerySchema } from "@/lib/validations/event";

export const GET = apiRoute(async ({ request, userId }) => jsonText(eventListJson(await listEvents(userId, parseWith(eventListQuerySchema, queryOf(request))))));

export const POST = apiRoute(async ({ request, userId }) =>
  toNextResponse(await acceptEvent(userId, await readJson(request, createEventSchema), request.headers.get("idempotency-key"))),
);

export const { PUT, PATCH, DELETE, OPTIONS } = methodNotAllowed("GET", "POST");
