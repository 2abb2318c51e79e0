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
import type Database from "better-sqlite3";
import { idAt } from "../ids";
import type { DeliveryStatus } from "./delivery-states";
import type { PostgresStore, Store } from "./connection";
import type { PayloadSize } from "./payload-sizes";
import { query } from "./postgres";
import { hasPendingEvents, indexPendingEvents, postgresSearchText, SEARCH_TABLE } from "./search-index";
import { runningSqliteWriter } from "./sqlite-writer";

export interface EventSearch {
  userId: string;
  terms: string[];
  type?: string;
  cursor?: string;
  limit: number;
}


const phrase = (term: string) => `"${term.replace(/"/g, '""')}"`;

/**
 * The FTS5 query: the account's id and every term, each a phrase (FTS5 syntax in the text is not
 * interpreted). `narrowing`: filter values the document holds too (a type, an event's or an
 * endpoint's id, search-index.ts), so the index returns only events that can pass the filter;
 * the filter itself still applies exactly in SQL.
 */
const sqliteMatch = (userId: string, terms: string[], narrowing: Array<string | undefined> = []) =>
  [userId, ...terms, ...narrowing.filter((value): value is string => value !== undefined)].map(phrase).join(" ");

/** PostgreSQL: the text in parameter `$n` as a phrase of its alphanumeric runs, as the index splits them (search-index.ts). */
const postgresPhrase = (parameter: number) => `phraseto_tsquery('simple'::regconfig, ${postgresSearchText(`$${parameter}`)})`;

/** PostgreSQL: every term as a phrase. */
function postgresQuery(terms: string[], firstParameter: number): string {
  return terms.map((_, index) => postgresPhrase(firstParameter + index)).join(" && ");
}

const NO_CURSOR = Number.MAX_SAFE_INTEGER;

/**
 * SQLite indexes events in bulk, after their transaction (search-index.ts): a search first
 * indexes what is still pending, so it finds every event written before it. On this process's
 * writer thread when it runs: the write lock is then never waited for on the event loop.
 */
async function indexPending(db: Database.Database): Promise<void> {
  // Usually the writer thread has indexed everything already: then no trip to it.
  if (!hasPendingEvents(db)) return;
  const writer = runningSqliteWriter(db.name);
  if (writer) await writer.run({ indexSearch: true });
  else indexPendingEvents(db);
}

/** The matching events' ids and data sizes (payload-sizes.ts says why sizes, not the data). */
export async function searchEvents(store: Store, search: EventSearch): Promise<PayloadSize[]> {
  if (store.engine === "sqlite") {
    await indexPending(store.sqlite);
    return store.sqlite
      .prepare(
        `SELECT e.id, octet_length(e.payload) AS payloadBytes
           FROM "${SEARCH_TABLE}" JOIN "Event" e ON e.rowid = "${SEARCH_TABLE}".rowid
          WHERE "${SEARCH_TABLE}" MATCH @match AND e.userId = @userId ${search.type ? "AND e.type = @type" : ""}
            AND "${SEARCH_TABLE}".rowid < ${search.cursor ? `coalesce((SELECT rowid FROM "Event" WHERE id = @cursor AND userId = @userId), -1)` : NO_CURSOR}
          ORDER BY "${SEARCH_TABLE}".rowid DESC
          LIMIT @limit`,
      )
      .all({
        match: sqliteMatch(search.userId, search.terms, [search.type]),
        userId: search.userId,
        limit: search.limit,
        ...(search.type ? { type: search.type } : {}),
        ...(search.cursor ? { cursor: search.cursor } : {}),
      }) as PayloadSize[];
  }
  // The matching's parameters first: the count (fewMatches) takes just those.
  const values: unknown[] = [search.userId, ...search.terms];
  const filters = [`"userId" = $1`, `search @@ (${postgresQuery(search.terms, 2)})`];
  if (search.type) filters.push(`type = $${values.push(search.type)}`);
  if (search.cursor) filters.push(`id < $${values.push(search.cursor)} AND EXISTS (SELECT 1 FROM "Event" c WHERE c.id = $${values.length} AND c."userId" = $1)`);
  const matches = filters.join(" AND ");
  const few = await fewMatches(store, matches, values);
  const limit = `$${values.push(search.limit)}`;
  // Few: the page's ids are taken from the matches alone (no Event index order to walk), then read.
  const source = few ? `(${materialized(matches)} ORDER BY id DESC LIMIT ${limit}) page JOIN "Event" USING (id)` : `"Event" WHERE ${matches}`;
  const { rows } = await query<PayloadSize>(store, store.pool, `SELECT id, octet_length(payload) AS "payloadBytes" FROM ${source} ORDER BY id DESC LIMIT ${limit}`, values);
  return rows;
}

/**
 * PostgreSQL: at most this many matching events are read whole and sorted; more, and the
 * account's events are walked newest first until the page is full. The planner cannot tell the
 * two apart (a word's frequency is rarely in its statistics): left to itself it walked 500,000
 * events for a word 50 of them hold (93 ms), or would read every match of a common word.
 * Either way the cost is now at most ~FEW_MATCHES rows for any word: few matches are read
 * through the GIN index, and many make the walk short (a page in every FEW_MATCHES / limit).
 */
const FEW_MATCHES = 5_000;

/** The ids of the events matching `where`, from the GIN index (MATERIALIZED: never flattened into a walk). */
const materialized = (where: string) => `WITH m AS MATERIALIZED (SELECT id FROM "Event" WHERE ${where}) SELECT id FROM m`;

/** Whether at most FEW_MATCHES events match `where` (counting stops past it: ~1–11 ms at 500,000 events). */
async function fewMatches(store: PostgresStore, where: string, values: unknown[]): Promise<boolean> {
  const { rows } = await query<{ n: number }>(store, store.pool, `SELECT count(*)::int AS n FROM (${materialized(where)} LIMIT ${FEW_MATCHES + 1}) capped`, values);
  return rows[0].n <= FEW_MATCHES;
}

export interface DeliverySearch {
  userId: string;
  terms: string[];
  endpointId?: string;
  /** Any of these endpoints (a consumer's, SPEC §12). */
  endpointIds?: string[];
  eventId?: string;
  eventType?: string;
  status?: DeliveryStatus;
  /** Creation-time range, Unix ms: from `since`, before `until`. */
  since?: number;
  until?: number;
  /**
   * Only among these deliveries: the caller's probe found the status filter rare (at most
   * ~1,000 rows, lib/deliveries/queries.ts), so they are checked against the index one by one
   * instead of walking the matching events to find them.
   */
  deliveryIds?: string[];
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
    await indexPending(store.sqlite);
    return searchDeliveriesOnSqlite(store.sqlite, search);
  }
  // The events' parameters first: the count (fewMatches) takes just those.
  const values: unknown[] = [search.userId, ...search.terms];
  // An endpoint filter is asked of the index too (the event's document holds its endpoints' ids,
  // search-index.ts): with a common word, the matches are then that endpoint's events only, not
  // every event holding the word, which the filter would read to find there is none (341 ms).
  const endpoints = search.endpointId ? [search.endpointId] : (search.endpointIds ?? []);
  const words = postgresQuery(search.terms, 2);
  const narrowing = endpoints.map((id) => postgresPhrase(values.push(id))).join(" || ");
  // The events' own conditions (a time range bounds their ids too, with room for arrival order),
  // as column and test, written with or without the join's alias; then the deliveries'.
  const eventConditions: Array<[column: string, test: string]> = [
    [`"userId"`, `= $1`],
    [`search`, `@@ (${narrowing ? `(${words}) && (${narrowing})` : words})`],
  ];
  if (search.eventId) eventConditions.push([`id`, `= $${values.push(search.eventId)}`]);
  if (search.eventType) eventConditions.push([`type`, `= $${values.push(search.eventType)}`]);
  // The same bounds on the deliveries' eventId: the planner does not carry a range across the join,
  // and walked Delivery(eventId) from the newest event down to the range (88 ms, 15 days back).
  const eventRange: string[] = [];
  if (search.since !== undefined) {
    const from = `$${values.push(idAt("msg", search.since - ARRIVAL_SKEW_MS))}`;
    eventConditions.push([`id`, `>= ${from}`]);
    eventRange.push(`d."eventId" >= ${from}`);
  }
  if (search.until !== undefined) {
    const before = `$${values.push(idAt("msg", search.until + ARRIVAL_SKEW_MS))}`;
    eventConditions.push([`id`, `< ${before}`]);
    eventRange.push(`d."eventId" < ${before}`);
  }
  const eventWhere = (alias: string) => eventConditions.map(([column, test]) => `${alias}${column} ${test}`).join(" AND ");
  const eventValues = [...values];
  const deliveryFilters = [`d."userId" = $1`, ...eventRange];
  if (search.endpointId) deliveryFilters.push(`d."endpointId" = $${values.push(search.endpointId)}`);
  if (search.endpointIds) deliveryFilters.push(`d."endpointId" = ANY($${values.push(search.endpointIds)}::text[])`);
  if (search.status) deliveryFilters.push(`d.status = $${values.push(search.status)}`);
  if (search.since !== undefined) deliveryFilters.push(`d.id >= $${values.push(idAt("dlv", search.since))}`);
  if (search.until !== undefined) deliveryFilters.push(`d.id < $${values.push(idAt("dlv", search.until))}`);
  if (search.deliveryIds) deliveryFilters.push(`d.id = ANY($${values.push(search.deliveryIds)}::text[])`);
  if (search.cursor) deliveryFilters.push(`(d."eventId", d.id) < (SELECT c."eventId", c.id FROM "Delivery" c WHERE c.id = $${values.push(search.cursor)} AND c."userId" = $1)`);
  const few = await fewMatches(store, eventWhere(""), eventValues);
  const limit = `$${values.push(search.limit)}`;
  // Few: the page is taken from the matches' deliveries alone (no Event index order to walk);
  // many: the account's events newest first, each with its deliveries, until the page is full.
  const deliveries = few
    ? // Each match's deliveries through Delivery(eventId), LATERAL and fenced (OFFSET 0): flattened
      // into a join, the planner walked that whole index backwards for its order instead (113 ms
      // at 1M deliveries, for 50 matches).
      `(${materialized(eventWhere(""))}) m CROSS JOIN LATERAL (SELECT * FROM "Delivery" d WHERE d."eventId" = m.id AND ${deliveryFilters.join(" AND ")} OFFSET 0) d
        ORDER BY m.id DESC, d.id DESC LIMIT ${limit}`
    : `"Event" e JOIN "Delivery" d ON d."eventId" = e.id WHERE ${[eventWhere("e."), ...deliveryFilters].join(" AND ")} ORDER BY e.id DESC, d.id DESC LIMIT ${limit}`;
  const { rows } = await query<FoundDelivery>(
    store,
    store.pool,
    `SELECT d.id, d."eventId", d."endpointId", d.status, d.attempts, d."nextAttemptAt", d."lastStatusCode", d."lastError", d."createdAt",
            e.type AS "eventType", p.name AS "endpointName", p.url AS "endpointUrl"
       FROM (SELECT d.* FROM ${deliveries}) d JOIN "Event" e ON e.id = d."eventId" JOIN "Endpoint" p ON p.id = d."endpointId"
      ORDER BY d."eventId" DESC, d.id DESC`,
    values,
  );
  return rows;
}

/** Matching events read per step at first; each further step reads four times more, up to the last. */
const FIRST_EVENT_STEP = 64;
const LAST_EVENT_STEP = 4096;

/**
 * How far an event's arrival (its rowid) may lag behind its id's time: the id is stamped when
 * the event is made and the row written within the same group commit (milliseconds). A time
 * range is turned into rowids with this much room on either side.
 */
const ARRIVAL_SKEW_MS = 60_000;

const EVENT_COLUMNS = `d.id, d.eventId, d.endpointId, d.status, d.attempts, d.nextAttemptAt, d.lastStatusCode, d.lastError, d.createdAt,
            p.name AS endpointName, p.url AS endpointUrl`;

type DeliveryRow = Omit<FoundDelivery, "eventType">;

/**
 * SQLite cannot both read the index newest first and sort each event's deliveries (its plan
 * sorts every match first), so this walks the matching events newest first, a step at a time,
 * and takes each step's deliveries through Delivery(eventId) with the filters, until the page
 * is full or the matches end: the cost is the events read, however long the log. The filters
 * keep that read short: an endpoint, event or type filter is part of the index query
 * (sqliteMatch), a time range bounds the walk, and a rare status is looked up the other way
 * round (deliveryIds).
 */
function searchDeliveriesOnSqlite(db: Database.Database, search: DeliverySearch): FoundDelivery[] {
  const match = sqliteMatch(search.userId, search.terms, [search.endpointId, search.eventId, search.eventType]);
  // Where to resume: the cursor's event (its deliveries older than the cursor), then older events.
  let below = Number.MAX_SAFE_INTEGER;
  let cursorEvent: number | null = null;
  if (search.cursor) {
    const at = db.prepare(`SELECT e.rowid AS r FROM "Delivery" c JOIN "Event" e ON e.id = c.eventId WHERE c.id = ? AND c.userId = ?`).get(search.cursor, search.userId) as { r: number } | undefined;
    if (!at) return [];
    cursorEvent = at.r;
    below = at.r + 1;
  }
  const afterCursor = (eventRowid: number, deliveryId: string) => eventRowid !== cursorEvent || deliveryId < search.cursor!;
  const optional = (name: keyof DeliverySearch) => (search[name] === undefined ? {} : { [name]: search[name] });
  const eventFilters = [search.eventType ? `AND e.type = @eventType` : "", search.eventId ? `AND e.id = @eventId` : ""].join(" ");
  const deliveryFilters = [
    search.endpointId ? `AND d.endpointId = @endpointId` : "",
    search.endpointIds ? `AND d.endpointId IN (SELECT value FROM json_each(@endpointIds))` : "",
    search.status ? `AND d.status = @status` : "",
    search.since !== undefined ? `AND d.id >= @idFrom` : "",
    search.until !== undefined ? `AND d.id < @idBefore` : "",
  ].join(" ");
  const deliveryValues = {
    userId: search.userId,
    ...optional("endpointId"),
    ...(search.endpointIds ? { endpointIds: JSON.stringify(search.endpointIds) } : {}),
    ...optional("status"),
    ...(search.since === undefined ? {} : { idFrom: idAt("dlv", search.since) }),
    ...(search.until === undefined ? {} : { idBefore: idAt("dlv", search.until) }),
  };

  if (search.deliveryIds) {
    // Few candidates: each one's event is looked up in the index by its rowid.
    const rows = db
      .prepare(
        `SELECT ${EVENT_COLUMNS}, e.type AS eventType, e.rowid AS r
           FROM json_each(@deliveryIds) c JOIN "Delivery" d ON d.id = c.value JOIN "Event" e ON e.id = d.eventId JOIN "Endpoint" p ON p.id = d.endpointId
          WHERE d.userId = @userId ${deliveryFilters} ${eventFilters}
            AND EXISTS (SELECT 1 FROM "${SEARCH_TABLE}" WHERE "${SEARCH_TABLE}" MATCH @match AND rowid = e.rowid)`,
      )
      .all({ ...deliveryValues, ...optional("eventType"), ...optional("eventId"), match, deliveryIds: JSON.stringify(search.deliveryIds) }) as Array<FoundDelivery & { r: number }>;
    return rows
      .filter((row) => row.r < below && afterCursor(row.r, row.id))
      .sort((a, b) => b.r - a.r || (a.id < b.id ? 1 : -1))
      .slice(0, search.limit)
      .map(({ r, ...row }) => row);
  }

  // A time range: start below the first event after its end, stop past its start.
  if (search.until !== undefined) {
    const first = db.prepare(`SELECT rowid AS r FROM "Event" WHERE userId = ? AND id >= ? ORDER BY id LIMIT 1`).get(search.userId, idAt("msg", search.until + ARRIVAL_SKEW_MS)) as
      | { r: number }
      | undefined;
    if (first) below = Math.min(below, first.r);
  }
  const oldestEvent = search.since === undefined ? null : idAt("msg", search.since - ARRIVAL_SKEW_MS);

  const events = db.prepare(
    `SELECT "${SEARCH_TABLE}".rowid AS r, e.id, e.type FROM "${SEARCH_TABLE}" JOIN "Event" e ON e.rowid = "${SEARCH_TABLE}".rowid
      WHERE "${SEARCH_TABLE}" MATCH @match AND e.userId = @userId ${eventFilters} AND "${SEARCH_TABLE}".rowid < @below
      ORDER BY "${SEARCH_TABLE}".rowid DESC LIMIT @step`,
  );
  const deliveries = db.prepare(
    `SELECT ${EVENT_COLUMNS}
       FROM json_each(@eventIds) step
            -- The step's events drive (CROSS JOIN keeps that order), each through its deliveries' index:
            -- left to itself the planner may walk the account's or the endpoint's whole log instead.
            CROSS JOIN "Delivery" d INDEXED BY "Delivery_eventId_idx" ON d.eventId = step.value
            JOIN "Endpoint" p ON p.id = d.endpointId
      WHERE d.userId = @userId ${deliveryFilters}`,
  );
  const found: FoundDelivery[] = [];
  for (let step = FIRST_EVENT_STEP; found.length < search.limit; step = Math.min(step * 4, LAST_EVENT_STEP)) {
    const batch = events.all({ match, userId: search.userId, below, step, ...optional("eventType"), ...optional("eventId") }) as Array<{ r: number; id: string; type: string }>;
    if (batch.length === 0) break;
    const rows = deliveries.all({ ...deliveryValues, eventIds: JSON.stringify(batch.map((event) => event.id)) }) as DeliveryRow[];
    const byEvent = new Map<string, DeliveryRow[]>();
    for (const row of rows) {
      const list = byEvent.get(row.eventId);
      if (list) list.push(row);
      else byEvent.set(row.eventId, [row]);
    }
    for (const event of batch) {
      const own = (byEvent.get(event.id) ?? []).sort((a, b) => (a.id < b.id ? 1 : -1));
      for (const row of own) if (afterCursor(event.r, row.id)) found.push({ ...row, eventType: event.type });
    }
    below = batch[batch.length - 1].r;
    if (batch.length < step) break;
    // Past the range's start (with room for arrival order): no older event can have a delivery in it.
    if (oldestEvent !== null && batch[batch.length - 1].id < oldestEvent) break;
  }
  return found.slice(0, search.limit);
}
