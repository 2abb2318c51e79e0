import { z } from "zod";
import { withoutNul } from "./text";
import { MAX_ORDERING_KEY_LENGTH } from "../events/ordering";
import { consumerUid } from "./consumer";
import { jsonFormField } from "./json-field";
import { pageQuerySchema, searchQuery } from "./delivery";

export const EVENT_TYPE_PATTERN = /^[a-zA-Z0-9_.-]{1,128}$/;
export const MAX_EVENT_DATA_BYTES = 256 * 1024;

export const eventType = z
  .string({ error: "Type is required" })
  .regex(EVENT_TYPE_PATTERN, "Type must be 1–128 characters of letters, digits, '_', '.' or '-'");

export const idempotencyKey = z
  .string({ error: "idempotencyKey must be a string" })
  .min(1, "idempotencyKey must not be empty")
  .max(255, "idempotencyKey must be at most 255 characters")
  .refine(...withoutNul("idempotencyKey"));

/** FIFO endpoints deliver the events of one key in order, one at a time (SPEC §11, lib/store/fifo.ts). */
export const orderingKey = z
  .string({ error: "orderingKey must be a string" })
  .min(1, "orderingKey must not be empty")
  .max(MAX_ORDERING_KEY_LENGTH, `orderingKey must be at most ${MAX_ORDERING_KEY_LENGTH} characters`)
  .regex(/^[^\u0000-\u001f\u007f]*$/, "orderingKey must not contain control characters");

/** POST /api/v1/events. `data` is any JSON value (its size is checked after parsing: 413). */
export const createEventSchema = z.strictObject({
  type: eventType,
  data: z.json({ error: "data must be a JSON value" }),
  idempotencyKey: idempotencyKey.optional(),
  orderingKey: orderingKey.optional(),
  consumer: consumerUid.optional().describe("The uid of the consumer it is for (SPEC §12): it goes to that consumer's matching endpoints only. Absent: the account-level endpoints."),
});

export type CreateEventInput = z.infer<typeof createEventSchema>;

export const eventListQuerySchema = pageQuerySchema.extend({ type: eventType.optional(), q: searchQuery.optional() });

/** The dashboard's "Send event" form: the data arrives as JSON text. */
export const sendEventFormSchema = z.object({
  type: eventType,
  data: jsonFormField("Data", "null", z.string().max(MAX_EVENT_DATA_BYTES, `Data must be at most ${MAX_EVENT_DATA_BYTES / 1024} KiB`)).transform((value) => JSON.stringify(value)),
  orderingKey: z
    .string()
    .trim()
    .max(MAX_ORDERING_KEY_LENGTH, `Ordering key must be at most ${MAX_ORDERING_KEY_LENGTH} characters`)
    .regex(/^[^\u0000-\u001f\u007f]*$/, "Ordering key must not contain control characters")
    .transform((text) => text || undefined),
});
