import { apiRoute, json, methodNotAllowed } from "@/lib/api/http";
import { catalogOpenApiDocument } from "@/lib/event-types/openapi";
import { listEventTypes } from "@/lib/event-types/queries";
import { env } from "@/lib/env";

// The account's own catalog: authenticated like the rest of the API (the API's own document,
// /api/v1/openapi.json, is public).
export const GET = apiRoute(async ({ userId }) => json(catalogOpenApiDocument((await listEventTypes(userId, { limit: env.HOOKLINE_MAX_EVENT_TYPES })).data)));

export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodNotAllowed("GET");
