/**
 * The worker inside the Next server process (started from instrumentation.ts). Exactly one
 * per process, and none when HOOKLINE_WORKER=off (a separate `npm run worker` does the work).
 * On SIGTERM/SIGINT it drains in-flight deliveries before the process exits.
 */
import { env } from "../env";
import { logger } from "../log";
import { startWorker, type WorkerOptions, type WorkerHandle } from "./run";
import { warmUpDeliveryPath } from "./warm-up";

const holder = globalThis as unknown as { hooklineWorker?: WorkerHandle };

/**
 * Starts the server's worker and resolves once its first heartbeat is written, so /api/health
 * sees it from the server's first request (on PostgreSQL the beat is a round trip away), and
 * its delivery path is warm (warm-up.ts), so the first webhooks go out at full speed.
 */
export async function startServerWorker(): Promise<void> {
  if (env.HOOKLINE_WORKER === "off" || holder.hooklineWorker) return;
  const worker = startProcessWorker();
  holder.hooklineWorker = worker;
  exitGracefullyOnSignal(worker);
  const warmUp = warmUpDeliveryPath(env.HOOKLINE_ATTEMPT_TIMEOUT_MS).catch((error) =>
    logger.warn({ err: error }, "could not warm up the delivery path; the first deliveries may be slower"),
  );
  await Promise.all([worker.ready, warmUp]);
}

/** The worker on this process's database connections (DATABASE_URL). */
export function startProcessWorker(options: WorkerOptions = {}): WorkerHandle {
  return startWorker(options);
}

export function exitGracefullyOnSignal(worker: WorkerHandle): void {
  let stopping = false;
  // `on`, not `once`: a second signal (a supervisor repeating itself) must not fall through to
  // the default handler and kill the process halfway through the drain.
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, workerId: worker.id }, "finishing in-flight deliveries before exiting");
    worker
      .stop()
      .catch((error) => logger.error({ err: error }, "error while stopping the worker"))
      .finally(() => process.exit(0));
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}
