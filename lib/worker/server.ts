/**
 * The worker inside the Next server process (started from instrumentation.ts). Exactly one
 * per process, and none when HOOKLINE_WORKER=off (a separate `npm run worker` does the work).
 * On SIGTERM/SIGINT it drains in-flight deliveries before the process exits.
 */
import { sqlite } from "../db";
import { env } from "../env";
import { startWorker, type WorkerHandle } from "./run";

const holder = globalThis as unknown as { hooklineWorker?: WorkerHandle };

export function startServerWorker(): void {
  if (env.HOOKLINE_WORKER === "off" || holder.hooklineWorker) return;
  const worker = startWorker({ db: sqlite() });
  holder.hooklineWorker = worker;
  exitGracefullyOnSignal(worker);
}

export function exitGracefullyOnSignal(worker: WorkerHandle): void {
  let stopping = false;
  // `on`, not `once`: a second signal (a supervisor repeating itself) must not fall through to
  // the default handler and kill the process halfway through the drain.
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[hookline] ${signal}: finishing in-flight deliveries…`);
    worker
      .stop()
      .catch((error) => console.error("[hookline] shutdown error", error))
      .finally(() => process.exit(0));
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}
