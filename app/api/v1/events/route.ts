import { acceptEvent } from "@/lib/api/accept-event";
import { apiRoute, fromNextRequest, json, methodNotAllowed, parseWith, queryOf, toNextResponse } from "@/lib/api/http";
import { listEvents } from "@/lib/events/queries";
import { eventListQuerySchema } from "@/lib/validations/event";

export const GET = apiRoute(async ({ request, userId }) => json(await listEvents(userId, parseWith(eventListQuerySchema, queryOf(request)))));

export const POST = apiRoute(async ({ request, userId }) => toNextResponse(await acceptEvent(fromNextRequest(request), userId)));

export const { PUT, PATCH, DELETE, OPTIONS } = methodNotAllowed("GET", "POST");
