/**
 * Events and their fan-out: creating an event writes the event and one delivery per matching
 * enabled endpoint in one transaction (so an accepted event always has its deliveries), then
 * wakes the worker.
 */
import { prisma } from "../db";
import { newId } from "../ids";
import { notifyNewWork } from "../worker/wake";
import { matchesEventTypes } from "./filter";

export interface EventDto {
  id: string;
  type: string;
  data: unknown;
  createdAt: string;
}

export interface CreatedEvent extends EventDto {
  deliveries: number;
}

export interface NewEvent {
  type: string;
  /** The event's data, already valid JSON text. */
  payload: string;
}

/** Creates the event and its deliveries. `endpointId` targets one endpoint (test events). */
export async function createEvent(userId: string, input: NewEvent, options: { endpointId?: string } = {}): Promise<CreatedEvent> {
  const now = new Date();
  const endpoints = await prisma.endpoint.findMany({
    where: { userId, deletedAt: null, enabled: true, ...(options.endpointId ? { id: options.endpointId } : {}) },
    select: { id: true, eventTypes: true },
  });
  const targets = options.endpointId
    ? endpoints
    : endpoints.filter((endpoint) => matchesEventTypes(JSON.parse(endpoint.eventTypes) as string[], input.type));
  const eventId = newId("msg", now.getTime());
  await prisma.$transaction([
    prisma.event.create({ data: { id: eventId, userId, type: input.type, payload: input.payload, createdAt: now } }),
    prisma.delivery.createMany({
      data: targets.map((endpoint) => ({
        id: newId("dlv", now.getTime()),
        userId,
        eventId,
        endpointId: endpoint.id,
        status: "pending",
        nextAttemptAt: now,
        createdAt: now,
      })),
    }),
  ]);
  if (targets.length) notifyNewWork(targets.map((endpoint) => endpoint.id));
  return { id: eventId, type: input.type, data: JSON.parse(input.payload), createdAt: now.toISOString(), deliveries: targets.length };
}

/** "Send test event": a `webhook.test` event for one endpoint, with the classic greeting. */
export async function sendTestEvent(userId: string, endpointId: string): Promise<CreatedEvent | null> {
  const endpoint = await prisma.endpoint.findFirst({ where: { userId, id: endpointId, deletedAt: null }, select: { name: true, enabled: true } });
  if (!endpoint) return null;
  const now = new Date();
  const data = { message: `Hello ${endpoint.name}, current time is ${now.toISOString()}` };
  return createEvent(userId, { type: "webhook.test", payload: JSON.stringify(data) }, { endpointId });
}
