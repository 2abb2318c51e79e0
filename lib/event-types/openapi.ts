/**
 * The account's catalog as an OpenAPI 3.1 document with one `webhooks` entry per event type
 * (GET /api/v1/event-types/openapi.json), so the receiving side can generate types and
 * handlers from it. Each entry describes the request Hookline sends: the Standard Webhooks
 * headers and the body `{type, timestamp, data}` (lib/webhooks/body.ts), `data` being the
 * type's schema, kept under `components.schemas` by the type's name with its `$ref`s rebased.
 */
import { VERSION } from "../version";
import type { EventTypeDto } from "./queries";
import { rebaseRefs } from "./schema";

const SIGNATURE_HEADERS = [
  { name: "webhook-id", description: "The event's id (`msg_…`): the same for every attempt, so a receiver can drop duplicates." },
  { name: "webhook-timestamp", description: "Unix seconds when this attempt was signed; refuse old ones (replay protection)." },
  { name: "webhook-signature", description: "`v1,<base64 HMAC-SHA256>` of `id.timestamp.body` with the endpoint's secret; several, space-separated, while a rotated secret overlaps." },
].map(({ name, description }) => ({ name, in: "header", required: true, description, schema: { type: "string" } }));

const escapePointer = (text: string) => text.replace(/~/g, "~0").replace(/\//g, "~1");

export function catalogOpenApiDocument(types: EventTypeDto[]) {
  const schemas: Record<string, unknown> = {};
  const webhooks: Record<string, unknown> = {};
  for (const type of types) {
    const ref = `#/components/schemas/${escapePointer(type.name)}`;
    if (type.schema !== null) schemas[type.name] = rebaseRefs(type.schema, ref);
    const body = {
      type: "object",
      required: ["type", "timestamp", "data"],
      properties: {
        type: { const: type.name },
        timestamp: { type: "string", format: "date-time", description: "When the event was created." },
        data: type.schema === null ? {} : { $ref: ref },
      },
    };
    webhooks[type.name] = {
      post: {
        operationId: type.name,
        summary: type.name,
        ...(type.description ? { description: type.description } : {}),
        ...(type.deprecated ? { deprecated: true } : {}),
        parameters: SIGNATURE_HEADERS,
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: body,
              ...(type.example !== null ? { example: { type: type.name, timestamp: type.updatedAt, data: type.example } } : {}),
            },
          },
        },
        responses: { "2XX": { description: "Received. Any 2xx status acknowledges the webhook; any other answer, or none within the timeout, is retried." } },
      },
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Webhooks",
      version: types.reduce((latest, type) => (type.updatedAt > latest ? type.updatedAt : latest), "0"),
      description: `The webhooks this account sends through Hookline ${VERSION}: one entry per event type of its catalog. Every request is signed per Standard Webhooks 1.0.`,
    },
    webhooks,
    components: { schemas },
  };
}
