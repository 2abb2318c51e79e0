/**
 * The bench's comparison with what a Node team would write instead of Hookline: a minimal
 * BullMQ + Redis dispatcher (scripts/bench/bullmq-dispatcher.ts, its own process) delivering
 * the same load to the same receiver.
 *
 * Redis: a throw-away `redis-server` on 127.0.0.1 (free port, data in a temporary directory)
 * with AOF on and Redis's default fsync policy for it (`--appendonly yes --appendfsync
 * everysec`: a power loss may lose the last second of writes; Hookline syncs every commit) and
 * no RDB snapshots (`--save ""`). The binary is `HOOKLINE_BENCH_REDIS_SERVER` when set, else
 * `redis-server` on PATH, installed with apt-get when missing and this process is root. When
 * there is none the comparison is skipped with a line saying why; it never fails the bench.
 *
 * The load mirrors Hookline's durable phase: `deliveries` webhooks, each event's body
 * (lib/webhooks/body.ts) fanned out to `endpoints` URLs on the receiver (/bullmq/<i>, one
 * signing secret each), added with addBulk in chunks to a paused queue before timing starts
 * (pre-loaded, as Hookline's deliveries are seeded); then the clock starts, the queue is
 * resumed, and the round ends when no job is waiting, active, delayed or prioritized (polled
 * as Hookline's remaining deliveries are). The Worker runs `concurrency` jobs at once (the
 * same requests in flight as Hookline). One uncounted warm-up round of a fifth first.
 *
 * Job options, as a team would set them on the Queue: 8 attempts with exponential backoff from
 * 5 s (retries on non-2xx and network errors); completed jobs kept for a day
 * (`removeOnComplete: { age: 86400 }`, so every delivery keeps its record, with the status and
 * duration the dispatcher returns), failed ones for a week.
 */
import { spawn, spawnSync, fork, type ChildProcess } from "node:child_process";
import { accessSync, constants, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Queue } from "bullmq";
import { generateSigningSecret } from "../../lib/webhooks/sign";
import { webhookBody } from "../../lib/webhooks/body";
import { freePort, until, untilDrained, type BenchReceiver } from "./harness";
import type { DispatcherConfig, WebhookJob } from "./bullmq-dispatcher";

/** The Redis setting the figure was measured with, for the printed row. */
export const REDIS_SETTING = "Redis AOF on, appendfsync everysec";

export type BullmqResult = { perS: number } | { perS: null; skipped: string };

const QUEUE = "webhooks";
const ADD_CHUNK = 1_000;

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const onPath = (name: string) => (process.env.PATH ?? "").split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, name)).find(executable);

/** The redis-server binary to use, installing Debian's package when missing and root; else why there is none. */
function redisServerBinary(): { binary: string } | { skipped: string } {
  const override = process.env.HOOKLINE_BENCH_REDIS_SERVER;
  if (override) return executable(override) ? { binary: override } : { skipped: `HOOKLINE_BENCH_REDIS_SERVER=${override} is not an executable` };
  const found = onPath("redis-server");
  if (found) return { binary: found };
  if (process.getuid?.() !== 0) return { skipped: "redis-server is not installed (and this is not root, so the bench does not install it)" };
  console.log("redis-server is missing: installing Debian's redis-server package for the BullMQ comparison…");
  const apt = (...args: string[]) =>
    spawnSync("apt-get", ["-o", "DPkg::Lock::Timeout=120", ...args], { env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" }, stdio: ["ignore", "ignore", "inherit"], timeout: 600_000 }).status === 0;
  // The package lists may be missing or stale on a fresh machine: update only if a plain install fails.
  if (!apt("install", "-y", "--no-install-recommends", "redis-server") && apt("update")) apt("install", "-y", "--no-install-recommends", "redis-server");
  const installed = onPath("redis-server");
  return installed ? { binary: installed } : { skipped: "redis-server is not installed and `apt-get install redis-server` failed" };
}

/** A throw-away redis-server on 127.0.0.1; `stop()` ends it and removes its directory. */
async function startRedis(binary: string) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "hookline-bench-redis-"));
  const port = await freePort();
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--appendonly", "yes", "--appendfsync", "everysec", "--save", "", "--daemonize", "no", "--logfile", ""];
  const server = spawn(binary, args, { stdio: ["ignore", "pipe", "inherit"] });
  let output = "";
  server.stdout!.on("data", (chunk) => (output = (output + chunk).slice(-10_000)));
  const exited = new Promise((resolve) => server.once("exit", resolve));
  const stop = async () => {
    if (server.exitCode === null && server.signalCode === null) {
      server.kill("SIGTERM");
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await until(() => output.includes("Ready to accept connections") || server.exitCode !== null, 30_000, "redis-server start");
  } catch (error) {
    await stop();
    throw error;
  }
  if (server.exitCode !== null) {
    await stop();
    throw new Error(`redis-server did not start:\n${output}`);
  }
  return { port, stop };
}

function startDispatcher(config: DispatcherConfig): { child: ChildProcess; ready: Promise<unknown>; stop(): Promise<void> } {
  const child = fork(path.join(__dirname, "bullmq-dispatcher.ts"), [JSON.stringify(config)], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const ready = new Promise((resolve, reject) => {
    child.once("message", resolve);
    child.once("exit", (code) => reject(new Error(`the BullMQ dispatcher exited with ${code}`)));
  });
  return {
    child,
    ready,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.send({ cmd: "stop" });
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      }
    },
  };
}

/**
 * Deliveries/s of the BullMQ dispatcher on `deliveries` webhooks to `endpoints` endpoints with
 * `concurrency` in flight, after a warm-up round; or why it was skipped. Errors on the way
 * (Redis that would not start, failed jobs) also skip it, with the reason: the comparison must
 * never cost the rest of the bench.
 */
export async function bullmqThroughput(receiver: BenchReceiver, deliveries: number, endpoints: number, concurrency: number): Promise<BullmqResult> {
  const found = redisServerBinary();
  if ("skipped" in found) {
    console.log(`BullMQ comparison skipped: ${found.skipped}`);
    return { perS: null, skipped: found.skipped };
  }
  let redis: Awaited<ReturnType<typeof startRedis>> | undefined;
  let dispatcher: ReturnType<typeof startDispatcher> | undefined;
  let queue: Queue<WebhookJob> | undefined;
  try {
    redis = await startRedis(found.binary);
    const connection = { host: "127.0.0.1", port: redis.port };
    const q = (queue = new Queue<WebhookJob>(QUEUE, {
      connection,
      defaultJobOptions: {
        attempts: 8,
        backoff: { type: "exponential", delay: 5_000 },
        removeOnComplete: { age: 24 * 3600 },
        removeOnFail: { age: 7 * 24 * 3600 },
      },
    }));
    await q.pause();
    const urls = Array.from({ length: endpoints }, (_, i) => `${receiver.origin}/bullmq/${i}`);
    dispatcher = startDispatcher({ port: redis.port, queue: QUEUE, concurrency, secrets: Object.fromEntries(urls.map((url) => [url, generateSigningSecret()])) });
    await dispatcher.ready;
    const { child } = dispatcher;

    let events = 0;
    const remaining = async () => {
      const counts = await q.getJobCounts("waiting", "active", "delayed", "prioritized");
      return Object.values(counts).reduce((sum, count) => sum + count, 0);
    };
    const round = async (count: number): Promise<number> => {
      const jobs: Array<{ name: string; data: WebhookJob }> = [];
      const now = Date.now();
      for (let i = 0; i < count / endpoints; i++) {
        const webhookId = `msg_bullmq${++events}`;
        const body = webhookBody("bench.delivery", now, `{"order":${i},"amount":4200,"currency":"EUR"}`);
        for (const url of urls) jobs.push({ name: "deliver", data: { url, webhookId, body } });
      }
      for (let at = 0; at < jobs.length; at += ADD_CHUNK) await q.addBulk(jobs.slice(at, at + ADD_CHUNK));
      const started = performance.now();
      await q.resume();
      await untilDrained(async () => {
        if (child.exitCode !== null) throw new Error(`the BullMQ dispatcher exited with ${child.exitCode}`);
        return remaining();
      });
      const perS = jobs.length / ((performance.now() - started) / 1000);
      await q.pause();
      const failed = await q.getJobCountByTypes("failed");
      if (failed > 0) throw new Error(`${failed} BullMQ jobs failed`);
      return perS;
    };
    await round(deliveries / 5);
    return { perS: await round(deliveries) };
  } catch (error) {
    const reason = `failed: ${(error as Error).message}`;
    console.log(`BullMQ comparison ${reason}`);
    return { perS: null, skipped: reason };
  } finally {
    await dispatcher?.stop();
    await queue?.close();
    await redis?.stop();
  }
}
