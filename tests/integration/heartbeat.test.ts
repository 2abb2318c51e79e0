/**
 * The worker's heartbeat row and the database figures behind /api/health and /api/metrics, on
 * this file's real database (SQLite or PostgreSQL): a running worker keeps its row fresh and removes it when it
 * stops; dead workers' rows are pruned; the queue figures count exactly the due work a worker
 * would take.
 */
import { describe, expect, it } from "vitest";
import { prisma } from "@/lib/db";
import { store } from "@/lib/store/connection";
import { checkHealth } from "@/lib/health";
import { readDatabaseSnapshot } from "@/lib/metrics/database";
import { PRUNE_AFTER_MS, startHeartbeat } from "@/lib/worker/heartbeat";
import { newAccount, newEndpoint, setUpHarness } from "../helpers/harness";
import { waitFor } from "../helpers/receiver";

const harness = setUpHarness();
/** The worker's row, times as unix ms (undefined when there is none). */
async function heartbeatRow(id: string) {
  const row = await prisma.workerHeartbeat.findUnique({ where: { id } });
  return row ? { ...row, startedAt: row.startedAt.getTime(), beatAt: row.beatAt.getTime() } : undefined;
}

describe("worker heartbeat", () => {
  it("is written when the worker starts, refreshed while it runs, and removed when it stops", async () => {
    await prisma.workerHeartbeat.deleteMany();
    const before = Date.now();
    const worker = harness.startWorker();
    // The first beat is written as the worker starts (asynchronously on PostgreSQL).
    const first = await waitFor(() => heartbeatRow(worker.id), { what: "the first beat" });
    expect(first).toMatchObject({ id: worker.id, pid: process.pid });
    expect(first!.beatAt).toBeGreaterThanOrEqual(before);

    const health = await checkHealth(Date.now(), 30_000);
    expect(health).toMatchObject({ status: "ok", database: { status: "ok" }, worker: { status: "ok", liveWorkers: 1 } });

    await worker.stop(1000);
    expect(await heartbeatRow(worker.id)).toBeUndefined();
    expect(await checkHealth(Date.now(), 30_000)).toMatchObject({ status: "unhealthy", worker: { status: "none" } });
  });

  it("beats on its interval, prunes long-dead workers' rows and keeps recently dead ones", async () => {
    let clock = 1_900_000_000_000;
    await prisma.workerHeartbeat.deleteMany();
    await prisma.workerHeartbeat.createMany({
      data: [
        { id: "long-dead", pid: 1, hostname: "h", startedAt: new Date(clock - 2 * PRUNE_AFTER_MS), beatAt: new Date(clock - PRUNE_AFTER_MS - 1) },
        { id: "recently-dead", pid: 1, hostname: "h", startedAt: new Date(clock - 60_000), beatAt: new Date(clock - 60_000) },
      ],
    });
    const errors: string[] = [];
    const heartbeat = startHeartbeat(store(), { workerId: "beating", intervalMs: 20, log: (message) => errors.push(message), now: () => clock });
    try {
      // The first beat (written as it starts; asynchronously on PostgreSQL) prunes in the same statement.
      expect(await waitFor(() => heartbeatRow("beating"), { what: "the first beat" })).toMatchObject({ startedAt: clock, beatAt: clock });
      expect(await heartbeatRow("long-dead")).toBeUndefined();
      expect(await heartbeatRow("recently-dead")).toBeDefined();
      clock += 5_000;
      await waitFor(async () => (await heartbeatRow("beating"))!.beatAt === clock, { what: "the next beat" });
      expect((await heartbeatRow("beating"))!.startedAt).toBe(clock - 5_000);
    } finally {
      await heartbeat.stop();
    }
    expect(await heartbeatRow("beating")).toBeUndefined();
    expect(errors).toEqual([]);

    // The dead worker's row is what health sees now: stale, with its age.
    const report = await checkHealth(clock, 30_000);
    expect(report).toMatchObject({ status: "unhealthy", worker: { status: "stale", lastHeartbeatAgeMs: 65_000, liveWorkers: 0 } });
  });
});

describe("readDatabaseSnapshot", () => {
  it("counts deliveries by status, and as due only pending work past due on enabled, live endpoints", async () => {
    await prisma.workerHeartbeat.deleteMany();
    const account = await newAccount("snapshot");
    const enabled = await newEndpoint(account.id, "http://127.0.0.1:9/a", "enabled");
    const disabled = await newEndpoint(account.id, "http://127.0.0.1:9/b", "disabled");
    const deleted = await newEndpoint(account.id, "http://127.0.0.1:9/c", "deleted");
    const now = 1_900_000_000_000;
    await prisma.endpoint.update({ where: { id: disabled.id }, data: { enabled: false } });
    await prisma.endpoint.update({ where: { id: deleted.id }, data: { deletedAt: new Date(now) } });
    await prisma.event.create({ data: { id: "msg_snapshot", userId: account.id, type: "t", payload: "{}", createdAt: new Date(now) } });
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
    await prisma.delivery.createMany({
      data: rows.map(([endpointId, status, due], index) => ({
        id: `dlv_snapshot_${index}`,
        userId: account.id,
        eventId: "msg_snapshot",
        endpointId,
        status,
        nextAttemptAt: due === null ? null : new Date(due),
        createdAt: new Date(now),
        updatedAt: new Date(now),
      })),
    });

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
    await prisma.delivery.deleteMany({ where: { id: { startsWith: "dlv_snapshot_" } } });
  });
});
