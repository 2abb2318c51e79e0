/**
 * Fan-out, shared by every way an event is made (API, dashboard, test events, schedule ticks):
 * which endpoints an event goes to, and the event and delivery rows that records, written on
 * the raw connection inside the caller's IMMEDIATE transaction (createEvent's, or the ticker's
 * for schedule ticks). Either way the rows are the same, so the worker cannot tell where an
 * event came from.
 */
import type Database from "better-sqlite3";
import { preparedStatements } from "../store/sqlite";
import { newId } from "../ids";
import { matchesEventTypes } from "./filter";

/** An endpoint as fan-out sees it: live (not deleted) and enabled. */
export interface FanOutEndpoint {
  id: string;
  /** JSON array of filters, as stored. */
  eventTypes: string;
}

/**
 * The endpoints an event of `type` goes to. Naming one endpoint (test events, a schedule aimed
 * at it) bypasses its filter: the user chose it explicitly.
 */
export function fanOutTargets<T extends FanOutEndpoint>(endpoints: T[], type: string, onlyEndpointId?: string | null): T[] {
  if (onlyEndpointId) return endpoints.filter((endpoint) => endpoint.id === onlyEndpointId);
  return endpoints.filter((endpoint) => matchesEventTypes(JSON.parse(endpoint.eventTypes) as string[], type));
}

export interface EventRow {
  id: string;
  userId: string;
  type: string;
  payload: string;
  idempotencyKey: string | null;
  scheduleId: string | null;
  createdAt: Date;
}

export interface DeliveryRow {
  id: string;
  userId: string;
  eventId: string;
  endpointId: string;
  status: "pending";
  nextAttemptAt: Date;
  createdAt: Date;
}

export interface EventRows {
  event: EventRow;
  /** One per target endpoint, due at once. */
  deliveries: DeliveryRow[];
}

export function newEventRows(
  userId: string,
  input: { type: string; payload: string; idempotencyKey?: string | null; scheduleId?: string | null },
  endpointIds: string[],
  now: Date,
): EventRows {
  const eventId = newId("msg", now.getTime());
  return {
    event: {
      id: eventId,
      userId,
      type: input.type,
      payload: input.payload,
      idempotencyKey: input.idempotencyKey ?? null,
      scheduleId: input.scheduleId ?? null,
      createdAt: now,
    },
    deliveries: endpointIds.map((endpointId) => ({
      id: newId("dlv", now.getTime()),
      userId,
      eventId,
      endpointId,
      status: "pending",
      nextAttemptAt: now,
      createdAt: now,
    })),
  };
}

const statementsFor = preparedStatements((db) => {
  return {
    liveEndpoints: db.prepare(`SELECT id, name, eventTypes FROM "Endpoint" WHERE userId = ? AND deletedAt IS NULL AND enabled = 1 ORDER BY id`),
    event: db.prepare(
      `INSERT INTO "Event" (id, userId, type, payload, idempotencyKey, scheduleId, createdAt) VALUES (@id, @userId, @type, @payload, @idempotencyKey, @scheduleId, @createdAt)`,
    ),
    // As Prisma writes them: times in Unix ms, updatedAt set on create.
    delivery: db.prepare(
      `INSERT INTO "Delivery" (id, userId, eventId, endpointId, status, attempts, nextAttemptAt, createdAt, updatedAt)
       VALUES (@id, @userId, @eventId, @endpointId, @status, 0, @nextAttemptAt, @createdAt, @createdAt)`,
    ),
  };
});


/** The account's live, enabled endpoints, read on the raw connection inside the write transaction. */
export function liveEndpointsRaw(db: Database.Database, userId: string): Array<FanOutEndpoint & { name: string }> {
  return statementsFor(db).liveEndpoints.all(userId) as Array<FanOutEndpoint & { name: string }>;
}

/** Writes the rows on the raw connection; call inside the caller's transaction. */
export function insertEventRows(db: Database.Database, rows: EventRows): void {
  const sql = statementsFor(db);
  sql.event.run({ ...rows.event, createdAt: rows.event.createdAt.getTime() });
  for (const delivery of rows.deliveries) {
    sql.delivery.run({ ...delivery, nextAttemptAt: delivery.nextAttemptAt.getTime(), createdAt: delivery.createdAt.getTime() });
  }
}
