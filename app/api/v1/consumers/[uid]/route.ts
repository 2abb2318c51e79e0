import { noSuchConsumer } from "@/lib/api/consumer";
import { apiRoute, json, methodNotAllowed, noContent, readJson } from "@/lib/api/http";
import { deleteConsumer, getConsumer, updateConsumer } from "@/lib/consumers/queries";
import { updateConsumerSchema } from "@/lib/validations/consumer";

type Params = { uid: string };

export const GET = apiRoute<Params>(async ({ userId, params }) => {
  const consumer = await getConsumer(userId, params.uid);
  if (!consumer) throw noSuchConsumer();
  return json(consumer);
});

export const PATCH = apiRoute<Params>(async ({ request, userId, params }) => {
  const updated = await updateConsumer(userId, params.uid, await readJson(request, updateConsumerSchema));
  if (!updated) throw noSuchConsumer();
  return json(updated);
});

/** Deletes the consumer and its endpoints (their history stays in the log). */
export const DELETE = apiRoute<Params>(async ({ userId, params }) => {
  if (!(await deleteConsumer(userId, params.uid))) throw noSuchConsumer();
  return noContent();
});

export const { POST, PUT, OPTIONS } = methodNotAllowed("GET", "PATCH", "DELETE");
