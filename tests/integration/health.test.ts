/**
 * `GET /api/health` on the real server, in the split deployment (web server with
 * HOOKLINE_WORKER=off, the worker as its own process, as `npm run worker` runs it): healthy
 * while the separate worker beats, 503 with the reason once it has been killed for longer than
 * the heartbeat bound, and 503 at once when the only worker stops cleanly (it removes its row).
 */
import { describe, expect, it } from "vitest";
import { prisma } from "@/lib/db";
import { waitFor } from "../helpers/receiver";
import { killGroup, startServer, startWorkerProcess, stopServersAfterEach } from "../helpers/server";

stopServersAfterEach();

/* eslint-disable @typescript-eslint/no-explicit-any -- the body is JSON whose shape the tests assert */
async function health(origin: string): Promise<{ status: number; body: any; cacheControl: string | null }> {
  const response = await fetch(`${origin}/api/health`);
  return { status: response.status, body: await response.json(), cacheControl: response.headers.get("cache-control") };
}

const BOUND_MS = 1_500;
const webOnly = () => startServer({ HOOKLINE_WORKER: "off", HOOKLINE_HEARTBEAT_TIMEOUT_MS: String(BOUND_MS) });
const separateWorker = () => startWorkerProcess({ HOOKLINE_HEARTBEAT_INTERVAL_MS: "200" });

// Each test starts the built server and worker processes: slow on a loaded machine.
describe("GET /api/health", { timeout: 120_000 }, () => {
  it("is 200 while a separate worker process beats, and 503 saying why once it was killed past the bound", async () => {
    await prisma.workerHeartbeat.deleteMany();
    const server = await webOnly();

    // No worker anywhere yet: the web server alone cannot deliver anything.
    const before = await health(server.origin);
    expect(before.status).toBe(503);
    expect(before.body).toMatchObject({ status: "unhealthy", database: { status: "ok" }, worker: { status: "none", lastHeartbeatAgeMs: null } });
    expect(before.body.problems.join(" ")).toMatch(/No worker is running/);

    const worker = await separateWorker();
    const up = await waitFor(async () => {
      const answer = await health(server.origin);
      return answer.status === 200 ? answer : null;
    }, { what: "health to see the worker's heartbeat" });
    expect(up.body).toMatchObject({ status: "ok", problems: [], database: { status: "ok" }, worker: { status: "ok", liveWorkers: 1, heartbeatTimeoutMs: BOUND_MS } });
    expect(up.body.worker.lastHeartbeatAgeMs).toBeLessThanOrEqual(BOUND_MS);
    expect(up.cacheControl).toBe("no-store");
    // The row health read is the separate process's own.
    expect(await prisma.workerHeartbeat.findMany({ select: { id: true } })).toEqual([{ id: worker.id }]);

    // Killed outright: no chance to clean up, so its row stays and only ages.
    killGroup(worker.child, "SIGKILL");
    await worker.exited;
    const down = await waitFor(async () => {
      const answer = await health(server.origin);
      return answer.status === 503 ? answer : null;
    }, { timeoutMs: 15_000, what: "health to notice the dead worker" });
    expect(down.body).toMatchObject({ status: "unhealthy", database: { status: "ok" }, worker: { status: "stale", liveWorkers: 0 } });
    expect(down.body.worker.lastHeartbeatAgeMs).toBeGreaterThan(BOUND_MS);
    expect(down.body.problems.join(" ")).toMatch(/No worker heartbeat for [\d.]+ s \(more than the 1\.5 s allowed\): the worker has stopped or is stuck/);
    expect(await prisma.workerHeartbeat.findMany({ select: { id: true } })).toEqual([{ id: worker.id }]);
  });

  it("is 503 as soon as the only worker stops cleanly, and 200 with the web server's own worker", async () => {
    await prisma.workerHeartbeat.deleteMany();
    const server = await webOnly();
    const worker = await separateWorker();
    await waitFor(async () => (await health(server.origin)).status === 200, { what: "health to see the worker" });

    worker.child.kill("SIGTERM");
    expect((await worker.exited).code).toBe(0);
    // Without waiting for the bound: a worker that stopped cleanly took its row with it.
    const after = await health(server.origin);
    expect(after.status).toBe(503);
    expect(after.body.worker.status).toBe("none");

    // The default deployment: the worker inside the web server keeps it healthy. It beats well
    // within the bound, as the separate worker does: between its first beat and its first
    // answer the server loads its routes, which can take longer than the bound on a busy machine.
    const combined = await startServer({ HOOKLINE_HEARTBEAT_TIMEOUT_MS: String(BOUND_MS), HOOKLINE_HEARTBEAT_INTERVAL_MS: "200" });
    const own = await health(combined.origin);
    expect(own.status, JSON.stringify(own.body)).toBe(200);
    expect(own.body.worker).toMatchObject({ status: "ok", liveWorkers: 1 });
  });
});
