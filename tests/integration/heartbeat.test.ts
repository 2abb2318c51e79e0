/**
 * The worker's heartbeat row and the database figures behind /api/health and /api/metrics, on
 * this file's real SQLite database: a running worker keeps its row fresh and removes it when it
 * stops; dead workers' rows are pruned; the queue figures count exactly the due work a worker
 * would take.
 */
import { describe, expect, it } from "vitest";
import { sqlite } from "@/lib/db";
import { store } from "@/lib/store/connection";
import { checkHealth } from "@/lib/health";
import { readDatabaseSnapshot } from "@/lib/metrics/database";
import { PRUNE_AFTER_MS, startHeartbeat } from "@/lib/worker/heartbeat";
import { newAccount, newEndpoint, setUpHarness } from "../helpers/harness";
import { waitFor } from "../helpers/receiver";

const harness = setUpHarness();
const heartbeatRow = (id: string) =>
  sqlite().prepare(`SELECT id, pid, hostname, startedAt, beatAt FROM "WorkerHeartbeat" WHERE id = ?`).get(id) as
    | { id: string; pid: number; hostname: string; startedAt: number; beatAt: number }
    | undefined;

describe("worker heartbeat", () => {
  it("is written when the worker starts, refreshed while it runs, and removed when it stops", async () => {
    sqlite().prepare(`DELETE FROM "WorkerHeartbeat"`).run();
    const before = Date.now();
    const worker = harness.startWorker();
    const first = heartbeatRow(worker.id);
    expect(first).toMatchObject({ id: worker.id, pid: process.pid });
    expect(first!.beatAt).toBeGreaterThanOrEqual(before);

    const health = await checkHealth(Date.now(), 30_000);
    expect(health).toMatchObject({ status: "ok", database: { status: "ok" }, worker: { status: "ok", liveWorkers: 1 } });

    await worker.stop(1000);
    expect(heartbeatRow(worker.id)).toBeUndefined();
    expect(await checkHealth(Date.now(), 30_000)).toMatchObject({ status: "unhealthy", worker: { status: "none" } });
  });

  it("beats on its interval, prunes long-dead workers' rows and keeps recently dead ones", async () => {
    let clock = 1_900_000_000_000;
    const db = sqlite();
    db.prepare(`DELETE FROM "WorkerHeartbeat"`).run();
    const insert = db.prepare(`INSERT INTO "WorkerHeartbeat" (id, pid, hostname, startedAt, beatAt) VALUES (?, 1, 'h', ?, ?)`);
    insert.run("long-dead", clock - 2 * PRUNE_AFTER_MS, clock - PRUNE_AFTER_MS - 1);
    insert.run("recently-dead", clock - 60_000, clock - 60_000);
    const errors: string[] = [];
    const heartbeat = startHeartbeat(store(), { workerId: "beating", intervalMs: 20, log: (message) => errors.push(message), now: () => clock });
    try {
      expect(heartbeatRow("beating")).toMatchObject({ startedAt: clock, beatAt: clock });
      expect(heartbeatRow("long-dead")).toBeUndefined();
      expect(heartbeatRow("recently-dead")).toBeDefined();
      clock += 5_000;
      await waitFor(() => heartbeatRow("beating")!.beatAt === clock, { what: "the next beat" });
      expect(heartbeatRow("beating")!.startedAt).toBe(clock - 5_000);
    } finally {
      await heartbeat.stop();
    }
    expect(heartbeatRow("beating")).toBeUndefined();
    expect(errors).toEqual([]);

    // The dead worker's row is what health sees now: stale, with its age.
    const report = await checkHealth(clock, 30_000);
    expect(report).toMatchObject({ status: "unhealthy", worker: { status: "stale", lastHeartbeatAgeMs: 65_000, liveWorkers: 0 } });
  });
});

describe("readDatabaseSnapshot", () => {
  it("counts deliveries by status, and as due only pending work past due on enabled, live endpoints", async () => {
    const db = sqlite();
    db.prepare(`DELETE FROM "WorkerHeartbeat"`).run();
    const account = await newAccount("snapshot");
    const enabled = await newEndpoint(account.id, "http://127.0.0.1:9/a", "enabled");
    const disabled = await newEndpoint(account.id, "http://127.0.0.1:9/b", "disabled");
    const deleted = await newEndpoint(account.id, "http://127.0.0.1:9/c", "deleted");
    const now = 1_900_000_000_000;
    db.prepare(`UPDATE "Endpoint" SET enabled = 0 WHERE id = ?`).run(disabled.id);
    db.prepare(`UPDATE "Endpoint" SET deletedAt = ? WHERE id = ?`).run(now, deleted.id);
    db.prepare(`INSERT INTO "Event" (id, userId, type, payload, createdAt) VALUES ('msg_snapshot', ?, 't', '{}', ?)`).run(account.id, now);
    const insert = db.prepare(
      `INSERT INTO "Delivery" (id, userId, eventId, endpointId, status, nextAttemptAt, createdAt, updatedAt) VALUES (?, ?, 'msg_snapshot', ?, ?, ?, ?, ?)`,
    );
    const before = await readDatabaseSnapshot(store(), now, 30_000);
    const rows: Array<[string, string, number | null]> = [
      [enabled.id, "pending", now - 7_000], // due, the most overdue
      [enabled.id, "pending", now - 10], // due
      [enabled.id, "pending", now], // due exactly now
      [enabled.id, "pending", now + 1_000], // not yet due
      [disabled.id, "pending", now - 60_000], // stranded on a disabled endpoint: not queue work
      [deleted.id, "pending", now - 60_000], // on a deleted endpoint: not queue work
      [enabled.id, "delivering", now - 100],
      [enabled.id, "succeeded", null],
      [enabled.id, "failed", null],
      [enabled.id, "failed", null],
    ];
    rows.forEach(([endpointId, status, due], index) => insert.run(`dlv_snapshot_${index}`, account.id, endpointId, status, due, now, now));

    const after = await readDatabaseSnapshot(store(), now, 30_000);
    expect({
      pending: after.deliveriesByStatus.pending - before.deliveriesByStatus.pending,
      delivering: after.deliveriesByStatus.delivering - before.deliveriesByStatus.delivering,
      succeeded: after.deliveriesByStatus.succeeded - before.deliveriesByStatus.succeeded,
      failed: after.deliveriesByStatus.failed - before.deliveriesByStatus.failed,
    }).toEqual({ pending: 6, delivering: 1, succeeded: 1, failed: 2 });
    expect(after.dueDeliveries - before.dueDeliveries).toBe(3);
    expect(after.oldestDueAt).toBe(now - 7_000);
    expect(after).toMatchObject({ liveWorkers: 0, lastHeartbeatAt: null });

    // Nothing left behind for the harness's worker checks.
    db.prepare(`DELETE FROM "Delivery" WHERE id LIKE 'dlv_snapshot_%'`).run();
  });
});
