/**
 * Worker heartbeats (lib/worker/heartbeat.ts keeps the timer): one WorkerHeartbeat row per
 * running worker process, on any machine, so /api/health and the metrics describe all of them.
 *
 * Contract: `beat` upserts the worker's own row with the current time and deletes rows silent
 * since `pruneBefore` (workers killed outright; each restart has a new id, so they would pile
 * up); `removeHeartbeat` deletes the worker's row when it stops cleanly.
 */
import type { Store } from "./connection";
import { at, query } from "./postgres";
import { preparedStatements } from "./sqlite";

export interface Beat {
  workerId: string;
  pid: number;
  hostname: string;
  startedAt: number;
  now: number;
  pruneBefore: number;
}

const sqliteStatements = preparedStatements((db) => ({
  upsert: db.prepare(`
    INSERT INTO "WorkerHeartbeat" (id, pid, hostname, startedAt, beatAt) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (id) DO UPDATE SET beatAt = excluded.beatAt`),
  prune: db.prepare(`DELETE FROM "WorkerHeartbeat" WHERE beatAt < ? AND id <> ?`),
  remove: db.prepare(`DELETE FROM "WorkerHeartbeat" WHERE id = ?`),
}));

export async function beat(store: Store, beat: Beat): Promise<void> {
  if (store.engine === "sqlite") {
    const sql = sqliteStatements(store.sqlite);
    sql.upsert.run(beat.workerId, beat.pid, beat.hostname, beat.startedAt, beat.now);
    sql.prune.run(beat.pruneBefore, beat.workerId);
    return;
  }
  await query(
    store,
    store.pool,
    `WITH upsert AS (
       INSERT INTO "WorkerHeartbeat" (id, pid, hostname, "startedAt", "beatAt") VALUES ($1, $2, $3, $4::timestamp, $5::timestamp)
       ON CONFLICT (id) DO UPDATE SET "beatAt" = excluded."beatAt")
     DELETE FROM "WorkerHeartbeat" WHERE "beatAt" < $6::timestamp AND id <> $1`,
    [beat.workerId, beat.pid, beat.hostname, at(beat.startedAt), at(beat.now), at(beat.pruneBefore)],
  );
}

export async function removeHeartbeat(store: Store, workerId: string): Promise<void> {
  if (store.engine === "sqlite") sqliteStatements(store.sqlite).remove.run(workerId);
  else await query(store, store.pool, `DELETE FROM "WorkerHeartbeat" WHERE id = $1`, [workerId]);
}
