/**
 * Delivery status changes made by people (dashboard, API), not by the worker: deleting an
 * endpoint fails its waiting deliveries (transition `endpointDeleted`), retry or replay of one
 * delivery (`retry`), recovering an endpoint's failed deliveries (`recover`). Guards and new
 * statuses come from the state machine (delivery-states.ts).
 *
 * Contract: `retry` and `recover` never re-queue a delivery towards a deleted endpoint, and after
 * `deleteEndpointFailingWaiting` returns, no delivery of that endpoint is `pending`, whatever
 * runs concurrently (a delivery in flight ends with its attempt: the worker's `retryLater` is
 * live-endpoint-only too).
 *
 * - FIFO endpoints (fifo.ts): a re-queued delivery joins the end of its ordering key's queue, in
 *   the same transaction; deleting the endpoint empties its queue.
 * - SQLite: one writer at a time, and retry and recover check the endpoint in the same statement
 *   that re-queues, so they see the deletion or run wholly before it.
 * - PostgreSQL: under READ COMMITTED a re-queue that read the endpoint as live could commit
 *   after the delete's second statement took its snapshot (rows still `failed` there), leaving
 *   `pending` rows nothing will claim. So the delete marks the endpoint and fails its waiting
 *   deliveries in one transaction that holds the endpoint's row lock to the end, and retry and
 *   recover lock the endpoint row `FOR SHARE` in the re-queuing statement: either the re-queue
 *   waits for the delete to commit and then sees the endpoint deleted (the lock re-checks
 *   `"deletedAt" IS NULL` on the newest row version), or the delete waits for the re-queue to
 *   commit and its second statement then sees, and fails, the re-queued rows.
 */
import type { PostgresStore, Store } from "./connection";
import { prismaTransition, sqlTransition } from "./delivery-states";
import { clearEndpointQueueOnPostgres, requeueOnPostgres, requeueOnSqlite } from "./fifo";
import { at, query, transaction, type Queryable } from "./postgres";

export const ENDPOINT_DELETED_ERROR = "The endpoint was deleted";

/** Marks the live endpoint deleted (and disabled) and fails its pending deliveries; false when there was no such live endpoint. */
export async function deleteEndpointFailingWaiting(store: Store, userId: string, endpointId: string, now: number): Promise<boolean> {
  if (store.engine === "sqlite") {
    const { count } = await store.prisma.endpoint.updateMany({
      where: { userId, id: endpointId, deletedAt: null },
      data: { deletedAt: new Date(now), enabled: false },
    });
    if (count === 0) return false;
    const t = prismaTransition("endpointDeleted");
    await store.prisma.delivery.updateMany({
      where: { userId, endpointId, ...t.guard },
      data: { ...t.set, nextAttemptAt: null, completedAt: new Date(now), lastError: ENDPOINT_DELETED_ERROR },
    });
    // Its waiting deliveries failed above: what is left in its queue is only rows.
    store.sqlite.prepare(`DELETE FROM "FifoQueue" WHERE endpointId = ?`).run(endpointId);
    return true;
  }
  return transaction(store, async (client) => {
    const { rowCount } = await query(
      store,
      client,
      `UPDATE "Endpoint" SET "deletedAt" = $3::timestamp, enabled = false, "updatedAt" = $3::timestamp
        WHERE id = $2 AND "userId" = $1 AND "deletedAt" IS NULL`,
      [userId, endpointId, at(now)],
    );
    if (rowCount === 0) return false;
    await failWaitingOnPostgres(store, client, userId, [endpointId], now);
    return true;
  });
}

/** PostgreSQL, in the caller's transaction: the pending deliveries of these endpoints (just marked deleted) fail, and their FIFO queues empty. */
async function failWaitingOnPostgres(store: PostgresStore, client: Queryable, userId: string, endpointIds: string[], now: number): Promise<void> {
  const t = sqlTransition("endpointDeleted");
  await query(
    store,
    client,
    `UPDATE "Delivery" SET status = ${t.to}, "nextAttemptAt" = NULL, "completedAt" = $3::timestamp, "lastError" = $4, "updatedAt" = $3::timestamp
      WHERE "userId" = $1 AND "endpointId" = ANY($2::text[]) AND status IN ${t.from}`,
    [userId, endpointIds, at(now), ENDPOINT_DELETED_ERROR],
  );
  for (const endpointId of endpointIds) await clearEndpointQueueOnPostgres(store, client, endpointId, now);
}

/** Re-queues, due `now`, the live endpoint's failed deliveries created at or after `since`; how many. */
export async function recoverFailedOfLiveEndpoint(store: Store, userId: string, endpointId: string, since: number, now: number): Promise<number> {
  const t = sqlTransition("recover");
  if (store.engine === "sqlite") {
    const db = store.sqlite;
    return db
      .transaction(() => {
        const recovered = db
          .prepare(
            `UPDATE "Delivery" SET status = ${t.to}, nextAttemptAt = @now, completedAt = NULL, updatedAt = @now
              WHERE endpointId = @endpointId AND userId = @userId AND status IN ${t.from} AND createdAt >= @since
                AND EXISTS (SELECT 1 FROM "Endpoint" WHERE id = @endpointId AND deletedAt IS NULL)
             RETURNING id`,
          )
          .all({ userId, endpointId, since, now }) as Array<{ id: string }>;
        requeueOnSqlite(db, recovered.map((row) => row.id));
        return recovered.length;
      })
      .immediate();
  }
  return transaction(store, async (client) => {
    const { rows } = await query<{ id: string }>(
      store,
      client,
      `UPDATE "Delivery" d SET status = ${t.to}, "nextAttemptAt" = $4::timestamp, "completedAt" = NULL, "updatedAt" = $4::timestamp
         FROM (SELECT id FROM "Endpoint" WHERE id = $2 AND "userId" = $1 AND "deletedAt" IS NULL FOR SHARE) e
        WHERE d."endpointId" = e.id AND d."userId" = $1 AND d.status IN ${t.from} AND d."createdAt" >= $3::timestamp
       RETURNING d.id`,
      [userId, endpointId, at(since), at(now)],
    );
    await requeueOnPostgres(store, client, rows.map((row) => row.id));
    return rows.length;
  });
}

/** Re-queues one failed or succeeded delivery of a live endpoint, due `now`; whether it did. */
export async function retryDeliveryOfLiveEndpoint(store: Store, userId: string, deliveryId: string, now: number): Promise<boolean> {
  const t = sqlTransition("retry");
  if (store.engine === "sqlite") {
    const db = store.sqlite;
    return db
      .transaction(() => {
        const { changes } = db
          .prepare(
            `UPDATE "Delivery" SET status = ${t.to}, nextAttemptAt = @now, completedAt = NULL, updatedAt = @now
              WHERE id = @deliveryId AND userId = @userId AND status IN ${t.from}
                AND EXISTS (SELECT 1 FROM "Endpoint" e WHERE e.id = "Delivery".endpointId AND e.deletedAt IS NULL)`,
          )
          .run({ userId, deliveryId, now });
        if (changes === 1) requeueOnSqlite(db, [deliveryId]);
        return changes === 1;
      })
      .immediate();
  }
  return transaction(store, async (client) => {
    const { rowCount } = await query(
      store,
      client,
      `UPDATE "Delivery" d SET status = ${t.to}, "nextAttemptAt" = $3::timestamp, "completedAt" = NULL, "updatedAt" = $3::timestamp
         FROM (SELECT e.id FROM "Endpoint" e JOIN "Delivery" x ON x."endpointId" = e.id
                WHERE x.id = $2 AND x."userId" = $1 AND e."deletedAt" IS NULL FOR SHARE OF e) e
        WHERE d.id = $2 AND d."userId" = $1 AND d."endpointId" = e.id AND d.status IN ${t.from}`,
      [userId, deliveryId, at(now)],
    );
    if (rowCount === 1) await requeueOnPostgres(store, client, [deliveryId]);
    return rowCount === 1;
  });
}

/**
 * Deletes a consumer (SPEC §12) with its endpoints, in one transaction: each live endpoint is
 * deleted as deleteEndpointFailingWaiting deletes one, then the consumer row goes (its endpoints'
 * and events' link is cleared). In one transaction so that no endpoint of the consumer can stay
 * live and, its link cleared, start taking the account's own events: an endpoint being created
 * for it meanwhile waits (PostgreSQL: the consumer's row lock) and then fails its foreign key.
 * False when the account has no such consumer.
 */
export async function deleteConsumerAndEndpoints(store: Store, userId: string, consumerId: string, now: number): Promise<boolean> {
  const t = sqlTransition("endpointDeleted");
  if (store.engine === "sqlite") {
    const db = store.sqlite;
    return db
      .transaction(() => {
        const values = { userId, consumerId, now, error: ENDPOINT_DELETED_ERROR };
        const endpoints = `SELECT id FROM "Endpoint" WHERE userId = @userId AND consumerId = @consumerId AND deletedAt IS NULL`;
        db.prepare(
          `UPDATE "Delivery" SET status = ${t.to}, nextAttemptAt = NULL, completedAt = @now, lastError = @error, updatedAt = @now
            WHERE userId = @userId AND endpointId IN (${endpoints}) AND status IN ${t.from}`,
        ).run(values);
        db.prepare(`DELETE FROM "FifoQueue" WHERE endpointId IN (${endpoints})`).run(values);
        db.prepare(`UPDATE "Endpoint" SET deletedAt = @now, enabled = 0, updatedAt = @now WHERE id IN (${endpoints})`).run(values);
        return db.prepare(`DELETE FROM "Consumer" WHERE id = @consumerId AND userId = @userId`).run(values).changes === 1;
      })
      .immediate();
  }
  return transaction(store, async (client) => {
    const { rowCount } = await query(store, client, `SELECT 1 FROM "Consumer" WHERE id = $1 AND "userId" = $2 FOR UPDATE`, [consumerId, userId]);
    if (rowCount === 0) return false;
    const { rows } = await query<{ id: string }>(
      store,
      client,
      `UPDATE "Endpoint" SET "deletedAt" = $3::timestamp, enabled = false, "updatedAt" = $3::timestamp
        WHERE "userId" = $1 AND "consumerId" = $2 AND "deletedAt" IS NULL RETURNING id`,
      [userId, consumerId, at(now)],
    );
    await failWaitingOnPostgres(store, client, userId, rows.map((row) => row.id), now);
    await query(store, client, `DELETE FROM "Consumer" WHERE id = $1 AND "userId" = $2`, [consumerId, userId]);
    return true;
  });
}
