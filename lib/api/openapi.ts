/**
 * The OpenAPI 3.1 document, generated from the same zod schemas the routes validate with, so
 * it cannot drift from what the API accepts. Every route under app/api/v1 must be listed in
 * ROUTES (a test fails otherwise).
 */
import { z } from "zod";
import { VERSION } from "../version";
import { attemptPageQuerySchema, deliveryListQuerySchema, pageQuerySchema } from "../validations/delivery";
import { createEndpointApiSchema, recoverSchema, updateEndpointSchema } from "../validations/endpoint";
import { createEventSchema, eventListQuerySchema } from "../validations/event";
import { createEventTypeSchema, eventTypeListQuerySchema, updateEventTypeSchema } from "../validations/event-type";
import { consumerListQuerySchema, createConsumerSchema, updateConsumerSchema } from "../validations/consumer";
import { createPortalLinkSchema } from "../validations/portal";
import { createScheduleSchema, scheduleListQuerySchema, updateScheduleSchema } from "../validations/schedule";
import {
  consumerDto,
  createdEventDto,
  attemptDto,
  deliveryDetailDto,
  deliveryDto,
  endpointDto,
  endpointWithSecretDto,
  eventDto,
  eventTypeDto,
  pageOf,
  portalLinkDto,
  problemDto,
  recoveredDto,
  rotatedEndpointDto,
  scheduleDto,
} from "./schemas";

type Method = "get" | "post" | "patch" | "delete";

export interface RouteDoc {
  method: Method;
  path: string;
  summary: string;
  query?: z.ZodObject;
  body?: z.ZodType;
  status: number;
  response?: z.ZodType;
  /** Error statuses besides 401/429 (which every route may answer). */
  errors: number[];
}

export const ROUTES: RouteDoc[] = [
  { method: "get", path: "/api/v1/endpoints", summary: "List endpoints", query: pageQuerySchema, status: 200, response: pageOf(endpointDto), errors: [422] },
  { method: "post", path: "/api/v1/endpoints", summary: "Create an endpoint (`destination` is an alias of `url`)", body: createEndpointApiSchema, status: 201, response: endpointWithSecretDto, errors: [400, 403, 413, 415, 422] },
  { method: "get", path: "/api/v1/endpoints/{id}", summary: "Get an endpoint", status: 200, response: endpointDto, errors: [404] },
  { method: "patch", path: "/api/v1/endpoints/{id}", summary: "Update an endpoint", body: updateEndpointSchema, status: 200, response: endpointDto, errors: [400, 404, 413, 415, 422] },
  { method: "delete", path: "/api/v1/endpoints/{id}", summary: "Delete an endpoint (its history stays in the log)", status: 204, errors: [404] },
  { method: "post", path: "/api/v1/endpoints/{id}/rotate-secret", summary: "Rotate the signing secret (the old one signs alongside for 24 h)", status: 200, response: rotatedEndpointDto, errors: [404] },
  { method: "post", path: "/api/v1/endpoints/{id}/test", summary: "Send a `webhook.test` event to this endpoint only", status: 202, response: createdEventDto, errors: [404, 409] },
  { method: "post", path: "/api/v1/endpoints/{id}/recover", summary: "Re-queue the endpoint's failed deliveries created since a time", body: recoverSchema, status: 202, response: recoveredDto, errors: [400, 404, 409, 415, 422] },
  { method: "post", path: "/api/v1/events", summary: "Send an event (fans out to every matching enabled endpoint; `Idempotency-Key` header or `idempotencyKey` field)", body: createEventSchema, status: 202, response: createdEventDto, errors: [400, 413, 415, 422] },
  { method: "get", path: "/api/v1/events", summary: "List events", query: eventListQuerySchema, status: 200, response: pageOf(eventDto), errors: [422] },
  { method: "get", path: "/api/v1/events/{id}", summary: "Get an event", status: 200, response: eventDto, errors: [404] },
  { method: "post", path: "/api/v1/event-types", summary: "Add an event type to the catalog (events of a type with a schema are validated against it)", body: createEventTypeSchema, status: 201, response: eventTypeDto, errors: [400, 403, 409, 413, 415, 422] },
  { method: "get", path: "/api/v1/event-types", summary: "List the event-type catalog, by name", query: eventTypeListQuerySchema, status: 200, response: pageOf(eventTypeDto), errors: [422] },
  { method: "get", path: "/api/v1/event-types/openapi.json", summary: "The catalog as an OpenAPI 3.1 document, one `webhooks` entry per event type", status: 200, response: z.looseObject({ openapi: z.literal("3.1.0"), webhooks: z.record(z.string(), z.unknown()) }), errors: [] },
  { method: "get", path: "/api/v1/event-types/{name}", summary: "Get an event type", status: 200, response: eventTypeDto, errors: [404] },
  { method: "patch", path: "/api/v1/event-types/{name}", summary: "Update an event type's description, schema, example or deprecation", body: updateEventTypeSchema, status: 200, response: eventTypeDto, errors: [400, 403, 404, 413, 415, 422] },
  { method: "post", path: "/api/v1/consumers", summary: "Add a consumer: one of your customers, owning some of your endpoints", body: createConsumerSchema, status: 201, response: consumerDto, errors: [400, 403, 409, 413, 415, 422] },
  { method: "get", path: "/api/v1/consumers", summary: "List consumers, by uid", query: consumerListQuerySchema, status: 200, response: pageOf(consumerDto), errors: [422] },
  { method: "get", path: "/api/v1/consumers/{uid}", summary: "Get a consumer", status: 200, response: consumerDto, errors: [404] },
  { method: "patch", path: "/api/v1/consumers/{uid}", summary: "Rename a consumer", body: updateConsumerSchema, status: 200, response: consumerDto, errors: [400, 404, 413, 415, 422] },
  { method: "delete", path: "/api/v1/consumers/{uid}", summary: "Delete a consumer and its endpoints (their history stays in the log)", status: 204, errors: [404] },
  { method: "post", path: "/api/v1/consumers/{uid}/portal-links", summary: "Create a link to the consumer's endpoint portal (signed, default 1 hour, at most 7 days); the body is optional", body: createPortalLinkSchema, status: 201, response: portalLinkDto, errors: [400, 404, 413, 415, 422] },
  { method: "delete", path: "/api/v1/consumers/{uid}/portal-links", summary: "Revoke every portal link of the consumer, ending the sessions opened from them", status: 204, errors: [404] },
  { method: "delete", path: "/api/v1/event-types/{name}", summary: "Remove an event type from the catalog (its events stay in the log; new ones are no longer validated)", status: 204, errors: [404] },
  { method: "get", path: "/api/v1/deliveries", summary: "List deliveries", query: deliveryListQuerySchema, status: 200, response: pageOf(deliveryDto), errors: [422] },
  { method: "get", path: "/api/v1/deliveries/{id}", summary: "Get a delivery with its latest attempts", status: 200, response: deliveryDetailDto, errors: [404] },
  { method: "get", path: "/api/v1/deliveries/{id}/attempts", summary: "List a delivery's attempts", query: attemptPageQuerySchema, status: 200, response: pageOf(attemptDto), errors: [404, 422] },
  { method: "post", path: "/api/v1/deliveries/{id}/retry", summary: "Retry a failed delivery, or replay a succeeded one", status: 202, response: deliveryDto, errors: [404, 409] },
  { method: "post", path: "/api/v1/schedules", summary: "Create a schedule: events of `type` on a cron expression (seconds allowed)", body: createScheduleSchema, status: 201, response: scheduleDto, errors: [400, 403, 413, 415, 422] },
  { method: "get", path: "/api/v1/schedules", summary: "List schedules", query: scheduleListQuerySchema, status: 200, response: pageOf(scheduleDto), errors: [422] },
  { method: "get", path: "/api/v1/schedules/{id}", summary: "Get a schedule", status: 200, response: scheduleDto, errors: [404] },
  { method: "patch", path: "/api/v1/schedules/{id}", summary: "Update, pause (`paused: true`) or resume a schedule", body: updateScheduleSchema, status: 200, response: scheduleDto, errors: [400, 404, 413, 415, 422] },
  { method: "delete", path: "/api/v1/schedules/{id}", summary: "Delete a schedule (the events it made stay in the log)", status: 204, errors: [404] },
];

const ERROR_TEXT: Record<number, string> = {
  400: "Malformed JSON",
  401: "Missing, unknown or revoked API key",
  403: "Quota exceeded: the account has as many as the operator allows (HOOKLINE_MAX_ENDPOINTS, HOOKLINE_MAX_SCHEDULES, HOOKLINE_MAX_EVENT_TYPES), or its catalog's schemas and examples would pass HOOKLINE_MAX_CATALOG_BYTES",
  404: "No such object in this account",
  409: "Conflicts with the object's state (or, for an event type, its name is taken)",
  413: "Body or event data too large",
  415: "Body is not JSON",
  422: "Invalid fields (see `errors`)",
  429: "The account's rate limit is exceeded, all its keys together (see `Retry-After`)",
};

/**
 * `data` is any JSON value, a recursive schema: z.toJSONSchema puts it in `$defs` and refers to
 * it as `#/$defs/…`, which inside an OpenAPI document resolves against the document's root. So it
 * gets a name, and schema() hoists every def into `components.schemas`.
 */
for (const jsonValue of [createEventSchema.shape.data, eventDto.shape.data]) {
  z.globalRegistry.add(jsonValue, { ...z.globalRegistry.get(jsonValue), id: "JsonValue", description: "Any JSON value." });
}

/** Schemas that generated schemas refer to, as `#/components/schemas/<id>`. */
const sharedSchemas: Record<string, unknown> = {};

function schema(type: z.ZodType, io: "input" | "output") {
  // The document declares the dialect once; nested `$schema` keys would only be noise.
  const generated: Record<string, unknown> = z.toJSONSchema(type, { io, unrepresentable: "any" });
  delete generated.$schema;
  const json = JSON.parse(JSON.stringify(generated).replaceAll('"#/$defs/', '"#/components/schemas/')) as Record<string, unknown>;
  const defs = (json.$defs ?? {}) as Record<string, unknown>;
  delete json.$defs;
  for (const [id, def] of Object.entries(defs)) {
    // An unnamed def (a new recursive or reused schema) needs `.meta({ id })` to be shared.
    if (id.startsWith("__schema")) throw new Error(`Give the schema behind ${id} an id: z.globalRegistry.add(schema, { id })`);
    if (id in sharedSchemas && JSON.stringify(sharedSchemas[id]) !== JSON.stringify(def)) throw new Error(`Two different schemas are named ${id}`);
    sharedSchemas[id] = def;
  }
  return json;
}

function operation(route: RouteDoc) {
  const parameters = [
    ...[...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({ name, in: "path", required: true, schema: { type: "string" } })),
    ...Object.entries(route.query?.shape ?? {}).map(([name, field]) => ({
      name,
      in: "query",
      required: false,
      schema: schema(field as z.ZodType, "input"),
    })),
  ];
  const problem = { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } };
  return {
    summary: route.summary,
    operationId: `${route.method}${route.path.replace(/\/api\/v1/, "").replace(/[{}]/g, "").replace(/[/.-](\w)/g, (_, c: string) => c.toUpperCase())}`,
    security: [{ apiKey: [] }],
    ...(parameters.length ? { parameters } : {}),
    ...(route.body ? { requestBody: { required: true, content: { "application/json": { schema: schema(route.body, "input") } } } } : {}),
    responses: {
      [route.status]: route.response ? { description: "OK", content: { "application/json": { schema: schema(route.response, "output") } } } : { description: "No content" },
      ...Object.fromEntries([...route.errors, 401, 429].sort().map((status) => [status, { description: ERROR_TEXT[status], content: problem }])),
    },
  };
}

export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) (paths[route.path] ??= {})[route.method] = operation(route);
  return {
    openapi: "3.1.0",
    info: {
      title: "Hookline API",
      version: VERSION,
      description:
        "Send events to your customers' webhook endpoints. Authenticate with `Authorization: Bearer hl_…` (create keys in Settings). Errors are RFC 9457 problem+json. Lists are newest first: pass `nextCursor` as `cursor` for the next page, until it is null (a page of events or schedules holds at most 4 MiB of their data, so it can hold fewer than `limit`).",
    },
    servers: [{ url: "/" }],
    components: {
      securitySchemes: { apiKey: { type: "http", scheme: "bearer", description: "An API key, `hl_…`" } },
      schemas: { Problem: schema(problemDto, "output"), ...sharedSchemas },
    },
    paths,
  };
}
