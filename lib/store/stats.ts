/**
 * The overview's and the endpoint page's figures (lib/stats/queries.ts): a window of time, cut
 * into slices, read as a bounded sample so the cost does not grow with how much traffic the
 * window holds, let alone with the history.
 *
 * Contract of `sampleDeliverySlices(store, scope, bounds, perSlice)`: `bounds` are K + 1
 * ascending delivery ids (lib/ids.ts idAt: ids are time-sortable, so a time range is an id
 * range); slice k is [bounds[k], bounds[k + 1]). For each slice, of the scope's deliveries (the
 * account's, or one of its endpoints'; a foreign endpoint has none):
 * - `count`: how many there are, exactly (an index-only range count on (userId, id) or
 *   (endpointId, id): a few tens of nanoseconds per delivery, no row read);
 * - `statuses`: the statuses of the first `perSlice` of them in id (time) order, counted;
 * - `durations` (only when asked for: `withDurations`): the response times (ms) of those
 *   deliveries' attempts that got a response.
 * So at most K × perSlice deliveries (and their attempts) are read, however many the window
 * holds; when no slice holds more than `perSlice`, the sample is every delivery and the figures
 * made from it are exact.
 *
 * One statement, one row per slice, on both engines: SQLite through correlated subqueries over
 * json_each (the raw connection, as the log's other reads: lib/store/delivery-log.ts),
 * PostgreSQL the same over unnest(…) WITH ORDINALITY, one round trip.
 */
import type { Store } from "./connection";
import { query } from "./postgres";

export interface SliceSample {
  count: number;
  statuses: Record<string, number>;
  durations: number[];
}

export interface SampleScope {
  userId: string;
  /** One of the account's endpoints; omitted: the whole account. */
  endpointId?: string;
}

export async function sampleDeliverySlices(
  store: Store,
  scope: SampleScope,
  bounds: string[],
  perSlice: number,
  { withDurations = true }: { withDurations?: boolean } = {},
): Promise<SliceSample[]> {
  if (bounds.length < 2) return [];
  const lows = bounds.slice(0, -1);
  const highs = bounds.slice(1);
  if (store.engine === "sqlite") {
    // The scope's condition, on the columns of the index that serves it.
    const inScope = scope.endpointId ? `endpointId = @endpointId` : `userId = @userId`;
    const range = `${inScope} AND id >= s.lo AND id < s.hi`;
    const rows = store.sqlite
      .prepare(
        `WITH s AS (SELECT key AS k, json_extract(value, '$[0]') AS lo, json_extract(value, '$[1]') AS hi FROM json_each(@slices))
         SELECT s.k,
           (SELECT count(*) FROM "Delivery" WHERE ${range}) AS count,
           (SELECT json_group_object(status, n) FROM (
              SELECT status, count(*) AS n FROM (SELECT status FROM "Delivery" WHERE ${range} ORDER BY id LIMIT @perSlice) GROUP BY status)) AS statuses,
           ${
             withDurations
               ? `(SELECT json_group_array(a.durationMs) FROM (SELECT id FROM "Delivery" WHERE ${range} ORDER BY id LIMIT @perSlice) d
                    JOIN "Attempt" a ON a.deliveryId = d.id WHERE a.responseStatus IS NOT NULL)`
               : "NULL"
           } AS durations
         FROM s
         WHERE @endpointId IS NULL OR EXISTS (SELECT 1 FROM "Endpoint" WHERE id = @endpointId AND userId = @userId)
         ORDER BY s.k`,
      )
      .all({
        slices: JSON.stringify(lows.map((lo, k) => [lo, highs[k]])),
        userId: scope.userId,
        endpointId: scope.endpointId ?? null,
        perSlice,
      }) as Array<{ k: number; count: number; statuses: string | null; durations: string | null }>;
    return fill(
      lows.length,
      rows.map((row) => ({ k: row.k, count: row.count, statuses: row.statuses ? JSON.parse(row.statuses) : {}, durations: row.durations ? JSON.parse(row.durations) : [] })),
    );
  }
  const inScope = scope.endpointId ? `"endpointId" = $4` : `"userId" = $3`;
  const range = `${inScope} AND id >= s.lo AND id < s.hi`;
  const { rows } = await query<{ k: number; count: number; statuses: Record<string, number> | null; durations: number[] | null }>(
    store,
    store.pool,
    `SELECT s.k::int AS k,
       (SELECT count(*) FROM "Delivery" WHERE ${range}) AS count,
       (SELECT json_object_agg(status, n) FROM (
          SELECT status, count(*) AS n FROM (SELECT status FROM "Delivery" WHERE ${range} ORDER BY id LIMIT $5) sampled GROUP BY status) per_status) AS statuses,
       ${
         withDurations
           ? `(SELECT array_agg(a."durationMs") FROM (SELECT id FROM "Delivery" WHERE ${range} ORDER BY id LIMIT $5) d
                JOIN "Attempt" a ON a."deliveryId" = d.id WHERE a."responseStatus" IS NOT NULL)`
           : "NULL::int[]"
       } AS durations
     FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS s(lo, hi, k)
     WHERE $4::text IS NULL OR EXISTS (SELECT 1 FROM "Endpoint" WHERE id = $4 AND "userId" = $3)
     ORDER BY s.k`,
    [lows, highs, scope.userId, scope.endpointId ?? null, perSlice],
  );
  // WITH ORDINALITY counts from 1.
  return fill(
    lows.length,
    rows.map((row) => ({ k: row.k - 1, count: row.count, statuses: row.statuses ?? {}, durations: row.durations ?? [] })),
  );
}

/** One sample per slice, in slice order; slices without rows (a foreign endpoint) are empty. */
function fill(slices: number, rows: Array<SliceSample & { k: number }>): SliceSample[] {
  const out: SliceSample[] = Array.from({ length: slices }, () => ({ count: 0, statuses: {}, durations: [] }));
  for (const { k, ...sample } of rows) out[k] = sample;
  return out;
}
