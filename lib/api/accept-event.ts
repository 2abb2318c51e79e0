/**
 * POST /api/v1/events for an authenticated account: the body, checked, becomes an event and its
 * deliveries (202). Served by the route handler (app/api/v1/events/route.ts) and, without Next's
 * Request and Response objects, by scripts/server.ts, which takes the product's traffic.
 */
import { z } from "zod";
import { createEvent } from "../events/queries";
import { idempotencyKey, MAX_EVENT_DATA_BYTES, type createEventSchema } from "../validations/event";
import { ApiError, jsonAnswer, parseWith, type ApiAnswer } from "./http";

/** `body` is the request's, read with createEventSchema (the route documents it). */
export async function acceptEvent(userId: string, body: z.infer<typeof createEventSchema>, idempotencyHeader: string | null): Promise<ApiAnswer> {
  const payload = JSON.stringify(body.data);
  if (Buffer.byteLength(payload) > MAX_EVENT_DATA_BYTES) {
    throw new ApiError(413, "Content Too Large", `Event data must be at most ${MAX_EVENT_DATA_BYTES} bytes of JSON.`);
  }
  const header = idempotencyHeader ?? undefined;
  if (header !== undefined && body.idempotencyKey !== undefined && header !== body.idempotencyKey) {
    throw new ApiError(422, "Unprocessable Content", "The Idempotency-Key header and idempotencyKey field differ.", {
      errors: { idempotencyKey: ["Must match the Idempotency-Key header when both are sent"] },
    });
  }
  // Validated as the field it stands for, so a bad header is reported under `idempotencyKey`.
  const key = body.idempotencyKey ?? (header === undefined ? undefined : parseWith(z.object({ idempotencyKey }), { idempotencyKey: header }).idempotencyKey);
  const { replayed, ...event } = await createEvent(userId, { type: body.type, payload, idempotencyKey: key });
  return jsonAnswer(event, 202, replayed ? { "idempotent-replayed": "true" } : {});
}
