import { apiRoute, json, methodNotAllowed, noContent, notFound, readJson } from "@/lib/api/http";
import { consumerIdFromBody } from "@/lib/api/consumer";
import { deleteEndpoint, getEndpoint, updateEndpoint } from "@/lib/endpoints/queries";
import { updateEndpointSchema } from "@/lib/validations/endpoint";

type Params = { id: string };

export const GET = apiRoute<Params>(async ({ userId, params }) => {
  const endpoint = await getEndpoint(userId, params.id);
  if (!endpoint) throw notFound("endpoint");
  return json(endpoint);
});

export const PATCH = apiRoute<Params>(async ({ request, userId, params }) => {
  const { consumer, ...input } = await readJson(request, updateEndpointSchema);
  const consumerId = await consumerIdFromBody(userId, consumer);
  const endpoint = await updateEndpoint(userId, params.id, { ...input, consumerId });
  if (!endpoint) throw notFound("endpoint");
  return json(endpoint);
});

export const DELETE = apiRoute<Params>(async ({ userId, params }) => {
  if (!(await deleteEndpoint(userId, params.id))) throw notFound("endpoint");
  return noContent();
});

export const { POST, PUT, OPTIONS } = methodNotAllowed("GET", "PATCH", "DELETE");
