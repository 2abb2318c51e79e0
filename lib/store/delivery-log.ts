/**
 * The delivery log's rare-status probe (lib/deliveries/queries.ts): a status the log is filtered
 * by can be rare (no `pending` rows in a quiet account, an endpoint that never failed); then
 * walking (userId, id) newest first would read every row to fill no page.
 *
 * Contract: returns the ids (in no particular order) of up to `limit` deliveries of these
 * endpoints in `status`, read through Delivery's (endpointId, status, nextAttemptAt) index, so the
 * cost is the number of matches, not the size of the history.
 *
 * - SQLite: `INDEXED BY` forces that index; left to itself the planner may pick the
 *   (endpointId, id) index, the very walk this probe exists to avoid.
 * - PostgreSQL: no hint exists nor is needed: with no ORDER BY, and `"endpointId" = ANY($1) AND
 *   status = $2` matching the index's two leading columns, the planner takes that index (an
 *   index or bitmap scan; a sequential scan only where its statistics say the status is so common
 *   that the LIMIT is reached at once). The endpoint ids go as one array parameter, so the
 *   statement text is the same whatever their number.
 */
import type { Store } from "./connection";
import type { DeliveryStatus } from "./delivery-states";
import { query } from "./postgres";

export async function deliveryIdsWithStatus(store: Store, endpointIds: string[], status: DeliveryStatus, limit: number): Promise<string[]> {
  if (endpointIds.length === 0) return [];
  if (store.engine === "sqlite") {
    return store.sqlite
      .prepare(
        `SELECT id FROM "Delivery" INDEXED BY "Delivery_endpointId_status_nextAttemptAt_idx"
         WHERE endpointId IN (${endpointIds.map(() => "?").join(",")}) AND status = ? LIMIT ?`,
      )
      .pluck()
      .all(...endpointIds, status, limit) as string[];
  }
  const { rows } = await query<{ id: string }>(
    store,
    store.pool,
    `SELECT id FROM "Delivery" WHERE "endpointId" = ANY($1::text[]) AND status = $2 LIMIT $3`,
    [endpointIds, status, limit],
  );
  return rows.map((row) => row.id);
}
