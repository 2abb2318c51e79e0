import { apiRoute, json, methodNotAllowed, notFound, parseWith, queryOf } from "@/lib/api/http";
import { listAttempts } from "@/lib/deliveries/queries";
import { attemptPageQuerySchema } from "@/lib/validations/delivery";

export const GET = apiRoute<{ id: string }>(async ({ request, userId, params }) => {
  const page = await listAttempts(userId, params.id, parseWith(attemptPageQuerySchema, queryOf(request)));
  if (!page) throw notFound("delivery");
  return json(page);
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodNotAllowed("GET");
