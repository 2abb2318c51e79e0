/**
 * Fan-out, shared by every way an event is made (API, dashboard, test events, schedule ticks):
 * which endpoints an event goes to, and the event and delivery rows that records. Pure: the
 * store writes the rows (lib/store/insert-events.ts, in ingest's group commit or in a tick's
 * transaction), the same rows either way, so the worker cannot tell where an event came from.
 */
import { newId } from "../ids";
import { matchesEventTypes } from "./filter";

/** An endpoint as fan-out sees it: live (not deleted) and enabled. */
export interface FanOutEndpoint {
  id: string;
  /** JSON array of filters, as stored. */
  eventTypes: string;
  /** `unordered` or `fifo` (lib/store/fifo.ts). */
  ordering: string;
  /** The consumer it belongs to (SPEC §12); null: an account-level endpoint. */
  consumerId: string | null;
}

/**
 * The endpoints an event of `type` goes to: those of its consumer (SPEC §12), or the
 * account-level ones for an event without one, whose filter matches. Naming one endpoint (test
 * events, a schedule aimed at it) bypasses both: the user chose it explicitly.
 */
export function fanOutTargets<T extends FanOutEndpoint>(endpoints: T[], type: string, onlyEndpointId?: string | null, consumerId: string | null = null): T[] {
  if (onlyEndpointId) return endpoints.filter((endpoint) => endpoint.id === onlyEndpointId);
  return endpoints.filter((endpoint) => endpoint.consumerId === consumerId && matchesEventTypes(JSON.parse(endpoint.eventTypes) as string[], type));
}

export interface EventRow {
  id: string;
  userId: string;
  type: string;
  payload: string;
  idempotencyKey: string | null;
  scheduleId: string | null;
  orderingKey: string | null;
  consumerId: string | null;
  createdAt: Date;
}

export interface DeliveryRow {
  id: string;
  userId: string;
  eventId: string;
  endpointId: string;
  nextAttemptAt: Date;
  /** Towards a FIFO endpoint: the sequence it joins (the event's key, "" without one); else null. */
  orderingKey: string | null;
  createdAt: Date;
}

export interface EventRows {
  event: EventRow;
  /** One per target endpoint, due at once (or, towards a FIFO endpoint, once the ones before it end). */
  deliveries: DeliveryRow[];
}

export function newEventRows(
  userId: string,
  input: { type: string; payload: string; idempotencyKey?: string | null; scheduleId?: string | null; orderingKey?: string | null; consumerId?: string | null },
  targets: Array<Pick<FanOutEndpoint, "id" | "ordering">>,
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
      orderingKey: input.orderingKey ?? null,
      consumerId: input.consumerId ?? null,
      createdAt: now,
    },
    deliveries: targets.map((endpoint) => ({
      id: newId("dlv", now.getTime()),
      userId,
      eventId,
      endpointId: endpoint.id,
      nextAttemptAt: now,
      orderingKey: endpoint.ordering === "fifo" ? (input.orderingKey ?? "") : null,
      createdAt: now,
    })),
  };
}
