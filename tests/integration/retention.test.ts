// Retention: finished history older than the retention period is purged; pending work and
// recent history are kept.
import { describe, expect, it } from "vitest";
import { prisma } from "@/lib/db";
import { createSession, userForSessionToken } from "@/lib/auth/session";
import { idFromTime } from "@/lib/ids";
import { store } from "@/lib/store/connection";
import { purgeExpiredBatch, purgeExpiredHistory, purgeExpiredSessionsBatch } from "@/lib/store/purge";
import { newAccount, newEndpoint } from "../helpers/harness";

const DAY = 86_400_000;

async function insertDelivery(userId: string, endpointId: string, createdAt: number, status: string): Promise<{ eventId: string; deliveryId: string }> {
  const eventId = idFromTime("msg", createdAt);
  const deliveryId = idFromTime("dlv", createdAt);
  const at = new Date(createdAt);
  await prisma.event.create({ data: { id: eventId, userId, type: "order.created", payload: "{}", createdAt: at } });
  await prisma.delivery.create({
    data: { id: deliveryId, userId, eventId, endpointId, status, attempts: 1, nextAttemptAt: status === "pending" ? at : null, createdAt: at, updatedAt: at },
  });
  await prisma.attempt.create({ data: { id: idFromTime("att", createdAt), deliveryId, number: 1, startedAt: at, durationMs: 5, requestHeaders: "{}" } });
  return { eventId, deliveryId };
}

/** How many rows of each kind are left of an inserted delivery. */
async function rowsOf(inserted: { eventId: string; deliveryId: string }) {
  return {
    deliveries: await prisma.delivery.count({ where: { id: inserted.deliveryId } }),
    attempts: await prisma.attempt.count({ where: { deliveryId: inserted.deliveryId } }),
    events: await prisma.event.count({ where: { id: inserted.eventId } }),
  };
}

describe("retention purge", () => {
  it("deletes finished deliveries, their attempts and events older than the period, and nothing else", async () => {
    const account = await newAccount();
    const endpoint = await newEndpoint(account.id, "https://example.com/hook");
    const now = Date.now();
    const oldSucceeded = await insertDelivery(account.id, endpoint.id, now - 40 * DAY, "succeeded");
    const oldFailed = await insertDelivery(account.id, endpoint.id, now - 31 * DAY, "failed");
    const oldPending = await insertDelivery(account.id, endpoint.id, now - 35 * DAY, "pending");
    const recent = await insertDelivery(account.id, endpoint.id, now - 29 * DAY, "succeeded");

    const purged = await purgeExpiredHistory(store(), 30, now);
    expect(purged).toMatchObject({ deliveries: 2, events: 2 });

    for (const gone of [oldSucceeded, oldFailed]) expect(await rowsOf(gone)).toEqual({ deliveries: 0, attempts: 0, events: 0 });
    for (const kept of [oldPending, recent]) expect(await rowsOf(kept)).toEqual({ deliveries: 1, attempts: 1, events: 1 });
  });

  it("works in small batches until nothing is left", async () => {
    const account = await newAccount();
    const endpoint = await newEndpoint(account.id, "https://example.com/hook");
    const now = Date.now();
    for (let i = 0; i < 7; i++) await insertDelivery(account.id, endpoint.id, now - 60 * DAY + i, "succeeded");
    expect(await purgeExpiredBatch(store(), now - 30 * DAY, 3)).toEqual({ deliveries: 3, events: 3 });
    expect(await purgeExpiredBatch(store(), now - 30 * DAY, 3)).toEqual({ deliveries: 3, events: 3 });
    expect(await purgeExpiredBatch(store(), now - 30 * DAY, 3)).toEqual({ deliveries: 1, events: 1 });
    expect(await purgeExpiredBatch(store(), now - 30 * DAY, 3)).toEqual({ deliveries: 0, events: 0 });
  });

  it("deletes sessions that have expired, whatever their account, and keeps live ones", async () => {
    const account = await newAccount();
    const now = Date.now();
    // createSession's `now` is when the session starts: these expired a day or more ago.
    const expired = [await createSession(account.id, now - 31 * DAY), await createSession(account.id, now - 40 * DAY)];
    const live = await createSession(account.id, now);
    const sessionsOf = () => prisma.session.count({ where: { userId: account.id } });
    expect(await sessionsOf()).toBe(3);

    const purged = await purgeExpiredHistory(store(), 30, now);
    expect(purged.sessions).toBeGreaterThanOrEqual(2);
    expect(await sessionsOf()).toBe(1);
    expect((await userForSessionToken(live.token))?.id).toBe(account.id);
    for (const session of expired) expect(await userForSessionToken(session.token)).toBeNull();
  });

  it("purges sessions in batches too", async () => {
    const account = await newAccount();
    const now = Date.now();
    for (let i = 0; i < 5; i++) await createSession(account.id, now - 60 * DAY + i);
    let purged = 0;
    for (let batch; (batch = await purgeExpiredSessionsBatch(store(), now, 2)) > 0; ) {
      expect(batch).toBeLessThanOrEqual(2);
      purged += batch;
    }
    expect(purged).toBeGreaterThanOrEqual(5);
    expect(await prisma.session.count({ where: { expiresAt: { lte: new Date(now) } } })).toBe(0);
  });
});
