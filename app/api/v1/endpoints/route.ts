import { apiRoute, json, methodNotAllowed, parseWith, queryOf, readJson } from "@/lib/api/http";
import { createEndpoint, listEndpointsPage } from "@/lib/endpoints/queries";
import { pageQuerySchema } from "@/lib/validations/delivery";
import { createEndpointApiSchema } from "@/lib/validations/endpoint";

export const GET = apiRoute(async ({ request, userId }) => json(await listEndpointsPage(userId, parseWith(pageQuerySchema, queryOf(request)))));

export const POST = apiRoute(async ({ request, userId }) => json(await createEndpoint(userId, await readJson(request, createEndpointApiSchema)), 201));

export const { PUT, PATCH, DELETE, OPTIONS } = methodNotAllowed("GET", "POST");
