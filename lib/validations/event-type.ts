import { z } from "zod";
import { compileSchema, validateData } from "../event-types/schema";
import { pageQuerySchema } from "./delivery";
import { createEventSchema, eventType, MAX_EVENT_DATA_BYTES } from "./event";
import { jsonFormField } from "./json-field";

/**
 * Names no entry can have: its page and API path would not reach it ("openapi.json" is the
 * catalog's OpenAPI document; "." and ".." are path segments URLs resolve away).
 */
export const RESERVED_EVENT_TYPE_NAMES = ["openapi.json", ".", ".."];

export const eventTypeName = eventType.refine((name) => !RESERVED_EVENT_TYPE_NAMES.includes(name), {
  message: "This name is reserved: openapi.json, . and .. cannot be reached by their URL",
});

const description = z.string({ error: "description must be a string" }).trim().max(1000, "description must be at most 1,000 characters");

// The events' own JSON value schema, so the OpenAPI document names it once (JsonValue).
const jsonValue = createEventSchema.shape.data;

/** A JSON Schema (2020-12) the catalog accepts: lib/event-types/schema.ts says which. Null: no schema. */
const schema = jsonValue.nullable().superRefine((value, ctx) => {
  if (value === null) return;
  const compiled = compileSchema(value);
  if ("problems" in compiled) for (const message of compiled.problems) ctx.addIssue({ code: "custom", message });
});

const example = jsonValue.nullable().refine((value) => value === null || Buffer.byteLength(JSON.stringify(value)) <= MAX_EVENT_DATA_BYTES, {
  message: `example must be at most ${MAX_EVENT_DATA_BYTES / 1024} KiB of JSON`,
});

/**
 * The example, checked against the schema it goes with: one issue per error, under
 * `example/<JSON pointer>`. Called once both are known (a PATCH may change either).
 */
export function exampleProblems(schemaValue: unknown, exampleValue: unknown): Record<string, string[]> {
  if (schemaValue === null || schemaValue === undefined || exampleValue === null || exampleValue === undefined) return {};
  const compiled = compileSchema(schemaValue);
  if ("problems" in compiled) return {};
  const { errors } = validateData(compiled.validate, exampleValue);
  const problems: Record<string, string[]> = {};
  for (const error of errors) (problems[`example${error.pointer}`] ??= []).push(`Does not match the schema: ${error.message}`);
  return problems;
}

/** POST /api/v1/event-types. */
export const createEventTypeSchema = z.strictObject({
  name: eventTypeName.describe("The event type it describes, e.g. `order.created`."),
  description: description.default(""),
  schema: schema.default(null).describe("JSON Schema (2020-12) of the events' `data`; events of this type are validated against it on ingest. Null: any data."),
  example: example.default(null).describe("An example of `data` (valid against `schema`); Send test event sends it."),
  deprecated: z.boolean({ error: "deprecated must be true or false" }).default(false),
});

/** PATCH /api/v1/event-types/{name}: any subset of the fields but the name. */
export const updateEventTypeSchema = z.strictObject({
  description: description.optional(),
  schema: schema.optional(),
  example: example.optional(),
  deprecated: z.boolean({ error: "deprecated must be true or false" }).optional(),
});

export type CreateEventTypeInput = z.output<typeof createEventTypeSchema>;
export type UpdateEventTypeInput = z.output<typeof updateEventTypeSchema>;

/** Pages by name: `cursor` is the last name of the previous page. */
export const eventTypeListQuerySchema = pageQuerySchema.extend({ cursor: eventType.optional() });

/** The dashboard's event-type form: the API's fields as form text. */
export const eventTypeFormSchema = z.object({
  description,
  schema: jsonFormField("Schema", "null").pipe(schema),
  example: jsonFormField("Example", "null").pipe(example),
  deprecated: z
    .string()
    .optional()
    .transform((value) => value === "on"),
});

export const newEventTypeFormSchema = eventTypeFormSchema.extend({ name: eventTypeName });
