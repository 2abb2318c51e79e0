/**
 * Bulk insert of ready-made events, deliveries and attempts, for tools only: `npm run seed-demo`
 * (history for demos and for measuring the log) and `npm run bench` (a backlog to drain). Not
 * for the app's paths: it bypasses quotas, fan-out and idempotency.
 *
 * Contract: inserts every row given, in one transaction (all or none), parents before children.
 * An event's deliveries come in the same call as the event: the search index takes the ids of
 * its endpoints with it (search-index.ts).
 * A delivery without `status` is created `pending` (as fan-out creates them); the seed gives
 * finished history its final status directly: a row created in that state, not a status change
 * of an existing row, so no transition applies. Times are Unix ms.
 *
 * - SQLite: prepared statements in one IMMEDIATE transaction (~1M rows a minute).
 * - PostgreSQL: one `INSERT … SELECT FROM unnest(…)` per table: three round trips per batch,
 *   whatever its size.
 */
import type { Store } from "./connection";
import { type DeliveryStatus, sqlStatus } from "./delivery-states";
import { at, query, transaction } from "./postgres";
import { POSTGRES_ENDPOINTS_COLUMN, searchEndpointsText } from "./search-index";
import { preparedStatements } from "./sqlite";

export interface EventInsert {
  id: string;
  userId: string;
  type: string;
  payload: string;
  createdAt: number;
}

export interface DeliveryInsert {
  id: string;
  userId: string;
  eventId: string;
  endpointId: string;
  /** Omitted: a new delivery, `pending`. */
  status?: DeliveryStatus;
  attempts: number;
  nextAttemptAt: number | null;
  lastStatusCode?: number | null;
  lastError?: string | null;
  createdAt: number;
  updatedAt: number;
  completedAt?: number | null;
}

export interface AttemptInsert {
  id: string;
  deliveryId: string;
  number: number;
  startedAt: number;
  durationMs: number;
  requestHeaders: string;
  responseStatus: number | null;
  responseHeaders: string | null;
  responseBody: string | null;
  error: string | null;
}

export interface Rows {
  events?: EventInsert[];
  deliveries?: DeliveryInsert[];
  attempts?: AttemptInsert[];
}

const statementsFor = preparedStatements((db) => ({
  event: db.prepare(`INSERT INTO "Event" (id, userId, type, payload, createdAt) VALUES (?, ?, ?, ?, ?)`),
  delivery: db.prepare(`
    INSERT INTO "Delivery" (id, userId, eventId, endpointId, status, attempts, nextAttemptAt, lastStatusCode, lastError, createdAt, updatedAt, completedAt)
    VALUES (?, ?, ?, ?, coalesce(?, ${sqlStatus("pending")}), ?, ?, ?, ?, ?, ?, ?)`),
  attempt: db.prepare(`
    INSERT INTO "Attempt" (id, deliveryId, number, startedAt, durationMs, requestHeaders, responseStatus, responseHeaders, responseBody, error)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
}));

export async function insertRows(store: Store, rows: Rows): Promise<void> {
  const events = rows.events ?? [];
  const deliveries = rows.deliveries ?? [];
  const attempts = rows.attempts ?? [];
  if (store.engine === "sqlite") {
    const sql = statementsFor(store.sqlite);
    store.sqlite
      .transaction(() => {
        for (const e of events) sql.event.run(e.id, e.userId, e.type, e.payload, e.createdAt);
        for (const d of deliveries) {
          sql.delivery.run(
            d.id, d.userId, d.eventId, d.endpointId, d.status ?? null, d.attempts, d.nextAttemptAt,
            d.lastStatusCode ?? null, d.lastError ?? null, d.createdAt, d.updatedAt, d.completedAt ?? null,
          );
        }
        for (const a of attempts) {
          sql.attempt.run(a.id, a.deliveryId, a.number, a.startedAt, a.durationMs, a.requestHeaders, a.responseStatus, a.responseHeaders, a.responseBody, a.error);
        }
      })
      .immediate();
    return;
  }
  const column = <T, V>(list: T[], pick: (row: T) => V) => list.map(pick);
  const endpointsOf = new Map<string, string[]>();
  for (const delivery of deliveries) {
    const list = endpointsOf.get(delivery.eventId);
    if (list) list.push(delivery.endpointId);
    else endpointsOf.set(delivery.eventId, [delivery.endpointId]);
  }
  await transaction(store, async (client) => {
    if (events.length) {
      await query(
        store,
        client,
        `INSERT INTO "Event" (id, "userId", type, payload, "createdAt", "${POSTGRES_ENDPOINTS_COLUMN}")
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamp[], $6::text[])`,
        [
          column(events, (e) => e.id),
          column(events, (e) => e.userId),
          column(events, (e) => e.type),
          column(events, (e) => e.payload),
          column(events, (e) => at(e.createdAt)),
          column(events, (e) => searchEndpointsText(endpointsOf.get(e.id) ?? [])),
        ],
      );
    }
    if (deliveries.length) {
      await query(
        store,
        client,
        `INSERT INTO "Delivery" (id, "userId", "eventId", "endpointId", status, attempts, "nextAttemptAt", "lastStatusCode", "lastError", "createdAt", "updatedAt", "completedAt")
         SELECT id, "userId", "eventId", "endpointId", coalesce(status, ${sqlStatus("pending")}), attempts, "nextAttemptAt", "lastStatusCode", "lastError", "createdAt", "updatedAt", "completedAt"
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::timestamp[], $8::int[], $9::text[], $10::timestamp[], $11::timestamp[], $12::timestamp[])
             AS r(id, "userId", "eventId", "endpointId", status, attempts, "nextAttemptAt", "lastStatusCode", "lastError", "createdAt", "updatedAt", "completedAt")`,
        [
          column(deliveries, (d) => d.id),
          column(deliveries, (d) => d.userId),
          column(deliveries, (d) => d.eventId),
          column(deliveries, (d) => d.endpointId),
          column(deliveries, (d) => d.status ?? null),
          column(deliveries, (d) => d.attempts),
          column(deliveries, (d) => at(d.nextAttemptAt)),
          column(deliveries, (d) => d.lastStatusCode ?? null),
          column(deliveries, (d) => d.lastError ?? null),
          column(deliveries, (d) => at(d.createdAt)),
          column(deliveries, (d) => at(d.updatedAt)),
          column(deliveries, (d) => at(d.completedAt ?? null)),
        ],
      );
    }
    if (attempts.length) {
      await query(
        store,
        client,
        `INSERT INTO "Attempt" (id, "deliveryId", number, "startedAt", "durationMs", "requestHeaders", "responseStatus", "responseHeaders", "responseBody", error)
         SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::timestamp[], $5::int[], $6::text[], $7::int[], $8::text[], $9::text[], $10::text[])`,
        [
          column(attempts, (a) => a.id),
          column(attempts, (a) => a.deliveryId),
          column(attempts, (a) => a.number),
          column(attempts, (a) => at(a.startedAt)),
          column(attempts, (a) => a.durationMs),
          column(attempts, (a) => a.requestHeaders),
          column(attempts, (a) => a.responseStatus),
          column(attempts, (a) => a.responseHeaders),
          column(attempts, (a) => a.responseBody),
          column(attempts, (a) => a.error),
        ],
      );
    }
  });
}
