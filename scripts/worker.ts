/**
 * The worker as its own process: `npm run worker`, with HOOKLINE_WORKER=off on the web server.
 * Migrates first (idempotent), so it can start before or after the web server.
 */
import { env } from "../lib/env";
import { exitGracefullyOnSignal, startProcessWorker } from "../lib/worker/server";
import { serveMetrics } from "../lib/metrics/serve";
import { migrateDatabase } from "../lib/store/migrate";

async function main() {
  await migrateDatabase(env.DATABASE_URL);
  // Before the worker, so a port already taken stops the process before it claims anything.
  if (env.HOOKLINE_WORKER_METRICS_PORT) await serveMetrics(env.HOOKLINE_WORKER_METRICS_PORT);
  const worker = startProcessWorker();
  exitGracefullyOnSignal(worker);
  await worker.ready;
  // The worker's timers are unref'd so they never keep a web server or a test alive; this
  // process exists only to run them, so it holds itself open until a signal stops it.
  setInterval(() => {}, 2 ** 31 - 1);
  console.log(`[hookline] worker ${worker.id} running (poll every ${env.HOOKLINE_POLL_INTERVAL_MS} ms)`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
