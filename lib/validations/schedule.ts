import { z } from "zod";
import { displayName } from "./text";
import { env } from "../env";
import { scheduleIntervalProblem } from "../quotas";
import { canonicalTimezone, cronProblem, MAX_CRON_LENGTH } from "../schedules/cron";
import { maxFilledBytes, PLACEHOLDERS, unknownPlaceholders } from "../schedules/template";
import { pageQuerySchema } from "./delivery";
import { MAX_EVENT_DATA_BYTES, createEventSchema, eventType } from "./event";
import { jsonFormField } from "./json-field";

/** Nesting accepted in a schedule's data (the API's body limit too; see lib/api/http.ts). */
export const MAX_SCHEDULE_DATA_DEPTH = 64;

const name = displayName;

export const cronExpression = z
  .string({ error: "Cron is required" })
  .trim()
  // Refused by length before croner parses it (abort: the refinement below does not run).
  .max(MAX_CRON_LENGTH, { message: `Cron must be at most ${MAX_CRON_LENGTH} characters`, abort: true })
  .superRefine((text, ctx) => {
    const problem = cronProblem(text) ?? scheduleIntervalProblem(text, env.HOOKLINE_MIN_SCHEDULE_INTERVAL, Date.now());
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

export const timezone = z
  .string({ error: "Timezone must be a string" })
  .trim()
  .transform((text, ctx) => {
    const zone = canonicalTimezone(text);
    if (!zone) {
      ctx.addIssue({ code: "custom", message: `Unknown time zone "${text}": use an IANA name such as UTC or Europe/Paris` });
      return z.NEVER;
    }
    return zone;
  });

/** Depth of nested objects and arrays (iterative: any input is safe). */
function depthOf(value: unknown): number {
  let deepest = 0;
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (stack.length) {
    const item = stack.pop()!;
    if (item.value === null || typeof item.value !== "object") continue;
    deepest = Math.max(deepest, item.depth + 1);
    if (deepest > MAX_SCHEDULE_DATA_DEPTH) return deepest;
    for (const child of Object.values(item.value)) stack.push({ value: child, depth: item.depth + 1 });
  }
  return deepest;
}

/** The events' data: a JSON object, at most 256 KiB, whose placeholders are all known. */
// Values are the events' own JSON schema, so the OpenAPI document names it once (JsonValue).
export const scheduleData = z.record(z.string(), createEventSchema.shape.data, { error: "Data must be a JSON object, e.g. {\"message\": \"Hi\"}" }).superRefine((data, ctx) => {
  if (depthOf(data) > MAX_SCHEDULE_DATA_DEPTH) {
    ctx.addIssue({ code: "custom", message: `Data must not be nested more than ${MAX_SCHEDULE_DATA_DEPTH} levels deep` });
    return;
  }
  if (Buffer.byteLength(JSON.stringify(data)) > MAX_EVENT_DATA_BYTES) {
    ctx.addIssue({ code: "custom", message: `Data must be at most ${MAX_EVENT_DATA_BYTES / 1024} KiB` });
  } else if (maxFilledBytes(data) > MAX_EVENT_DATA_BYTES) {
    ctx.addIssue({
      code: "custom",
      message: `Data must be at most ${MAX_EVENT_DATA_BYTES / 1024} KiB with its placeholders filled in: each {{schedule.name}} or {{endpoint.name}} counts as up to 600 bytes`,
    });
  }
  const unknown = unknownPlaceholders(data);
  if (unknown.length) {
    ctx.addIssue({
      code: "custom",
      message: `Unknown placeholder ${unknown.map((placeholder) => `{{${placeholder}}}`).join(", ")}; use ${PLACEHOLDERS.map((placeholder) => `{{${placeholder}}}`).join(", ")}`,
    });
  }
});

const endpointId = z.string({ error: "endpointId must be a string or null" }).trim().min(1, "endpointId must not be empty").max(64, "No such endpoint in this account");

/** POST /api/v1/schedules. `endpointId` null or absent: every endpoint whose filter matches `type`. */
export const createScheduleSchema = z.strictObject({
  name,
  cron: cronExpression.describe('Five fields, or six with seconds first: `*/5 * * * * *` is every 5 seconds.'),
  timezone: timezone.default("UTC").describe("IANA time zone the expression is read in."),
  type: eventType.describe("Type of the events it creates."),
  data: scheduleData
    .default({})
    .describe("The events' data. String values may use {{time}}, {{endpoint.name}}, {{endpoint.id}}, {{schedule.name}}, {{schedule.id}}; with {{endpoint.…}} each endpoint gets its own event."),
  endpointId: endpointId.nullable().default(null).describe("Only this endpoint; null: every endpoint whose filter matches `type`."),
  paused: z.boolean({ error: "paused must be true or false" }).default(false),
});

/** PATCH /api/v1/schedules/{id}: any subset of the fields. */
export const updateScheduleSchema = z.strictObject({
  name: name.optional(),
  cron: cronExpression.optional(),
  timezone: timezone.optional(),
  type: eventType.optional(),
  data: scheduleData.optional(),
  endpointId: endpointId.nullable().optional(),
  paused: z.boolean({ error: "paused must be true or false" }).optional(),
});

export type CreateScheduleInput = z.output<typeof createScheduleSchema>;
export type UpdateScheduleInput = z.output<typeof updateScheduleSchema>;

export const scheduleListQuerySchema = pageQuerySchema;

/** The dashboard's schedule form: the API's fields as form text (empty endpoint = all). */
export const scheduleFormSchema = z.object({
  name,
  cron: cronExpression,
  timezone: z.string().trim().transform((text) => text || "UTC").pipe(timezone),
  type: eventType,
  data: jsonFormField("Data", "{}").pipe(scheduleData),
  endpointId: z
    .string()
    .trim()
    .max(64)
    .transform((text) => text || null),
});

export type ScheduleFormInput = z.output<typeof scheduleFormSchema>;
