import { apiRoute, json, methodNotAllowed, notFound } from "@/lib/api/http";
import { rotateEndpointSecret } from "@/lib/endpoints/queries";

export const POST = apiRoute<{ id: string }>(async ({ userId, params }) => {
  const endpoint = await rotateEndpointSecret(userId, params.id);
  if (!endpoint) throw notFound("endpoint");
  return json(endpoint);
});

export const { GET, PUT, PATCH, DELETE, HEAD, OPTIONS } = methodNotAllowed("POST");
