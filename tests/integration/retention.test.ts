// Retention: finished history older than the retention period is purged; pending work and
// recent history are kept.
import { describe, expect, it } from "vitest";
import { sqlite } from "@/lib/db";
import { createSession, userForSessionToken } from "@/lib/auth/session";
import { idFromTime } from "@/lib/ids";
import { store } from "@/lib/store/connection";
import { purgeExpiredBatch, purgeExpiredHistory, purgeExpiredSessionsBatch } from "@/lib/store/purge";
import { newAccount, newEndpoint } from "../helpers/harness";

const DAY = 86_400_000;

function insertDelivery(userId: string, endpointId: string, createdAt: number, status: string): { eventId: string; deliveryId: string } {
  const db = sqlite();
  const eventId = idFromTime("msg", createdAt);
  const deliveryId = idFromTime("dlv", createdAt);
  db.prepare(`INSERT INTO "Event" (id, userId, type, payload, createdAt) VALUES (?, ?, 'order.created', '{}', ?)`).run(eventId, userId, createdAt);
  db.prepare(
    `INSERT INTO "Delivery" (id, userId, eventId, endpointId, status, attempts, nextAttemptAt, createdAt, updatedAt)
     VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?)`,
  ).run(deliveryId, userId, eventId, endpointId, status, status === "pending" ? createdAt : null, createdAt, createdAt);
  db.prepare(`INSERT INTO "Attempt" (id, deliveryId, number, startedAt, durationMs, requestHeaders) VALUES (?, ?, 1, ?, 5, '{}')`).run(
    idFromTime("att", createdAt),
    deliveryId,
    createdAt,
  );
  return { eventId, deliveryId };
}

const count = (table: string, column: string, id: string) =>
  (sqlite().prepare(`SELECT count(*) AS n FROM "${table}" WHERE ${column} = ?`).get(id) as { n: number }).n;

describe("retention purge", () => {
  it("deletes finished deliveries, their attempts and events older than the period, and nothing else", async () => {
    const account = await newAccount();
    const endpoint = await newEndpoint(account.id, "https://example.com/hook");
    const now = Date.now();
    const oldSucceeded = insertDelivery(account.id, endpoint.id, now - 40 * DAY, "succeeded");
    const oldFailed = insertDelivery(account.id, endpoint.id, now - 31 * DAY, "failed");
    const oldPending = insertDelivery(account.id, endpoint.id, now - 35 * DAY, "pending");
    const recent = insertDelivery(account.id, endpoint.id, now - 29 * DAY, "succeeded");

    const purged = await purgeExpiredHistory(store(), 30, now);
    expect(purged).toMatchObject({ deliveries: 2, events: 2 });

    for (const gone of [oldSucceeded, oldFailed]) {
      expect(count("Delivery", "id", gone.deliveryId)).toBe(0);
      expect(count("Attempt", "deliveryId", gone.deliveryId)).toBe(0);
      expect(count("Event", "id", gone.eventId)).toBe(0);
    }
    for (const kept of [oldPending, recent]) {
      expect(count("Delivery", "id", kept.deliveryId)).toBe(1);
      expect(count("Attempt", "deliveryId", kept.deliveryId)).toBe(1);
      expect(count("Event", "id", kept.eventId)).toBe(1);
    }
  });

  it("works in small batches until nothing is left", async () => {
    const account = await newAccount();
    const endpoint = await newEndpoint(account.id, "https://example.com/hook");
    const now = Date.now();
    for (let i = 0; i < 7; i++) insertDelivery(account.id, endpoint.id, now - 60 * DAY + i, "succeeded");
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
    const sessionsOf = () => (sqlite().prepare(`SELECT count(*) AS n FROM "Session" WHERE userId = ?`).get(account.id) as { n: number }).n;
    expect(sessionsOf()).toBe(3);

    const purged = await purgeExpiredHistory(store(), 30, now);
    expect(purged.sessions).toBeGreaterThanOrEqual(2);
    expect(sessionsOf()).toBe(1);
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
    expect((sqlite().prepare(`SELECT count(*) AS n FROM "Session" WHERE expiresAt <= ?`).get(now) as { n: number }).n).toBe(0);
  });
});
