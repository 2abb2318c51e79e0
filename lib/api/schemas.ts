/**
 * The API's response shapes as zod schemas, for the OpenAPI document. The request schemas
 * live in lib/validations/ and are the very ones the routes validate with.
 */
import { z } from "zod";
import { ATTEMPTS_SHOWN, DELIVERY_STATUSES } from "../deliveries/queries";
import { AHEAD_COUNTED, ORDERINGS } from "../events/ordering";

const time = z.iso.datetime();

export const endpointDto = z.object({
  id: z.string().describe("`ep_…`"),
  name: z.string(),
  url: z.string(),
  description: z.string(),
  enabled: z.boolean(),
  eventTypes: z.array(z.string()).describe("Empty: every event type."),
  headers: z.record(z.string(), z.string()),
  disabledReason: z.string().nullable().describe("Why the endpoint was disabled automatically, if it was."),
  ordering: z.enum(ORDERINGS).describe("`fifo`: per `orderingKey`, one delivery at a time, in event order; other keys in parallel."),
  consumer: z.string().nullable().describe("The uid of the consumer it belongs to; null: an account-level endpoint."),
  createdAt: time,
});

export const endpointWithSecretDto = endpointDto.extend({
  secret: z.string().describe("`whsec_…`: verify `webhook-signature` with it (Standard Webhooks)."),
});

export const rotatedEndpointDto = endpointWithSecretDto.extend({
  previousSecretExpiresAt: time.describe("Until then the previous secret signs beside the new one."),
});

export const eventDto = z.object({
  id: z.string().describe("`msg_…`, sent as `webhook-id`"),
  type: z.string(),
  data: z.json(),
  orderingKey: z.string().optional().describe("Only on events sent with one: FIFO endpoints deliver one key's events in order."),
  consumer: z.string().optional().describe("Only on events sent for a consumer: its uid."),
  createdAt: time,
});

export const createdEventDto = eventDto.extend({ deliveries: z.number().int().describe("Deliveries created (one per matching enabled endpoint).") });

export const deliveryDto = z.object({
  id: z.string().describe("`dlv_…`"),
  eventId: z.string(),
  endpointId: z.string(),
  status: z.enum(DELIVERY_STATUSES),
  attempts: z.number().int(),
  nextAttemptAt: time.nullable(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: time,
});

export const attemptDto = z.object({
  id: z.string(),
  number: z.number().int(),
  startedAt: time,
  durationMs: z.number().int(),
  requestHeaders: z.record(z.string(), z.string()),
  responseStatus: z.number().int().nullable(),
  responseHeaders: z.record(z.string(), z.string()).nullable(),
  responseBody: z.string().nullable().describe("The first 64 KiB."),
  error: z.string().nullable(),
});

export const deliveryDetailDto = deliveryDto.extend({
  attemptLog: z.array(attemptDto).describe(`The latest ${ATTEMPTS_SHOWN} attempts, oldest first.`),
  earlierAttempts: z.number().int().describe("How many attempts came before the first in attemptLog: GET /api/v1/deliveries/{id}/attempts pages through them all."),
  waitingBehind: z
    .object({
      deliveryId: z.string().describe("The delivery its ordering key is on now."),
      orderingKey: z.string().describe('"" for events sent without one.'),
      ahead: z.number().int().describe(`Deliveries before it in its key's queue (counted up to ${AHEAD_COUNTED}).`),
    })
    .nullable()
    .describe("Towards a FIFO endpoint: what this pending delivery waits for; null otherwise."),
});

export const scheduleDto = z.object({
  id: z.string().describe("`sch_…`"),
  name: z.string(),
  cron: z.string().describe("Five fields, or six with seconds first."),
  timezone: z.string().describe("IANA time zone the expression is read in."),
  type: z.string().describe("Type of the events it creates."),
  data: z.record(z.string(), eventDto.shape.data).describe("The events' data, placeholders as written (filled at each tick)."),
  endpointId: z.string().nullable().describe("The one endpoint it sends to; null: every endpoint whose filter matches `type`."),
  paused: z.boolean(),
  nextRunAt: time.nullable().describe("The next tick; null while paused."),
});

// After eventDto: its `data` (any JSON value, named JsonValue in the document) is reused.
export const eventTypeDto = z.object({
  name: z.string().describe("The event type it describes, e.g. `order.created`."),
  description: z.string(),
  schema: eventDto.shape.data.nullable().describe("JSON Schema (2020-12) of the events' `data`; null: any data."),
  example: eventDto.shape.data.nullable().describe("An example of `data`, valid against `schema`."),
  deprecated: z.boolean(),
  createdAt: time,
  updatedAt: time,
});

export const consumerDto = z.object({
  uid: z.string().describe("Your own identifier for this customer (SPEC §12)."),
  name: z.string(),
  createdAt: time,
  updatedAt: time,
});

export const portalLinkDto = z.object({
  url: z.string().describe("Opens the consumer's endpoint portal; hand it to that customer (or show it in an iframe). Whoever holds it is signed in as the consumer until it expires."),
  expiresAt: time.describe("When the link and the sessions opened from it end."),
});

export const recoveredDto = z.object({ recovered: z.number().int().describe("Failed deliveries re-queued.") });

export const problemDto = z.object({
  type: z.string(),
  status: z.number().int(),
  title: z.string(),
  detail: z.string(),
  errors: z.record(z.string(), z.array(z.string())).optional().describe("Per-field messages, for validation errors."),
});

export const pageOf = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item), nextCursor: z.string().nullable() });
