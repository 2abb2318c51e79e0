/**
 * Full-text search of the event and delivery logs (search-index.ts builds the index).
 *
 * Contract, on both engines:
 * - `terms` are the user's words (lib/events/search-terms.ts): an event matches when it holds
 *   every term, each as a phrase of its alphanumeric runs (`order.created` = `order` then
 *   `created`), anywhere in its type, id or data, case- and accent-insensitively.
 * - Only the account's rows; the other filters apply too.
 * - Newest first, a page at a time: the cost is the matches read until the page is full (the
 *   index is read newest first), not the size of the log. SQLite orders events by rowid (their
 *   arrival), PostgreSQL by id (their time-sortable id): the same order but for events created
 *   in the same millisecond by different processes.
 * - `cursor` is the last row's id of the previous page; an unknown cursor gives an empty page.
 */
import type { DeliveryStatus } from "./delivery-states";
import type { Store } from "./connection";
import { query } from "./postgres";
import { postgresSearchText, SEARCH_TABLE } from "./search-index";

export interface EventSearch {
  userId: string;
  terms: string[];
  type?: string;
  cursor?: string;
  limit: number;
}

export interface FoundEvent {
  id: string;
  type: string;
  payload: string;
  createdAt: number;
}

const phrase = (term: string) => `"${term.replace(/"/g, '""')}"`;

/** The FTS5 query: the account's id and every term, each a phrase (FTS5 syntax in the text is not interpreted). */
const sqliteMatch = (userId: string, terms: string[]) => [userId, ...terms].map(phrase).join(" ");

/** PostgreSQL: every term as a phrase of its alphanumeric runs, as the index splits them (search-index.ts). */
function postgresQuery(terms: string[], firstParameter: number): string {
  return terms.map((_, index) => `phraseto_tsquery('simple'::regconfig, ${postgresSearchText(`$${firstParameter + index}`)})`).join(" && ");
}

const NO_CURSOR = Number.MAX_SAFE_INTEGER;

export async function searchEvents(store: Store, search: EventSearch): Promise<FoundEvent[]> {
  if (store.engine === "sqlite") {
    return store.sqlite
      .prepare(
        `SELECT e.id, e.type, e.payload, e.createdAt
           FROM "${SEARCH_TABLE}" JOIN "Event" e ON e.rowid = "${SEARCH_TABLE}".rowid
          WHERE "${SEARCH_TABLE}" MATCH @match AND e.userId = @userId ${search.type ? "AND e.type = @type" : ""}
            AND "${SEARCH_TABLE}".rowid < ${search.cursor ? `coalesce((SELECT rowid FROM "Event" WHERE id = @cursor AND userId = @userId), -1)` : NO_CURSOR}
          ORDER BY "${SEARCH_TABLE}".rowid DESC
          LIMIT @limit`,
      )
      .all({
        match: sqliteMatch(search.userId, search.terms),
        userId: search.userId,
        limit: search.limit,
        ...(search.type ? { type: search.type } : {}),
        ...(search.cursor ? { cursor: search.cursor } : {}),
      }) as FoundEvent[];
  }
  const values: unknown[] = [search.userId, search.limit, ...search.terms];
  const filters = [`"userId" = $1`, `search @@ (${postgresQuery(search.terms, 3)})`];
  if (search.type) filters.push(`type = $${values.push(search.type)}`);
  if (search.cursor) filters.push(`id < $${values.push(search.cursor)} AND EXISTS (SELECT 1 FROM "Event" c WHERE c.id = $${values.length} AND c."userId" = $1)`);
  const { rows } = await query<FoundEvent>(store, store.pool, `SELECT id, type, payload, "createdAt" FROM "Event" WHERE ${filters.join(" AND ")} ORDER BY id DESC LIMIT $2`, values);
  return rows;
}

export interface DeliverySearch {
  userId: string;
  terms: string[];
  endpointId?: string;
  eventId?: string;
  eventType?: string;
  status?: DeliveryStatus;
  /** Delivery id bounds for the creation-time range (time-sortable ids). */
  idFrom?: string;
  idBefore?: string;
  cursor?: string;
  limit: number;
}

export interface FoundDelivery {
  id: string;
  eventId: string;
  endpointId: string;
  status: string;
  attempts: number;
  nextAttemptAt: number | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: number;
  eventType: string;
  endpointName: string;
  endpointUrl: string;
}

/**
 * Deliveries of the matching events, newest event first, an event's deliveries newest first.
 * The cursor (a delivery id) resumes after that delivery: within its event, then older events.
 */
export async function searchDeliveries(store: Store, search: DeliverySearch): Promise<FoundDelivery[]> {
  if (store.engine === "sqlite") {
    const parameters: Record<string, unknown> = { match: sqliteMatch(search.userId, search.terms), userId: search.userId, limit: search.limit };
    const filters = [`"${SEARCH_TABLE}" MATCH @match`, `e.userId = @userId`, `d.userId = @userId`];
    const add = (name: keyof DeliverySearch, condition: string) => {
      if (search[name] === undefined) return;
      parameters[name] = search[name];
      filters.push(condition);
    };
    add("endpointId", `d.endpointId = @endpointId`);
    add("eventId", `e.id = @eventId`);
    add("eventType", `e.type = @eventType`);
    add("status", `d.status = @status`);
    add("idFrom", `d.id >= @idFrom`);
    add("idBefore", `d.id < @idBefore`);
    add("cursor", `("${SEARCH_TABLE}".rowid, d.id) < (coalesce((SELECT ce.rowid FROM "Delivery" c JOIN "Event" ce ON ce.id = c.eventId WHERE c.id = @cursor AND c.userId = @userId), -1), @cursor)`);
    return store.sqlite
      .prepare(
        `SELECT d.id, d.eventId, d.endpointId, d.status, d.attempts, d.nextAttemptAt, d.lastStatusCode, d.lastError, d.createdAt,
                e.type AS eventType, p.name AS endpointName, p.url AS endpointUrl
           FROM "${SEARCH_TABLE}" JOIN "Event" e ON e.rowid = "${SEARCH_TABLE}".rowid
           JOIN "Delivery" d ON d.eventId = e.id JOIN "Endpoint" p ON p.id = d.endpointId
          WHERE ${filters.join(" AND ")}
          ORDER BY "${SEARCH_TABLE}".rowid DESC, d.id DESC
          LIMIT @limit`,
      )
      .all(parameters) as FoundDelivery[];
  }
  const values: unknown[] = [search.userId, search.limit, ...search.terms];
  const filters = [`e."userId" = $1`, `d."userId" = $1`, `e.search @@ (${postgresQuery(search.terms, 3)})`];
  if (search.endpointId) filters.push(`d."endpointId" = $${values.push(search.endpointId)}`);
  if (search.eventId) filters.push(`e.id = $${values.push(search.eventId)}`);
  if (search.eventType) filters.push(`e.type = $${values.push(search.eventType)}`);
  if (search.status) filters.push(`d.status = $${values.push(search.status)}`);
  if (search.idFrom) filters.push(`d.id >= $${values.push(search.idFrom)}`);
  if (search.idBefore) filters.push(`d.id < $${values.push(search.idBefore)}`);
  if (search.cursor) filters.push(`(e.id, d.id) < (SELECT c."eventId", c.id FROM "Delivery" c WHERE c.id = $${values.push(search.cursor)} AND c."userId" = $1)`);
  const { rows } = await query<FoundDelivery>(
    store,
    store.pool,
    `SELECT d.id, d."eventId", d."endpointId", d.status, d.attempts, d."nextAttemptAt", d."lastStatusCode", d."lastError", d."createdAt",
            e.type AS "eventType", p.name AS "endpointName", p.url AS "endpointUrl"
       FROM "Event" e JOIN "Delivery" d ON d."eventId" = e.id JOIN "Endpoint" p ON p.id = d."endpointId"
      WHERE ${filters.join(" AND ")}
      ORDER BY e.id DESC, d.id DESC
      LIMIT $2`,
    values,
  );
  return rows;
}
