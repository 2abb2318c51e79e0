/**
 * The overview's and the endpoint page's figures (lib/stats/queries.ts). Ids are time-sortable,
 * so "since" is a lower bound on the id (`fromId`, from lib/ids.ts idAt) and every query is a
 * range on (userId, id) or (endpointId, id), never a scan of the whole history.
 *
 * Contracts:
 * - `deliveriesPerMinute`: the account's deliveries with id >= fromId, counted per status and
 *   per minute of creation (`minute` = Unix ms / 60,000, floored).
 * - `deliveriesPerStatus`: the account's (or one of its endpoints') deliveries with id >= fromId,
 *   counted per status.
 * - `responseDurations`: response times (ms, ascending) of attempts that got a response, for the
 *   account's deliveries (attempt id >= fromAttemptId) or one endpoint's (delivery id >=
 *   fromId); the caller takes percentiles, so both engines give the very same figures.
 *
 * SQLite keeps these on Prisma's connection (`$queryRaw`): reads that need no write lock, as
 * before. PostgreSQL: the same queries, with minutes from `extract(epoch …)` of the UTC
 * `timestamp` columns.
 */
import type { Store } from "./connection";
import { query } from "./postgres";

export interface StatusCount {
  status: string;
  n: number;
}

export async function deliveriesPerMinute(store: Store, userId: string, fromId: string): Promise<Array<StatusCount & { minute: number }>> {
  if (store.engine === "sqlite") {
    const rows = await store.prisma.$queryRaw<Array<{ minute: bigint | number; status: string; n: bigint | number }>>`
      SELECT createdAt / 60000 AS minute, status, count(*) AS n FROM "Delivery"
       WHERE userId = ${userId} AND id >= ${fromId}
       GROUP BY minute, status`;
    return rows.map((row) => ({ minute: Number(row.minute), status: row.status, n: Number(row.n) }));
  }
  const { rows } = await query<StatusCount & { minute: number }>(
    store,
    store.pool,
    `SELECT floor(extract(epoch FROM "createdAt") / 60) AS minute, status, count(*) AS n FROM "Delivery"
      WHERE "userId" = $1 AND id >= $2
      GROUP BY 1, 2`,
    [userId, fromId],
  );
  return rows;
}

export async function deliveriesPerStatus(store: Store, scope: { userId: string; endpointId?: string }, fromId: string): Promise<StatusCount[]> {
  const { userId, endpointId } = scope;
  if (store.engine === "sqlite") {
    const rows = endpointId
      ? await store.prisma.$queryRaw<Array<{ status: string; n: bigint | number }>>`
          SELECT status, count(*) AS n FROM "Delivery"
           WHERE endpointId = ${endpointId} AND userId = ${userId} AND id >= ${fromId}
           GROUP BY status`
      : await store.prisma.$queryRaw<Array<{ status: string; n: bigint | number }>>`
          SELECT status, count(*) AS n FROM "Delivery"
           WHERE userId = ${userId} AND id >= ${fromId}
           GROUP BY status`;
    return rows.map((row) => ({ status: row.status, n: Number(row.n) }));
  }
  const { rows } = endpointId
    ? await query<StatusCount>(
        store,
        store.pool,
        `SELECT status, count(*) AS n FROM "Delivery"
          WHERE "endpointId" = $1 AND "userId" = $2 AND id >= $3
          GROUP BY status`,
        [endpointId, userId, fromId],
      )
    : await query<StatusCount>(
        store,
        store.pool,
        `SELECT status, count(*) AS n FROM "Delivery"
          WHERE "userId" = $1 AND id >= $2
          GROUP BY status`,
        [userId, fromId],
      );
  return rows;
}

export async function responseDurations(
  store: Store,
  scope: { userId: string; fromAttemptId: string } | { userId: string; endpointId: string; fromId: string },
): Promise<number[]> {
  if (store.engine === "sqlite") {
    const rows =
      "endpointId" in scope
        ? await store.prisma.$queryRaw<Array<{ durationMs: bigint | number }>>`
            SELECT a.durationMs FROM "Delivery" d JOIN "Attempt" a ON a.deliveryId = d.id
             WHERE d.endpointId = ${scope.endpointId} AND d.userId = ${scope.userId} AND d.id >= ${scope.fromId} AND a.responseStatus IS NOT NULL
             ORDER BY a.durationMs`
        : await store.prisma.$queryRaw<Array<{ durationMs: bigint | number }>>`
            SELECT a.durationMs FROM "Attempt" a JOIN "Delivery" d ON d.id = a.deliveryId
             WHERE a.id >= ${scope.fromAttemptId} AND d.userId = ${scope.userId} AND a.responseStatus IS NOT NULL
             ORDER BY a.durationMs`;
    return rows.map((row) => Number(row.durationMs));
  }
  const { rows } =
    "endpointId" in scope
      ? await query<{ durationMs: number }>(
          store,
          store.pool,
          `SELECT a."durationMs" FROM "Delivery" d JOIN "Attempt" a ON a."deliveryId" = d.id
            WHERE d."endpointId" = $1 AND d."userId" = $2 AND d.id >= $3 AND a."responseStatus" IS NOT NULL
            ORDER BY a."durationMs"`,
          [scope.endpointId, scope.userId, scope.fromId],
        )
      : await query<{ durationMs: number }>(
          store,
          store.pool,
          `SELECT a."durationMs" FROM "Attempt" a JOIN "Delivery" d ON d.id = a."deliveryId"
            WHERE a.id >= $1 AND d."userId" = $2 AND a."responseStatus" IS NOT NULL
            ORDER BY a."durationMs"`,
          [scope.fromAttemptId, scope.userId],
        );
  return rows.map((row) => row.durationMs);
}
