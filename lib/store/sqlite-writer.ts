/**
 * This process's hot writes to a SQLite file, on a thread of their own: the worker's turns
 * (worker-cycle.ts), ingest's group commits (insert-events.ts) and the search index's bulk
 * writes (search-index.ts).
 *
 * better-sqlite3 is synchronous: a write (its statements, then the commit's fsync) blocks the
 * thread that runs it. On the worker's delivery thread a turn was about a third of each
 * delivery's CPU time, during which no response was read and no request sent; on the server's
 * event loop, ingest's commit was a quarter of what accepting an event cost, during which no
 * request was parsed or answered. On this thread they run beside that work, and what arrives
 * meanwhile makes the next batch, which costs less per row the larger it is.
 *
 * Contract:
 * - One thread per database file per process, shared by its users (acquireSqliteWriter, then
 *   release(); it stops once the last one has released it). Its jobs run one at a time in the
 *   order sent, so a turn and a commit of this process never wait for each other in SQLite's
 *   busy handler (which sleeps, and on the event loop would hold up every request). Ingest
 *   batches queued one behind another are committed together, each answered with its own
 *   results (sqlite-writer-thread.ts).
 * - Same results and errors as in-process (the same code runs there, on the thread's own
 *   connection to the same file, with the same pragmas).
 * - Until the thread is ready (it compiles its modules first: a second or more on a busy
 *   machine), and for good if it cannot start (no TypeScript loader, no source files beside the
 *   build) or dies, the writes run in-process: slower, never wrong. Dying is logged once. A job
 *   the thread dies in fails like a database error: a turn's attempts are written on the next
 *   turn (twice, if the thread died after its commit; the delivery moves on once either way), an
 *   ingest batch is tried again event by event.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { Worker } from "node:worker_threads";
import type { ClaimOptions, ClaimRequest } from "./claim-due";
import { SQLITE_SYNCHRONOUS, type SqliteStore } from "./connection";
import type { EventInsert, InsertedEvent } from "./insert-events-sqlite";
import type { Completion, RecordOptions } from "./record-outcomes";
import { inProcessTurns, recordAndClaimOnSqlite, type CycleResult, type WorkerTurns } from "./worker-cycle";

export interface TurnJob {
  completions: Completion[];
  requests: ClaimRequest[];
  options: { record: RecordOptions; claim: ClaimOptions };
}

export type WriterJob = { turn: TurnJob } | { insertEvents: EventInsert[] } | { indexSearch: true };

export type WriterReply = { result: CycleResult | InsertedEvent[] | number } | { error: { message: string; code?: string } };

export interface SqliteWriter {
  /** Settles once the thread is ready, or has failed to start (writes then stay in-process). */
  readonly ready: Promise<void>;
  /** True while jobs go to the thread (ready, and not dead). */
  running(): boolean;
  run(job: { turn: TurnJob }): Promise<CycleResult>;
  run(job: { insertEvents: EventInsert[] }): Promise<InsertedEvent[]>;
  /** Indexes the pending events for search (search-index.ts); how many. */
  run(job: { indexSearch: true }): Promise<number>;
  release(): Promise<void>;
}

/**
 * The thread's source. Next bundles this module into the server (the worker starts from
 * instrumentation.ts), so neither __dirname nor a bundler-made URL names lib/store there; every
 * way of running Hookline (npm scripts, tests) runs from the project's folder.
 */
function threadSource(): { file: string; loader: string } | null {
  for (const root of [path.resolve(__dirname, "..", ".."), process.cwd()]) {
    const file = path.join(root, "lib", "store", "sqlite-writer-thread.ts");
    const loader = path.join(root, "node_modules", "tsx", "dist", "cjs", "api", "index.cjs");
    if (existsSync(file) && existsSync(loader)) return { file, loader };
  }
  return null;
}

// Plain JavaScript run by eval (as checkpointer.ts), which loads the TypeScript thread through
// tsx's require hook: the same source files the rest of the server runs.
const BOOTSTRAP = `
const { workerData } = require("node:worker_threads");
require(workerData.loader).register();
require(workerData.source);
`;

/**
 * Writers by file, on globalThis: Next loads the worker (instrumentation) and the server's own
 * ingest route (scripts/server.ts, through tsx) as different copies of this module.
 */
type SharedWriter = SqliteWriter & { users: number };

function writers(): Map<string, SharedWriter> {
  const holder = globalThis as unknown as { hooklineSqliteWriters?: Map<string, SharedWriter> };
  return (holder.hooklineSqliteWriters ??= new Map());
}

/** The writer of `store`'s file, started if none runs; null for ":memory:" or without the thread's sources. */
export function acquireSqliteWriter(store: SqliteStore, log: (message: string, error?: unknown) => void): SqliteWriter | null {
  if (store.sqlite.memory) return null;
  const existing = writers().get(store.sqlite.name);
  if (existing) {
    existing.users += 1;
    return existing;
  }
  const source = threadSource();
  if (!source) {
    log("the SQLite writer thread's sources are not here; writes stay on this thread");
    return null;
  }
  const writer = startWriter(store, source, log);
  writers().set(store.sqlite.name, writer);
  return writer;
}

/** The writer of this file if one runs and is ready: ingest uses it when it is there. */
export function runningSqliteWriter(file: string): SqliteWriter | null {
  const writer = writers().get(file);
  return writer?.running() ? writer : null;
}

function startWriter(store: SqliteStore, source: { file: string; loader: string }, log: (message: string, error?: unknown) => void): SharedWriter {
  const thread = new Worker(BOOTSTRAP, {
    eval: true,
    // The database file as this process opened it (a relative name means the same: threads share the working folder).
    workerData: { source: source.file, loader: source.loader, file: store.sqlite.name, synchronous: SQLITE_SYNCHRONOUS },
  });
  thread.unref();
  let isReady = false;
  let failed: Error | null = null;
  let stopping = false;
  // Replies come in the order the jobs were sent.
  const pending: Array<{ resolve: (result: never) => void; reject: (error: Error) => void }> = [];
  const ready = new Promise<void>((resolve) => {
    thread.on("message", (message: WriterReply | "ready") => {
      if (message === "ready") {
        isReady = true;
        return resolve();
      }
      const waiting = pending.shift()!;
      if ("result" in message) waiting.resolve(message.result as never);
      else waiting.reject(Object.assign(new Error(message.error.message), { code: message.error.code }));
    });
    const fail = (error: Error) => {
      // Whoever waits for the thread (to be ready, or for a job's answer) must not wait forever.
      resolve();
      for (const waiting of pending.splice(0)) waiting.reject(error);
      if (!failed && !stopping) log("the SQLite writer thread stopped; writes run on this thread from now on", error);
      failed ??= error;
    };
    thread.on("error", fail);
    thread.on("exit", (code) => fail(new Error(`the writer thread exited (code ${code})`)));
  });

  const writer = {
    users: 1,
    ready,
    running: () => isReady && !failed && !stopping,
    run(job: WriterJob) {
      if (!writer.running()) return Promise.reject(failed ?? new Error("the SQLite writer thread is not ready"));
      return new Promise((resolve, reject) => {
        pending.push({ resolve, reject });
        thread.postMessage(job);
      });
    },
    async release() {
      writer.users -= 1;
      if (writer.users > 0) return;
      writers().delete(store.sqlite.name);
      if (failed) return;
      stopping = true;
      const exited = new Promise((resolve) => thread.once("exit", resolve));
      // After the jobs sent before it: the thread answers them first.
      thread.postMessage("stop");
      await exited;
    },
  } as SharedWriter;
  return writer;
}

/** A worker's turns on the writer thread of its file (in-process for ":memory:" or without the thread). */
export function sqliteWorkerTurns(store: SqliteStore, log: (message: string, error?: unknown) => void): WorkerTurns {
  const writer = acquireSqliteWriter(store, log);
  if (!writer) return inProcessTurns(store);
  return {
    ready: writer.ready,
    async recordAndClaim(completions, requests, options) {
      // A turn the thread never ran (it died, or never started) is not done: run it here.
      if (!writer.running()) return recordAndClaimOnSqlite(store, completions, requests, options);
      return writer.run({
        turn: {
          // Only what recording needs: the payloads and secrets stay on this side.
          completions: completions.map(({ delivery, attempt }) => ({
            delivery: {
              id: delivery.id,
              userId: delivery.userId,
              endpointId: delivery.endpointId,
              attempts: delivery.attempts,
              endpointFailing: delivery.endpointFailing,
              ordered: delivery.ordered,
            },
            attempt,
          })),
          requests,
          options,
        },
      });
    },
    stop: () => writer.release(),
  };
}
