/**
 * WAL checkpoints off the delivery thread. SQLite normally checkpoints inside whichever commit
 * pushes the WAL past 1,000 pages, and a checkpoint copies pages and fsyncs the database file:
 * tens to hundreds of milliseconds during which better-sqlite3 (synchronous) blocks the
 * worker's event loop, so every delivery waits. The worker's connection turns automatic
 * checkpoints off and this thread, with its own connection, checkpoints (PASSIVE: it never
 * blocks writers) every second instead.
 */
import { Worker } from "node:worker_threads";
import type { Store } from "./connection";

const CHECKPOINT_EVERY_MS = 1000;

// Plain JavaScript run by eval, so it works the same under Next's bundle, tsx and vitest.
const THREAD_SOURCE = `
const { workerData, parentPort } = require("node:worker_threads");
const Database = require("better-sqlite3");
const db = new Database(workerData.file, { timeout: 5000 });
const timer = setInterval(() => {
  try { db.pragma("wal_checkpoint(PASSIVE)"); } catch (error) { parentPort.postMessage(String(error)); }
}, workerData.everyMs);
parentPort.on("message", () => { clearInterval(timer); db.close(); process.exit(0); });
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

export function startCheckpointer(file: string, log: (message: string, error?: unknown) => void): Checkpointer {
  const thread = new Worker(THREAD_SOURCE, { eval: true, workerData: { file, everyMs: CHECKPOINT_EVERY_MS } });
  thread.unref();
  thread.on("message", (error) => log("WAL checkpoint failed", error));
  thread.on("error", (error) => log("WAL checkpoint thread failed", error));
  return {
    async stop() {
      const exited = new Promise((resolve) => thread.once("exit", resolve));
      thread.postMessage("stop");
      await exited;
    },
  };
}

/**
 * The engine's housekeeping while a worker runs in this process: on SQLite, WAL checkpoints on
 * the thread above, and none inside this process's commits (Prisma's connection included: such
 * a checkpoint would block the event loop, deliveries included, for as long as the fsync takes).
 * PostgreSQL checkpoints and vacuums on its own.
 */
export function startStoreMaintenance(store: Store, log: (message: string, error?: unknown) => void): Checkpointer {
  if (store.engine !== "sqlite" || store.sqlite.memory) return { async stop() {} };
  const checkpointer = startCheckpointer(store.sqlite.name, log);
  store.sqlite.pragma("wal_autocheckpoint = 0");
  store.prisma.$queryRawUnsafe("PRAGMA wal_autocheckpoint = 0").catch((error) => log("could not hand checkpoints to the worker", error));
  return {
    async stop() {
      store.sqlite.pragma("wal_autocheckpoint = 1000");
      await checkpointer.stop();
    },
  };
}
