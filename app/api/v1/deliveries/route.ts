import { apiRoute, json, methodNotAllowed, parseWith, queryOf } from "@/lib/api/http";
import { listDeliveries, toDeliveryDto } from "@/lib/deliveries/queries";
import { deliveryListQuerySchema } from "@/lib/validations/delivery";

export const GET = apiRoute(async ({ request, userId }) => {
  const page = await listDeliveries(userId, parseWith(deliveryListQuerySchema, queryOf(request)));
  return json({ data: page.data.map(toDeliveryDto), nextCursor: page.nextCursor });
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodNotAllowed("GET");
