/**
 * POST /api/v1/events for an authenticated account: the body, checked, becomes an event and its
 * deliveries (202). Served by the route handler (app/api/v1/events/route.ts) and, without Next's
 * Request and Response objects, by scripts/server.ts, which takes the product's traffic.
 */
import { z } from "zod";
import { eventDataErrors } from "../event-types/check-data";
import { createEvent } from "../events/queries";
import { idempotencyKey, MAX_EVENT_DATA_BYTES, type createEventSchema } from "../validations/event";
import { consumerIdFromBody } from "./consumer";
import { ApiError, jsonAnswer, parseWith, type ApiAnswer } from "./http";

/** `body` is the request's, read with createEventSchema (the route documents it). */
export async function acceptEvent(userId: string, body: z.infer<typeof createEventSchema>, idempotencyHeader: string | null): Promise<ApiAnswer> {
  const payload = JSON.stringify(body.data);
  if (Buffer.byteLength(payload) > MAX_EVENT_DATA_BYTES) {
    throw new ApiError(413, "Content Too Large", `Event data must be at most ${MAX_EVENT_DATA_BYTES} bytes of JSON.`);
  }
  await checkAgainstCatalog(userId, body.type, body.data);
  const header = idempotencyHeader ?? undefined;
  if (header !== undefined && body.idempotencyKey !== undefined && header !== body.idempotencyKey) {
    throw new ApiError(422, "Unprocessable Content", "The Idempotency-Key header and idempotencyKey field differ.", {
      errors: { idempotencyKey: ["Must match the Idempotency-Key header when both are sent"] },
    });
  }
  // Validated as the field it stands for, so a bad header is reported under `idempotencyKey`.
  const key = body.idempotencyKey ?? (header === undefined ? undefined : parseWith(z.object({ idempotencyKey }), { idempotencyKey: header }).idempotencyKey);
  const consumerId = await consumerIdFromBody(userId, body.consumer);
  const consumer = consumerId ? { id: consumerId, uid: body.consumer! } : undefined;
  const { replayed, ...event } = await createEvent(userId, { type: body.type, payload, idempotencyKey: key, orderingKey: body.orderingKey, consumer });
  return jsonAnswer(event, 202, replayed ? { "idempotent-replayed": "true" } : {});
}

/**
 * An event whose type has a schema in the account's catalog must match it: 422 with each error
 * under the JSON pointer of the value it is about (`/data/amount`).
 */
async function checkAgainstCatalog(userId: string, type: string, data: unknown): Promise<void> {
  const { errors, total } = await eventDataErrors(userId, type, data);
  if (total === 0) return;
  const byPointer: Record<string, string[]> = {};
  for (const error of errors) (byPointer[`/data${error.pointer}`] ??= []).push(error.message);
  const shown = total > errors.length ? ` (the first ${errors.length} of ${total} are listed)` : "";
  throw new ApiError(422, "Unprocessable Content", `The data does not match the schema of ${type} in this account's event-type catalog; see \`errors\`${shown}.`, { errors: byPointer });
}
