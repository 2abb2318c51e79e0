/**
 * The delivery log. Lists are newest first with keyset pagination on the time-sortable id
 * (`id < cursor`), so every page is an index range scan, never an OFFSET or a COUNT.
 */
import { prisma } from "../db";
import type { Attempt } from "../generated/prisma/client";
import { idAt } from "../ids";
import { store } from "../store/connection";
import { DELIVERY_STATUSES, type DeliveryStatus } from "../store/delivery-states";
import { deliveryIdsWithStatus } from "../store/delivery-log";
import { searchDeliveries } from "../store/search";
import { searchTerms } from "../events/search-terms";
import { waitingBehind, type WaitingBehind } from "../store/fifo";
import { retryDeliveryOfLiveEndpoint } from "../store/manual-transitions";
import { webhookBody } from "../webhooks/body";
import { notifyNewWork } from "../store/notify";

// One list of statuses, the state machine's.
export { DELIVERY_STATUSES, type DeliveryStatus };

export interface DeliveryDto {
  id: string;
  eventId: string;
  endpointId: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
}

export interface DeliveryLogRow extends DeliveryDto {
  eventType: string;
  endpointName: string;
  endpointUrl: string;
}

export interface AttemptDto {
  id: string;
  number: number;
  startedAt: string;
  durationMs: number;
  requestHeaders: Record<string, string>;
  responseStatus: number | null;
  responseHeaders: Record<string, string> | null;
  responseBody: string | null;
  error: string | null;
}

export interface DeliveryDetail extends DeliveryLogRow {
  requestBody: string;
  /** The latest ATTEMPTS_SHOWN attempts (or those before `before`), oldest first. */
  attemptLog: AttemptDto[];
  /** How many attempts came before the first of attemptLog (listAttempts pages through them). */
  earlierAttempts: number;
  /** Towards a FIFO endpoint, while it waits for the deliveries before it in its key (lib/store/fifo.ts). */
  waitingBehind: WaitingBehind | null;
}

export interface DeliveryFilter {
  endpointId?: string;
  /** A consumer's uid (SPEC §12): the deliveries to its endpoints, deleted ones included. */
  consumer?: string;
  eventId?: string;
  eventType?: string;
  status?: DeliveryStatus;
  /** ISO times bounding `createdAt` (since inclusive, until exclusive). */
  since?: string;
  until?: string;
  /** Full-text search of the deliveries' events (lib/store/search.ts). */
  q?: string;
  cursor?: string;
  limit?: number;
}

type DeliveryRow = {
  id: string;
  eventId: string;
  endpointId: string;
  status: string;
  attempts: number;
  nextAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: Date;
  event: { type: string };
  endpoint: { name: string; url: string };
};

/** The API's shape of a delivery (the log row without its display-only fields). */
export function toDeliveryDto(row: DeliveryLogRow): DeliveryDto {
  const { id, eventId, endpointId, status, attempts, nextAttemptAt, lastStatusCode, lastError, createdAt } = row;
  return { id, eventId, endpointId, status, attempts, nextAttemptAt, lastStatusCode, lastError, createdAt };
}

function toLogRow(row: DeliveryRow): DeliveryLogRow {
  return {
    id: row.id,
    eventId: row.eventId,
    endpointId: row.endpointId,
    status: row.status as DeliveryStatus,
    attempts: row.attempts,
    nextAttemptAt: row.nextAttemptAt?.toISOString() ?? null,
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    createdAt: row.createdAt.toISOString(),
    eventType: row.event.type,
    endpointName: row.endpoint.name,
    endpointUrl: row.endpoint.url,
  };
}

const logSelect = {
  id: true,
  eventId: true,
  endpointId: true,
  status: true,
  attempts: true,
  nextAttemptAt: true,
  lastStatusCode: true,
  lastError: true,
  createdAt: true,
  event: { select: { type: true } },
  endpoint: { select: { name: true, url: true } },
} as const;

/** since/until (creation time) and the cursor as bounds on the time-sortable id. */
function idRange(filter: DeliveryFilter): { id?: { gte?: string; lt?: string } } {
  const lower = filter.since ? idAt("dlv", Date.parse(filter.since)) : undefined;
  const bounds = [filter.cursor, filter.until ? idAt("dlv", Date.parse(filter.until)) : undefined].filter((bound): bound is string => Boolean(bound));
  const upper = bounds.length ? bounds.sort()[0] : undefined;
  if (!lower && !upper) return {};
  return { id: { ...(lower ? { gte: lower } : {}), ...(upper ? { lt: upper } : {}) } };
}

/**
 * A status the log is filtered by can be rare (no `pending` rows in a quiet account, an endpoint
 * that never failed); then walking (userId, id) newest first would read every row to fill no
 * page. The worker's (endpointId, status, nextAttemptAt) index finds such rows directly, so when
 * it holds at most this many matches, the page is taken from those ids instead.
 */
const RARE_STATUS_ROWS = 1000;

async function rareStatusIds(userId: string, filter: DeliveryFilter, endpointsOfConsumer: string[] | null): Promise<string[] | null> {
  if (!filter.status) return null;
  const endpointIds = filter.endpointId
    ? [filter.endpointId]
    : (endpointsOfConsumer ?? (await prisma.endpoint.findMany({ where: { userId }, select: { id: true } })).map((endpoint) => endpoint.id));
  if (endpointIds.length === 0) return [];
  // Not through Prisma: it orders any `take` by id, which would steer SQLite to the
  // (endpointId, id) index, the very walk this probe exists to avoid (lib/store/delivery-log.ts).
  const matches = await deliveryIdsWithStatus(store(), endpointIds, filter.status, RARE_STATUS_ROWS + 1);
  return matches.length > RARE_STATUS_ROWS ? null : matches;
}

/**
 * One event's deliveries (its fan-out, at most one per endpoint), found through Delivery(eventId).
 * Left to the (userId, id) walk with `eventId` as a filter, a page for an old event would read
 * the account's history back to it, and any page would read on to the oldest row to be sure
 * nothing is left for the next one.
 */
async function eventDeliveryIds(filter: DeliveryFilter): Promise<string[] | null> {
  if (!filter.eventId) return null;
  return (await prisma.delivery.findMany({ where: { eventId: filter.eventId }, select: { id: true } })).map((row) => row.id);
}

/** The log's matches for `filter.q` (lib/store/search.ts), with every other filter. */
async function searchDeliveryLog(
  userId: string,
  filter: DeliveryFilter & { q: string },
  endpointsOfConsumer: string[] | null,
  limit: number,
): Promise<{ data: DeliveryLogRow[]; nextCursor: string | null }> {
  // A rare status: its few deliveries are checked against the search, not found by it.
  const deliveryIds = await rareStatusIds(userId, filter, endpointsOfConsumer);
  if (deliveryIds?.length === 0) return { data: [], nextCursor: null };
  // A consumer with one endpoint is that endpoint's filter (which the search narrows best).
  const endpoints = filter.endpointId ? [filter.endpointId] : endpointsOfConsumer;
  const found = await searchDeliveries(store(), {
    userId,
    terms: searchTerms(filter.q),
    endpointId: endpoints?.length === 1 ? endpoints[0] : undefined,
    endpointIds: endpoints && endpoints.length > 1 ? endpoints : undefined,
    eventId: filter.eventId,
    eventType: filter.eventType,
    status: filter.status,
    since: filter.since ? Date.parse(filter.since) : undefined,
    until: filter.until ? Date.parse(filter.until) : undefined,
    deliveryIds: deliveryIds ?? undefined,
    cursor: filter.cursor,
    limit: limit + 1,
  });
  const page = found.slice(0, limit).map((row) => ({
    ...row,
    status: row.status as DeliveryStatus,
    nextAttemptAt: row.nextAttemptAt === null ? null : new Date(row.nextAttemptAt).toISOString(),
    createdAt: new Date(row.createdAt).toISOString(),
  }));
  return { data: page, nextCursor: found.length > limit ? page[page.length - 1].id : null };
}

/** The ids of a consumer's endpoints, deleted ones included (their history is its history); [] for an unknown uid. */
async function consumerEndpointIds(userId: string, uid: string): Promise<string[]> {
  const consumer = await prisma.consumer.findUnique({ where: { userId_uid: { userId, uid } }, select: { endpoints: { select: { id: true } } } });
  return consumer?.endpoints.map((endpoint) => endpoint.id) ?? [];
}

export async function listDeliveries(userId: string, filter: DeliveryFilter = {}): Promise<{ data: DeliveryLogRow[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(filter.limit ?? 50, 1), 200);
  const endpointsOfConsumer = filter.consumer === undefined ? null : await consumerEndpointIds(userId, filter.consumer);
  if (endpointsOfConsumer && (endpointsOfConsumer.length === 0 || (filter.endpointId && !endpointsOfConsumer.includes(filter.endpointId)))) {
    return { data: [], nextCursor: null };
  }
  if (filter.q !== undefined) return searchDeliveryLog(userId, { ...filter, q: filter.q }, endpointsOfConsumer, limit);
  // Each a short list of candidate ids, or null: not narrowed that way.
  const narrowed = (await Promise.all([rareStatusIds(userId, filter, endpointsOfConsumer), eventDeliveryIds(filter)])).filter((ids): ids is string[] => ids !== null);
  if (narrowed.some((ids) => ids.length === 0)) return { data: [], nextCursor: null };
  const rows = await prisma.delivery.findMany({
    where: {
      userId,
      ...(filter.endpointId ? { endpointId: filter.endpointId } : endpointsOfConsumer ? { endpointId: { in: endpointsOfConsumer } } : {}),
      ...(filter.eventId ? { eventId: filter.eventId } : {}),
      ...(filter.eventType ? { event: { type: filter.eventType } } : {}),
      ...(filter.status ? { status: filter.status } : {}),
      // Ids are time-sortable, so the time range and the cursor are one primary-key range.
      ...idRange(filter),
      ...(narrowed.length ? { AND: narrowed.map((ids) => ({ id: { in: ids } })) } : {}),
    },
    select: logSelect,
    orderBy: { id: "desc" },
    take: limit + 1,
  });
  const page = rows.slice(0, limit);
  return { data: page.map(toLogRow), nextCursor: rows.length > limit ? page[page.length - 1].id : null };
}

/**
 * How many of a delivery's attempts its page shows (the latest), and the most one page of
 * listAttempts holds. Each attempt keeps up to 64 KiB of response body and manual retries have no
 * end (one account replayed a delivery 27 times a second): with every attempt, a delivery was
 * 33 MB of JSON at 500 attempts, and one request for it ran the server out of memory at 1,000.
 */
export const ATTEMPTS_SHOWN = 20;
export const MAX_ATTEMPTS_PAGE = 50;

/** An attempt as stored (Prisma's model: both engines' clients share its shape). */
type AttemptRow = Omit<Attempt, "deliveryId">;

function toAttemptDto(attempt: AttemptRow): AttemptDto {
  return {
    id: attempt.id,
    number: attempt.number,
    startedAt: attempt.startedAt.toISOString(),
    durationMs: attempt.durationMs,
    requestHeaders: JSON.parse(attempt.requestHeaders) as Record<string, string>,
    responseStatus: attempt.responseStatus,
    responseHeaders: attempt.responseHeaders ? (JSON.parse(attempt.responseHeaders) as Record<string, string>) : null,
    responseBody: attempt.responseBody,
    error: attempt.error,
  };
}

/** Attempts numbered below `before` (all when absent), newest first: one range of Attempt(deliveryId, number). */
function attemptsBefore(deliveryId: string, before: number | undefined, take: number): Promise<AttemptRow[]> {
  return prisma.attempt.findMany({ where: { deliveryId, ...(before !== undefined ? { number: { lt: before } } : {}) }, orderBy: { number: "desc" }, take });
}

/** One delivery with its latest ATTEMPTS_SHOWN attempts, or with those just before attempt number `before`. */
export async function getDelivery(userId: string, id: string, options: { before?: number } = {}): Promise<DeliveryDetail | null> {
  const row = await prisma.delivery.findFirst({
    where: { userId, id },
    select: { ...logSelect, event: { select: { type: true, payload: true, createdAt: true } } },
  });
  if (!row) return null;
  const attempts = (await attemptsBefore(id, options.before, ATTEMPTS_SHOWN)).reverse();
  // Fewer than a page means none came before them; else count the rest on the Attempt(deliveryId, number) index.
  const earlierAttempts = attempts.length < ATTEMPTS_SHOWN ? 0 : await prisma.attempt.count({ where: { deliveryId: id, number: { lt: attempts[0].number } } });
  // Only a pending delivery with no time set waits in a FIFO queue (fifo.ts).
  const waits = row.status === "pending" && row.nextAttemptAt === null;
  return {
    ...toLogRow(row),
    waitingBehind: waits ? await waitingBehind(store(), userId, id) : null,
    requestBody: webhookBody(row.event.type, row.event.createdAt.getTime(), row.event.payload),
    attemptLog: attempts.map(toAttemptDto),
    earlierAttempts,
  };
}

/**
 * A page of one delivery's attempts, newest first; the cursor is an attempt number (the page
 * holds those below it). Null when the account has no such delivery.
 */
export async function listAttempts(userId: string, deliveryId: string, page: { cursor?: number; limit?: number }): Promise<{ data: AttemptDto[]; nextCursor: string | null } | null> {
  const delivery = await prisma.delivery.findFirst({ where: { userId, id: deliveryId }, select: { id: true } });
  if (!delivery) return null;
  const limit = page.limit ?? ATTEMPTS_SHOWN;
  const rows = await attemptsBefore(deliveryId, page.cursor, limit + 1);
  const data = rows.slice(0, limit).map(toAttemptDto);
  return { data, nextCursor: rows.length > limit ? String(data[data.length - 1].number) : null };
}

export type RetryResult =
  | { ok: true; delivery: DeliveryLogRow }
  | { ok: false; reason: "not_found" | "in_progress" | "endpoint_deleted" };

/**
 * Manual retry (of a failed delivery) or replay (of a succeeded one): queue one more attempt
 * now. A delivery still pending or in flight is already on its way, so it is left alone. A
 * delivery whose endpoint was deleted stays as it is: nothing would ever claim it again.
 */
export async function retryDelivery(userId: string, id: string, now = new Date()): Promise<RetryResult> {
  // Never towards a deleted endpoint, even with a delete running concurrently (lib/store/manual-transitions.ts).
  const requeued = await retryDeliveryOfLiveEndpoint(store(), userId, id, now.getTime());
  const row = await prisma.delivery.findFirst({ where: { id, userId }, select: { ...logSelect, endpoint: { select: { ...logSelect.endpoint.select, deletedAt: true } } } });
  if (!row) return { ok: false, reason: "not_found" };
  if (!requeued) return { ok: false, reason: row.endpoint.deletedAt ? "endpoint_deleted" : "in_progress" };
  notifyNewWork(store(), [row.endpointId]);
  return { ok: true, delivery: toLogRow(row) };
}
