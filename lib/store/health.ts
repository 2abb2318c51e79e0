/**
 * The heartbeat summary /api/health reports (lib/health.ts): how many workers, on any machine,
 * have beaten their heartbeat (lib/worker/heartbeat.ts) since `since`, and the freshest beat.
 *
 * Contract: `{ live, lastBeatAt }` over every WorkerHeartbeat row (lastBeatAt null when there is
 * none); it throws when the database does not answer, which is what health reports as
 * "unreachable". One statement, one round trip.
 */
import type { Store } from "./connection";
import { at, query } from "./postgres";

export interface HeartbeatSummary {
  live: number;
  /** Unix ms, null when no worker has a heartbeat. */
  lastBeatAt: number | null;
}

export async function heartbeatSummary(store: Store, since: number): Promise<HeartbeatSummary> {
  let row: { live: number | bigint | null; last: number | bigint | null } | undefined;
  if (store.engine === "sqlite") {
    [row] = await store.prisma.$queryRawUnsafe<Array<{ live: number | bigint | null; last: number | bigint | null }>>(
      `SELECT count(CASE WHEN beatAt >= ? THEN 1 END) AS live, max(beatAt) AS last FROM "WorkerHeartbeat"`,
      since,
    );
  } else {
    [row] = (
      await query<{ live: number; last: number | null }>(
        store,
        store.pool,
        `SELECT count(*) FILTER (WHERE "beatAt" >= $1::timestamp) AS live, max("beatAt") AS last FROM "WorkerHeartbeat"`,
        [at(since)],
      )
    ).rows;
  }
  return { live: Number(row?.live ?? 0), lastBeatAt: row?.last === null || row?.last === undefined ? null : Number(row.last) };
}
