import { apiRoute, json, methodNotAllowed, parseWith, queryOf, readJson } from "@/lib/api/http";
import { consumerIdFromBody } from "@/lib/api/consumer";
import { createEndpoint, listEndpointsPage } from "@/lib/endpoints/queries";
import { pageQuerySchema } from "@/lib/validations/delivery";
import { createEndpointApiSchema } from "@/lib/validations/endpoint";

export const GET = apiRoute(async ({ request, userId }) => json(await listEndpointsPage(userId, parseWith(pageQuerySchema, queryOf(request)))));

export const POST = apiRoute(async ({ request, userId }) => {
  const { consumer, ...input } = await readJson(request, createEndpointApiSchema);
  const consumerId = await consumerIdFromBody(userId, consumer);
  return json(await createEndpoint(userId, { ...input, consumerId }), 201);
});

export const { PUT, PATCH, DELETE, OPTIONS } = methodNotAllowed("GET", "POST");
