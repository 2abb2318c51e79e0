/**
 * Events and their fan-out: creating an event writes the event and one delivery per matching
 * enabled endpoint in one transaction (so an accepted event always has its deliveries), then
 * wakes the workers (lib/store/insert-events.ts). Which endpoints, and the rows, come from
 * fan-out.ts (shared with schedule ticks).
 */
import { whileConsumerExists } from "../consumers/queries";
import { prisma } from "../db";
import { getEventType } from "../event-types/queries";
import { store } from "../store/connection";
import { insertEvent } from "../store/insert-events";
import { payloadSizes } from "../store/payload-sizes";
import { pageWithinBudget } from "../page-budget";
import { jsonWithRawFields, pageJson } from "../json-text";
import { searchEvents } from "../store/search";
import { searchTerms } from "./search-terms";

export interface EventDto {
  id: string;
  type: string;
  data: unknown;
  /** Only on events sent with one (FIFO endpoints, SPEC §11). */
  orderingKey?: string;
  /** Only on events sent for a consumer (its uid, SPEC §12). */
  consumer?: string;
  createdAt: string;
}

export interface CreatedEvent extends EventDto {
  deliveries: number;
  /** True when an idempotency key matched an earlier event, which is returned instead. */
  replayed?: boolean;
}

export interface NewEvent {
  type: string;
  /** The event's data, already valid JSON text. */
  payload: string;
  /** The same key within 24 h returns the original event and creates nothing. */
  idempotencyKey?: string;
  /** FIFO endpoints deliver the events of one key in order (lib/store/fifo.ts). */
  orderingKey?: string;
  /** For one consumer (SPEC §12): only its endpoints get it. */
  consumer?: { id: string; uid: string };
}

export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;

/** The earlier event with this key, if it is still within the idempotency window. */
async function findIdempotentEvent(userId: string, key: string, now: Date): Promise<CreatedEvent | null> {
  const earlier = await prisma.event.findUnique({
    where: { userId_idempotencyKey: { userId, idempotencyKey: key } },
    select: eventSelect,
  });
  if (!earlier) return null;
  if (now.getTime() - earlier.createdAt.getTime() >= IDEMPOTENCY_WINDOW_MS) {
    // Expired: the key is free again.
    await prisma.event.updateMany({ where: { id: earlier.id }, data: { idempotencyKey: null } });
    return null;
  }
  const deliveries = await prisma.delivery.count({ where: { eventId: earlier.id } });
  return { ...toEventDto(earlier), deliveries, replayed: true };
}

const eventSelect = { id: true, type: true, payload: true, orderingKey: true, consumer: { select: { uid: true } }, createdAt: true } as const;

export interface EventRow {
  id: string;
  type: string;
  payload: string;
  orderingKey: string | null;
  consumer: { uid: string } | null;
  createdAt: Date;
}

/** The event as the API shows it; `data` is its stored text parsed, unless given. */
function toEventDto(row: EventRow, data: unknown = JSON.parse(row.payload)): EventDto {
  return {
    id: row.id,
    type: row.type,
    data,
    ...(row.orderingKey === null ? {} : { orderingKey: row.orderingKey }),
    ...(row.consumer === null ? {} : { consumer: row.consumer.uid }),
    createdAt: row.createdAt.toISOString(),
  };
}

/** Creates the event and its deliveries. `endpointId` targets one endpoint (test events). */
export async function createEvent(userId: string, input: NewEvent, options: { endpointId?: string } = {}): Promise<CreatedEvent> {
  const now = new Date();
  if (input.idempotencyKey) {
    const earlier = await findIdempotentEvent(userId, input.idempotencyKey, now);
    if (earlier) return earlier;
  }
  const { consumer, ...event } = input;
  const inserted = await whileConsumerExists(consumer?.id, () => insertEvent(store(), { userId, ...event, consumerId: consumer?.id, onlyEndpointId: options.endpointId, now }));
  if (inserted.duplicate) {
    // Two requests with the same new key raced: the unique index let one through; return it.
    const winner = await findIdempotentEvent(userId, input.idempotencyKey!, now);
    if (winner) return winner;
    throw new Error("idempotency key taken, but no event holds it");
  }
  return {
    ...toEventDto({ id: inserted.eventId, type: input.type, payload: input.payload, orderingKey: input.orderingKey ?? null, consumer: consumer ?? null, createdAt: now }),
    deliveries: inserted.endpointIds.length,
  };
}

/**
 * The API's event list, newest first (keyset pagination on the time-sortable id); with `q`, the
 * events holding its words (lib/store/search.ts). The page's ids and data sizes are read first,
 * and only the events within MAX_PAGE_DATA_BYTES are read whole. Their data stays the JSON text
 * it is stored as: eventListJson writes it out as it is.
 */
export async function listEvents(userId: string, page: { cursor?: string; limit?: number; type?: string; q?: string }): Promise<{ data: EventRow[]; nextCursor: string | null }> {
  const limit = page.limit ?? 50;
  const query = { userId, type: page.type, cursor: page.cursor, limit: limit + 1 };
  const sizes = page.q === undefined ? await payloadSizes(store(), "Event", query) : await searchEvents(store(), { ...query, terms: searchTerms(page.q) });
  const { ids, nextCursor } = pageWithinBudget(sizes, limit);
  const rows = ids.length ? await prisma.event.findMany({ where: { userId, id: { in: ids } }, select: eventSelect, orderBy: { id: "desc" } }) : [];
  return { data: rows, nextCursor };
}

/** A page of listEvents as the API's JSON text: each event's data is its stored text (jsonWithRawFields). */
export function eventListJson(page: { data: EventRow[]; nextCursor: string | null }): string {
  return pageJson(
    page.data.map((row) => jsonWithRawFields(toEventDto(row, null), { data: row.payload })),
    page.nextCursor,
  );
}

/**
 * How many deliveries each of these events fanned out to: one range of the Delivery(eventId)
 * index per event. Not Prisma's relation `_count`, which counts the deliveries of every event in
 * the database (a GROUP BY over the whole table) before it joins the page's few.
 */
export async function deliveryCounts(eventIds: string[]): Promise<Map<string, number>> {
  if (eventIds.length === 0) return new Map();
  const groups = await prisma.delivery.groupBy({ by: ["eventId"], where: { eventId: { in: eventIds } }, _count: { _all: true } });
  return new Map(groups.map((group) => [group.eventId, group._count._all]));
}

export async function getEvent(userId: string, id: string): Promise<EventDto | null> {
  const row = await prisma.event.findFirst({ where: { userId, id }, select: eventSelect });
  return row ? toEventDto(row) : null;
}

/** Why a chosen test event type cannot be sent: not in the catalog, or in it without an example. */
export type TestEventTypeProblem = "unknown-type" | "no-example";

/**
 * "Send test event": by default a `webhook.test` event with the classic greeting; with `type`,
 * an event of that catalog type whose data is the type's example. Either way only this endpoint
 * gets it. Null for an unknown endpoint; a disabled one gets nothing (not even the event).
 */
export async function sendTestEvent(userId: string, endpointId: string): Promise<CreatedEvent | "disabled" | null>;
export async function sendTestEvent(userId: string, endpointId: string, type?: string): Promise<CreatedEvent | "disabled" | TestEventTypeProblem | null>;
export async function sendTestEvent(userId: string, endpointId: string, type?: string): Promise<CreatedEvent | "disabled" | TestEventTypeProblem | null> {
  const endpoint = await prisma.endpoint.findFirst({
    where: { userId, id: endpointId, deletedAt: null },
    select: { name: true, enabled: true, consumer: { select: { id: true, uid: true } } },
  });
  if (!endpoint) return null;
  if (!endpoint.enabled) return "disabled";
  // A consumer's endpoint: the event is that consumer's too (its log shows it).
  const consumer = endpoint.consumer ?? undefined;
  if (type !== undefined) {
    const entry = await getEventType(userId, type);
    if (!entry) return "unknown-type";
    if (entry.example === null) return "no-example";
    return createEvent(userId, { type, payload: JSON.stringify(entry.example), consumer }, { endpointId });
  }
  const now = new Date();
  const data = { message: `Hello ${endpoint.name}, current time is ${now.toISOString()}` };
  return createEvent(userId, { type: "webhook.test", payload: JSON.stringify(data), consumer }, { endpointId });
}

export interface EventLogRow extends EventDto {
  deliveries: number;
}

/** The dashboard's event list: each event with how many deliveries it fanned out to. */
export async function listEventLog(userId: string, page: { cursor?: string; limit?: number; type?: string; q?: string }): Promise<{ data: EventLogRow[]; nextCursor: string | null }> {
  const { data, nextCursor } = await listEvents(userId, page);
  const counts = await deliveryCounts(data.map((event) => event.id));
  return { data: data.map((event) => ({ ...toEventDto(event), deliveries: counts.get(event.id) ?? 0 })), nextCursor };
}
