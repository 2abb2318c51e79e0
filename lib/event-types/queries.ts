/**
 * The account's event-type catalog (SPEC §11), always read and written through the owning
 * account. Entries are keyed by name, unique per account. A schema and its example are checked
 * together on every write (lib/validations/event-type.ts), so a stored example always matches
 * its stored schema.
 */
import { prisma } from "../db";
import { env } from "../env";
import { newId } from "../ids";
import { QuotaExceededError } from "../quotas";
import { store } from "../store/connection";
import { insertEventTypeWithinQuota, updateEventTypeWithinQuota } from "../store/insert-within-quota";
import { exampleProblems, type CreateEventTypeInput, type UpdateEventTypeInput } from "../validations/event-type";

export interface EventTypeDto {
  name: string;
  description: string;
  schema: unknown;
  example: unknown;
  deprecated: boolean;
  createdAt: string;
  updatedAt: string;
}

const dtoSelect = { name: true, description: true, schema: true, example: true, deprecated: true, createdAt: true, updatedAt: true } as const;

interface EventTypeRow {
  name: string;
  description: string;
  schema: string | null;
  example: string | null;
  deprecated: boolean;
  createdAt: Date;
  updatedAt: Date;
}

function toDto(row: EventTypeRow): EventTypeDto {
  return {
    name: row.name,
    description: row.description,
    schema: row.schema === null ? null : JSON.parse(row.schema),
    example: row.example === null ? null : JSON.parse(row.example),
    deprecated: row.deprecated,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const asText = (value: unknown) => (value === null ? null : JSON.stringify(value));

/** Field errors only the catalog can tell: a name taken, an example that does not match its schema. */
export type EventTypeProblem = { conflict: string } | { fieldErrors: Record<string, string[]> };

/** A page of the catalog in name order (`name > cursor`). */
export async function listEventTypes(userId: string, page: { cursor?: string; limit?: number } = {}): Promise<{ data: EventTypeDto[]; nextCursor: string | null }> {
  const limit = page.limit ?? 50;
  const rows = await prisma.eventType.findMany({
    where: { userId, ...(page.cursor ? { name: { gt: page.cursor } } : {}) },
    select: dtoSelect,
    orderBy: { name: "asc" },
    take: limit + 1,
  });
  const data = rows.slice(0, limit).map(toDto);
  return { data, nextCursor: rows.length > limit ? data[data.length - 1].name : null };
}

/** Every name in the catalog (at most HOOKLINE_MAX_EVENT_TYPES), for the dashboard's pickers. */
export async function eventTypeNames(userId: string): Promise<Array<{ name: string; deprecated: boolean; hasExample: boolean }>> {
  // Which have an example, asked of the database: the examples themselves are not needed here.
  const [rows, withExample] = await Promise.all([
    prisma.eventType.findMany({ where: { userId }, select: { name: true, deprecated: true }, orderBy: { name: "asc" } }),
    prisma.eventType.findMany({ where: { userId, example: { not: null } }, select: { name: true } }),
  ]);
  const hasExample = new Set(withExample.map((row) => row.name));
  return rows.map((row) => ({ ...row, hasExample: hasExample.has(row.name) }));
}

export async function getEventType(userId: string, name: string): Promise<EventTypeDto | null> {
  const row = await prisma.eventType.findUnique({ where: { userId_name: { userId, name } }, select: dtoSelect });
  return row ? toDto(row) : null;
}

/**
 * Creates the entry; throws QuotaExceededError when the account has HOOKLINE_MAX_EVENT_TYPES
 * already, or when its schema and example would take the catalog past HOOKLINE_MAX_CATALOG_BYTES.
 */
export async function createEventType(userId: string, input: CreateEventTypeInput, now = Date.now()): Promise<EventTypeDto | EventTypeProblem> {
  const fieldErrors = exampleProblems(input.schema, input.example);
  if (Object.keys(fieldErrors).length) return { fieldErrors };
  const row = { ...input, schema: asText(input.schema), example: asText(input.example) };
  const limit = env.HOOKLINE_MAX_EVENT_TYPES;
  if (!(await insertEventTypeWithinQuota(store(), { id: newId("etp", now), userId, ...row, now }, limit, env.HOOKLINE_MAX_CATALOG_BYTES))) {
    // The name taken, the catalog full, or too large: the name, then the count, say which.
    if (await prisma.eventType.count({ where: { userId, name: input.name } })) return { conflict: `The catalog already has an event type named ${input.name}.` };
    if ((await prisma.eventType.count({ where: { userId } })) >= limit) throw new QuotaExceededError("eventTypes", limit);
    throw new QuotaExceededError("catalogBytes", env.HOOKLINE_MAX_CATALOG_BYTES);
  }
  return toDto({ ...row, createdAt: new Date(now), updatedAt: new Date(now) });
}

/** Null when the account has no such entry. */
export async function updateEventType(userId: string, name: string, input: UpdateEventTypeInput): Promise<EventTypeDto | EventTypeProblem | null> {
  const current = await prisma.eventType.findUnique({ where: { userId_name: { userId, name } }, select: { id: true, schema: true, example: true } });
  if (!current) return null;
  const schema = input.schema !== undefined ? input.schema : current.schema === null ? null : JSON.parse(current.schema);
  const example = input.example !== undefined ? input.example : current.example === null ? null : JSON.parse(current.example);
  const fieldErrors = exampleProblems(schema, example);
  if (Object.keys(fieldErrors).length) return { fieldErrors };
  const changes = {
    description: input.description,
    deprecated: input.deprecated,
    schema: input.schema === undefined ? undefined : asText(input.schema),
    example: input.example === undefined ? undefined : asText(input.example),
  };
  // Scoped by account and id: a concurrent delete makes this a no-op, answered as not found.
  if (!(await updateEventTypeWithinQuota(store(), { id: current.id, userId, now: Date.now() }, changes, env.HOOKLINE_MAX_CATALOG_BYTES))) {
    if (await prisma.eventType.count({ where: { id: current.id, userId } })) throw new QuotaExceededError("catalogBytes", env.HOOKLINE_MAX_CATALOG_BYTES);
    return null;
  }
  return getEventType(userId, name);
}

export async function deleteEventType(userId: string, name: string): Promise<boolean> {
  const { count } = await prisma.eventType.deleteMany({ where: { userId, name } });
  return count > 0;
}
