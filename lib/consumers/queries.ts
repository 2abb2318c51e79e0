/**
 * The account's consumers (SPEC §12): its own customers, each owning some of its endpoints.
 * Always read and written through the owning account, keyed by uid, unique per account.
 * Deleting one deletes its endpoints as deleting them by hand does (their waiting deliveries
 * fail; their history stays readable), then the consumer, in one transaction.
 */
import { prisma } from "../db";
import { env } from "../env";
import { newId } from "../ids";
import { QuotaExceededError } from "../quotas";
import { store } from "../store/connection";
import { insertConsumerWithinQuota } from "../store/insert-within-quota";
import { deleteConsumerAndEndpoints } from "../store/manual-transitions";
import type { CreateConsumerInput, UpdateConsumerInput } from "../validations/consumer";

export interface ConsumerDto {
  uid: string;
  name: string;
  createdAt: string;
  updatedAt: string;
}

const dtoSelect = { uid: true, name: true, createdAt: true, updatedAt: true } as const;

function toDto(row: { uid: string; name: string; createdAt: Date; updatedAt: Date }): ConsumerDto {
  return { uid: row.uid, name: row.name, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() };
}

/** A page of consumers in uid order (`uid > cursor`). */
export async function listConsumers(userId: string, page: { cursor?: string; limit?: number } = {}): Promise<{ data: ConsumerDto[]; nextCursor: string | null }> {
  const limit = page.limit ?? 50;
  const rows = await prisma.consumer.findMany({
    where: { userId, ...(page.cursor ? { uid: { gt: page.cursor } } : {}) },
    select: dtoSelect,
    orderBy: { uid: "asc" },
    take: limit + 1,
  });
  const data = rows.slice(0, limit).map(toDto);
  return { data, nextCursor: rows.length > limit ? data[data.length - 1].uid : null };
}

/** Every consumer's uid and name (at most HOOKLINE_MAX_CONSUMERS), by name, for the dashboard's pickers. */
export async function consumerNames(userId: string): Promise<Array<{ uid: string; name: string }>> {
  return prisma.consumer.findMany({ where: { userId }, select: { uid: true, name: true }, orderBy: [{ name: "asc" }, { uid: "asc" }] });
}

export async function getConsumer(userId: string, uid: string): Promise<ConsumerDto | null> {
  const row = await prisma.consumer.findUnique({ where: { userId_uid: { userId, uid } }, select: dtoSelect });
  return row ? toDto(row) : null;
}

/** The consumer's internal id, for the account's own uid; null when it has none by that uid. */
export async function consumerIdOf(userId: string, uid: string): Promise<string | null> {
  const row = await prisma.consumer.findUnique({ where: { userId_uid: { userId, uid } }, select: { id: true } });
  return row?.id ?? null;
}

/**
 * A write linking to a consumer that was deleted after it was looked up: its foreign key refused
 * the write, and nothing was stored. What the user is told instead of a server error.
 */
export class ConsumerGoneError extends Error {
  constructor() {
    super("This consumer was deleted meanwhile.");
    this.name = "ConsumerGoneError";
  }
}

// A foreign key refused: SQLite's, PostgreSQL's, Prisma's.
const FOREIGN_KEY_REFUSED = new Set(["SQLITE_CONSTRAINT_FOREIGNKEY", "23503", "P2003"]);

/**
 * Runs a write that links to the consumer `consumerId` (found a moment before, or null/undefined
 * for none): if it was deleted meanwhile, its foreign key refuses the write, which becomes a
 * ConsumerGoneError.
 */
export async function whileConsumerExists<T>(consumerId: string | null | undefined, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (consumerId && FOREIGN_KEY_REFUSED.has(String((error as { code?: unknown }).code))) throw new ConsumerGoneError();
    throw error;
  }
}

/** Creates the consumer, or says its uid is taken; throws QuotaExceededError past HOOKLINE_MAX_CONSUMERS. */
export async function createConsumer(userId: string, input: CreateConsumerInput, now = Date.now()): Promise<ConsumerDto | { conflict: string }> {
  const limit = env.HOOKLINE_MAX_CONSUMERS;
  if (!(await insertConsumerWithinQuota(store(), { id: newId("con", now), userId, uid: input.uid, name: input.name, now }, limit))) {
    // Either the uid is taken or the account is full: the uid says which.
    if (await prisma.consumer.count({ where: { userId, uid: input.uid } })) return { conflict: `This account already has a consumer with uid ${input.uid}.` };
    throw new QuotaExceededError("consumers", limit);
  }
  return toDto({ uid: input.uid, name: input.name, createdAt: new Date(now), updatedAt: new Date(now) });
}

/** Null when the account has no such consumer. */
export async function updateConsumer(userId: string, uid: string, input: UpdateConsumerInput): Promise<ConsumerDto | null> {
  const { count } = await prisma.consumer.updateMany({ where: { userId, uid }, data: { name: input.name } });
  return count ? getConsumer(userId, uid) : null;
}

/** Deletes the consumer and its endpoints; false when the account has no such consumer. */
export async function deleteConsumer(userId: string, uid: string, now = Date.now()): Promise<boolean> {
  const id = await consumerIdOf(userId, uid);
  return id !== null && deleteConsumerAndEndpoints(store(), userId, id, now);
}
