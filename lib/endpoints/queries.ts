/**
 * Endpoints, always read and written through the owning account: a foreign or deleted id
 * behaves exactly like one that does not exist.
 */
import { whileConsumerExists } from "../consumers/queries";
import { prisma } from "../db";
import { env } from "../env";
import { newId } from "../ids";
import { QuotaExceededError } from "../quotas";
import { store } from "../store/connection";
import type { Ordering } from "../events/ordering";
import { setEndpointOrdering } from "../store/fifo";
import { deleteEndpointFailingWaiting, recoverFailedOfLiveEndpoint } from "../store/manual-transitions";
import { insertEndpointWithinQuota } from "../store/insert-within-quota";
import type { CreateEndpointInput, UpdateEndpointInput } from "../validations/endpoint";
import { generateSigningSecret } from "../webhooks/sign";
import { notifyNewWork } from "../store/notify";

export interface EndpointDto {
  id: string;
  name: string;
  url: string;
  description: string;
  enabled: boolean;
  eventTypes: string[];
  headers: Record<string, string>;
  disabledReason: string | null;
  /** `unordered` or `fifo` (SPEC §11). */
  ordering: Ordering;
  /** The uid of the consumer it belongs to (SPEC §12); null: an account-level endpoint. */
  consumer: string | null;
  createdAt: string;
}

const dtoSelect = {
  id: true,
  name: true,
  url: true,
  description: true,
  enabled: true,
  eventTypes: true,
  headers: true,
  disabledReason: true,
  ordering: true,
  consumer: { select: { uid: true } },
  createdAt: true,
} as const;

type EndpointRow = {
  [K in Exclude<keyof typeof dtoSelect, "consumer">]: K extends "createdAt" ? Date : K extends "enabled" ? boolean : K extends "disabledReason" ? string | null : string;
} & { consumer: { uid: string } | null };

function toDto(row: EndpointRow): EndpointDto {
  return {
    ...row,
    consumer: row.consumer?.uid ?? null,
    ordering: row.ordering as Ordering,
    eventTypes: JSON.parse(row.eventTypes) as string[],
    headers: JSON.parse(row.headers) as Record<string, string>,
    createdAt: row.createdAt.toISOString(),
  };
}

const live = (userId: string, id?: string) => ({ userId, deletedAt: null, ...(id ? { id } : {}) });

/** The account's endpoints, newest first; `consumerId`: only that consumer's (SPEC §12). */
export async function listEndpoints(userId: string, filter: { consumerId?: string } = {}): Promise<EndpointDto[]> {
  const rows = await prisma.endpoint.findMany({ where: { ...live(userId), ...(filter.consumerId ? { consumerId: filter.consumerId } : {}) }, select: dtoSelect, orderBy: { id: "desc" } });
  return rows.map(toDto);
}

export async function getEndpoint(userId: string, id: string): Promise<EndpointDto | null> {
  const row = await prisma.endpoint.findFirst({ where: live(userId, id), select: dtoSelect });
  return row ? toDto(row) : null;
}

/** The signing secret, only on explicit request (reveal, create response). */
export async function getEndpointSecret(userId: string, id: string): Promise<string | null> {
  const row = await prisma.endpoint.findFirst({ where: live(userId, id), select: { secret: true } });
  return row?.secret ?? null;
}

/** Until when the secret before the last rotation still signs alongside the current one, if it does. */
export async function previousSecretValidUntil(userId: string, id: string, now = new Date()): Promise<Date | null> {
  const row = await prisma.endpoint.findFirst({ where: live(userId, id), select: { previousSecret: true, previousSecretUntil: true } });
  return row?.previousSecret && row.previousSecretUntil && row.previousSecretUntil > now ? row.previousSecretUntil : null;
}

/**
 * The circuit breaker's hold on the endpoint (lib/worker/circuit-breaker.ts), when it holds one:
 * until when no attempt starts, and the failure streak that opened it.
 */
export async function endpointCircuit(
  userId: string,
  id: string,
  now = new Date(),
): Promise<{ pausedUntil: Date; consecutiveFailures: number; failingSince: Date | null } | null> {
  const row = await prisma.endpoint.findFirst({
    where: { ...live(userId, id), circuitOpenUntil: { gt: now } },
    select: { circuitOpenUntil: true, consecutiveFailures: true, failingSince: true },
  });
  return row && { pausedUntil: row.circuitOpenUntil!, consecutiveFailures: row.consecutiveFailures, failingSince: row.failingSince };
}

/** A page of endpoints, newest first (`id < cursor`). */
export async function listEndpointsPage(userId: string, page: { cursor?: string; limit?: number }): Promise<{ data: EndpointDto[]; nextCursor: string | null }> {
  const limit = page.limit ?? 50;
  const rows = await prisma.endpoint.findMany({
    where: { ...live(userId), ...(page.cursor ? { id: { lt: page.cursor } } : {}) },
    select: dtoSelect,
    orderBy: { id: "desc" },
    take: limit + 1,
  });
  const data = rows.slice(0, limit).map(toDto);
  return { data, nextCursor: rows.length > limit ? data[data.length - 1].id : null };
}

/**
 * Creates the endpoint, or throws QuotaExceededError when the account has HOOKLINE_MAX_ENDPOINTS
 * already, or (`portal`: a consumer's portal adds it) its consumer HOOKLINE_MAX_PORTAL_ENDPOINTS.
 */
export async function createEndpoint(userId: string, input: CreateEndpointInput, options: { portal?: boolean } = {}): Promise<EndpointDto & { secret: string }> {
  const secret = generateSigningSecret();
  const id = newId("ep");
  const limit = env.HOOKLINE_MAX_ENDPOINTS;
  const row = {
    id,
    userId,
    name: input.name,
    url: input.url,
    description: input.description,
    secret,
    enabled: input.enabled !== false,
    eventTypes: JSON.stringify(input.eventTypes ?? []),
    headers: JSON.stringify(input.headers ?? {}),
    ordering: input.ordering ?? "unordered",
    consumerId: input.consumerId ?? null,
    consumerLimit: options.portal && input.consumerId ? env.HOOKLINE_MAX_PORTAL_ENDPOINTS : null,
    now: Date.now(),
  };
  const inserted = await whileConsumerExists(input.consumerId, () => insertEndpointWithinQuota(store(), row, limit));
  if (!inserted) {
    // Which limit refused it, for the message: counted again, after the refusal.
    const consumerFull =
      options.portal && input.consumerId && (await prisma.endpoint.count({ where: { ...live(userId), consumerId: input.consumerId } })) >= env.HOOKLINE_MAX_PORTAL_ENDPOINTS;
    throw consumerFull ? new QuotaExceededError("portalEndpoints", env.HOOKLINE_MAX_PORTAL_ENDPOINTS) : new QuotaExceededError("endpoints", limit);
  }
  const created = await prisma.endpoint.findFirstOrThrow({ where: { id, userId }, select: dtoSelect });
  return { ...toDto(created), secret };
}

/**
 * Changes the given fields; enabling also clears the failure streak (see setEndpointEnabled), and
 * changing the ordering releases the deliveries waiting in the endpoint's FIFO queue (fifo.ts).
 */
export async function updateEndpoint(userId: string, id: string, input: UpdateEndpointInput): Promise<EndpointDto | null> {
  const data = {
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.url !== undefined ? { url: input.url } : {}),
    ...(input.description !== undefined ? { description: input.description } : {}),
    ...(input.eventTypes !== undefined ? { eventTypes: JSON.stringify(input.eventTypes) } : {}),
    ...(input.headers !== undefined ? { headers: JSON.stringify(input.headers) } : {}),
    ...(input.consumerId !== undefined ? { consumerId: input.consumerId } : {}),
  };
  // Prisma reports count 0 for an updateMany with nothing to set, so only `enabled` (or
  // nothing) would read as "no such endpoint": check existence instead.
  const count = Object.keys(data).length
    ? (await whileConsumerExists(input.consumerId, () => prisma.endpoint.updateMany({ where: live(userId, id), data }))).count
    : await prisma.endpoint.count({ where: live(userId, id) });
  if (!count) return null;
  if (input.ordering !== undefined) await setEndpointOrdering(store(), userId, id, input.ordering, Date.now());
  if (input.enabled !== undefined) return setEndpointEnabled(userId, id, input.enabled);
  return getEndpoint(userId, id);
}

/** How long the replaced secret keeps signing beside the new one after a rotation. */
export const SECRET_OVERLAP_MS = 24 * 60 * 60 * 1000;

/**
 * Rotation: a new secret signs from now on, and the old one keeps signing beside it for 24 h
 * (two signatures in `webhook-signature`), so receivers can switch without dropping events.
 */
export async function rotateEndpointSecret(
  userId: string,
  id: string,
  now = new Date(),
): Promise<(EndpointDto & { secret: string; previousSecretExpiresAt: string }) | null> {
  const current = await prisma.endpoint.findFirst({ where: live(userId, id), select: { secret: true } });
  if (!current) return null;
  const secret = generateSigningSecret();
  const previousSecretUntil = new Date(now.getTime() + SECRET_OVERLAP_MS);
  const { count } = await prisma.endpoint.updateMany({
    where: { ...live(userId, id), secret: current.secret },
    data: { secret, previousSecret: current.secret, previousSecretUntil },
  });
  // Lost a race with another rotation: report the endpoint as it is now.
  if (!count) return null;
  const endpoint = await getEndpoint(userId, id);
  return endpoint && { ...endpoint, secret, previousSecretExpiresAt: previousSecretUntil.toISOString() };
}

/**
 * Disable or enable by hand. Enabling clears the failure streak (so the endpoint is not
 * disabled again by its old failures) and any circuit-breaker pause, and wakes the worker for
 * the deliveries that waited.
 */
export async function setEndpointEnabled(userId: string, id: string, enabled: boolean): Promise<EndpointDto | null> {
  const { count } = await prisma.endpoint.updateMany({
    where: live(userId, id),
    data: enabled ? { enabled, disabledReason: null, consecutiveFailures: 0, failingSince: null, circuitOpenUntil: null } : { enabled, disabledReason: null },
  });
  if (!count) return null;
  if (enabled) notifyNewWork(store(), [id]);
  return getEndpoint(userId, id);
}

/**
 * Deleting hides the endpoint but keeps it and its deliveries for the log. Deliveries still
 * waiting are failed, so nothing is left pending towards an endpoint that no longer exists.
 */
export async function deleteEndpoint(userId: string, id: string, now = new Date()): Promise<boolean> {
  return deleteEndpointFailingWaiting(store(), userId, id, now.getTime());
}

/**
 * "Recover": re-queue the endpoint's failed deliveries created at or after `since`, due now.
 * Returns how many were re-queued, "deleted" for an endpoint of this account that was deleted
 * (nothing would ever attempt them), or null for an unknown endpoint. If the endpoint is
 * disabled they wait until it is enabled again.
 */
export async function recoverFailedDeliveries(userId: string, id: string, since: Date, now = new Date()): Promise<number | "deleted" | null> {
  const endpoint = await prisma.endpoint.findFirst({ where: { userId, id }, select: { deletedAt: true } });
  if (!endpoint) return null;
  if (endpoint.deletedAt) return "deleted";
  // Conditional on the endpoint still being live, so a concurrent delete cannot be undone.
  const count = await recoverFailedOfLiveEndpoint(store(), userId, id, since.getTime(), now.getTime());
  if (count) notifyNewWork(store(), [id]);
  return count;
}
