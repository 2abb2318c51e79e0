import { z } from "zod";
import { ApiError, apiRoute, json, methodNotAllowed, parseWith, queryOf, readJson } from "@/lib/api/http";
import { createEvent, listEvents } from "@/lib/events/queries";
import { createEventSchema, eventListQuerySchema, idempotencyKey, MAX_EVENT_DATA_BYTES } from "@/lib/validations/event";

export const GET = apiRoute(async ({ request, userId }) => json(await listEvents(userId, parseWith(eventListQuerySchema, queryOf(request)))));

export const POST = apiRoute(async ({ request, userId }) => {
  const body = await readJson(request, createEventSchema);
  const payload = JSON.stringify(body.data);
  if (Buffer.byteLength(payload) > MAX_EVENT_DATA_BYTES) {
    throw new ApiError(413, "Content Too Large", `Event data must be at most ${MAX_EVENT_DATA_BYTES} bytes of JSON.`);
  }
  const header = request.headers.get("idempotency-key") ?? undefined;
  if (header !== undefined && body.idempotencyKey !== undefined && header !== body.idempotencyKey) {
    throw new ApiError(422, "Unprocessable Content", "The Idempotency-Key header and idempotencyKey field differ.", {
      errors: { idempotencyKey: ["Must match the Idempotency-Key header when both are sent"] },
    });
  }
  // Validated as the field it stands for, so a bad header is reported under `idempotencyKey`.
  const key = body.idempotencyKey ?? (header === undefined ? undefined : parseWith(z.object({ idempotencyKey }), { idempotencyKey: header }).idempotencyKey);
  const { replayed, ...event } = await createEvent(userId, { type: body.type, payload, idempotencyKey: key });
  const response = json(event, 202);
  if (replayed) response.headers.set("idempotent-replayed", "true");
  return response;
});

export const { PUT, PATCH, DELETE, OPTIONS } = methodNotAllowed("GET", "POST");
