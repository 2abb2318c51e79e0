import { ApiError, apiRoute, json, methodNotAllowed, parseWith, queryOf, readJson } from "@/lib/api/http";
import { createConsumer, listConsumers } from "@/lib/consumers/queries";
import { consumerListQuerySchema, createConsumerSchema } from "@/lib/validations/consumer";

export const GET = apiRoute(async ({ request, userId }) => json(await listConsumers(userId, parseWith(consumerListQuerySchema, queryOf(request)))));

export const POST = apiRoute(async ({ request, userId }) => {
  const created = await createConsumer(userId, await readJson(request, createConsumerSchema));
  if ("conflict" in created) throw new ApiError(409, "Conflict", created.conflict);
  return json(created, 201);
});

export const { PUT, PATCH, DELETE, OPTIONS } = methodNotAllowed("GET", "POST");
