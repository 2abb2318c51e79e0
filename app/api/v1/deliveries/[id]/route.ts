import { apiRoute, json, methodNotAllowed, notFound } from "@/lib/api/http";
import { getDelivery, toDeliveryDto } from "@/lib/deliveries/queries";

export const GET = apiRoute<{ id: string }>(async ({ userId, params }) => {
  const delivery = await getDelivery(userId, params.id);
  if (!delivery) throw notFound("delivery");
  return json({ ...toDeliveryDto(delivery), attemptLog: delivery.attemptLog, earlierAttempts: delivery.earlierAttempts, waitingBehind: delivery.waitingBehind });
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodNotAllowed("GET");
