/**
 * The worker's turns on SQLite, on a thread of their own.
 *
 * better-sqlite3 is synchronous: a turn (record the finished attempts, claim new work, commit
 * with its fsync; worker-cycle.ts) blocks the thread that runs it. On the delivery thread that
 * was about a third of each delivery's CPU time, during which no response was read and no
 * request sent. On this thread the turn runs beside the HTTP work, and the attempts that finish
 * meanwhile make the next turn's batch, which costs less per delivery the larger it is.
 *
 * Contract:
 * - Same results and errors as worker-cycle.ts's recordAndClaim (the same code runs there, on
 *   the thread's own connection to the same file, with the same pragmas); one turn at a time
 *   (the worker never starts a turn before the last one ended), so nothing queues here and a
 *   reply is always the answer to the turn in flight.
 * - If the thread cannot start (no TypeScript loader, no source files beside the build) or
 *   dies, turns run in-process as before: slower, never wrong. The worker logs it once. A turn
 *   the thread dies in fails like a database error: its attempts are written on the next turn
 *   (twice, if the thread died after its commit; the delivery moves on once either way).
 * - stop() ends the thread after the turn in progress; the worker stops it last, after its
 *   final outcomes are written.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { Worker } from "node:worker_threads";
import type { ClaimOptions, ClaimRequest } from "./claim-due";
import { SQLITE_SYNCHRONOUS, type SqliteStore } from "./connection";
import type { Completion, RecordOptions } from "./record-outcomes";
import { inProcessTurns, recordAndClaimOnSqlite, type CycleResult, type WorkerTurns } from "./worker-cycle";

export interface CycleRequest {
  completions: Completion[];
  requests: ClaimRequest[];
  options: { record: RecordOptions; claim: ClaimOptions };
}

export type CycleReply = { result: CycleResult } | { error: { message: string; code?: string } };

/**
 * Turns in flight per database file, and who waits for the writer to be between two: this
 * process's other writes (ingest's group commit) run then, instead of sleeping in SQLite's busy
 * handler, which blocks the event loop, every request included, until the turn commits. On
 * globalThis: Next loads the server's ingest route and its worker from different bundles.
 */
interface TurnState {
  inFlight: boolean;
  waiters: Array<() => void>;
}

function turnState(file: string): TurnState {
  const holder = globalThis as unknown as { hooklineSqliteTurns?: Map<string, TurnState> };
  const states = (holder.hooklineSqliteTurns ??= new Map());
  let state = states.get(file);
  if (!state) states.set(file, (state = { inFlight: false, waiters: [] }));
  return state;
}

/**
 * Null when no worker turn is running on `file` in this process; otherwise settles when it has
 * committed, before the next one starts (the waiters run first).
 */
export function betweenTurns(file: string): Promise<void> | null {
  const state = turnState(file);
  if (!state.inFlight) return null;
  return new Promise((resolve) => state.waiters.push(resolve));
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
// tsx's require hook: the same source files the rest of the worker runs.
const BOOTSTRAP = `
const { workerData } = require("node:worker_threads");
require(workerData.loader).register();
require(workerData.source);
`;

/** `store`'s worker turns on a thread of their own; in-process for ":memory:" or without the sources. */
export function startSqliteWriter(store: SqliteStore, log: (message: string, error?: unknown) => void): WorkerTurns {
  if (store.sqlite.memory) return inProcessTurns(store);
  const source = threadSource();
  if (!source) {
    log("the SQLite writer thread's sources are not here; the worker writes on its own thread");
    return inProcessTurns(store);
  }
  const thread = new Worker(BOOTSTRAP, {
    eval: true,
    // The database file as this process opened it (a relative name means the same: threads share the working folder).
    workerData: { source: source.file, loader: source.loader, file: store.sqlite.name, synchronous: SQLITE_SYNCHRONOUS },
  });
  thread.unref();
  let failed: Error | null = null;
  let stopping = false;
  let pending: { resolve: (result: CycleResult) => void; reject: (error: Error) => void } | null = null;
  const turns = turnState(store.sqlite.name);
  /** The turn is over: whoever waited for it writes now, before the worker can start the next. */
  const turnEnded = () => {
    turns.inFlight = false;
    for (const waiter of turns.waiters.splice(0)) waiter();
  };
  const ready = new Promise<void>((resolve) => {
    thread.on("message", (message: CycleReply | "ready") => {
      if (message === "ready") return resolve();
      const waiting = pending!;
      pending = null;
      turnEnded();
      if ("result" in message) waiting.resolve(message.result);
      else waiting.reject(Object.assign(new Error(message.error.message), { code: message.error.code }));
    });
    const fail = (error: Error) => {
      // Whoever waits for the thread to be ready (the heartbeat, a stop) must not wait forever.
      resolve();
      if (stopping) return;
      if (!failed) log("the SQLite writer thread stopped; the worker writes on its own thread from now on", error);
      failed = error;
      turnEnded();
      pending?.reject(error);
      pending = null;
    };
    thread.on("error", fail);
    thread.on("exit", (code) => fail(new Error(`the writer thread exited (code ${code})`)));
  });

  return {
    ready,
    async recordAndClaim(completions, requests, options) {
      await ready;
      // A turn the thread never ran (it died first) is not done: run it here.
      if (failed) return recordAndClaimOnSqlite(store, completions, requests, options);
      const message: CycleRequest = {
        // Only what recording needs: the payloads and secrets stay on this side.
        completions: completions.map(({ delivery, attempt }) => ({
          delivery: { id: delivery.id, userId: delivery.userId, endpointId: delivery.endpointId, attempts: delivery.attempts, endpointFailing: delivery.endpointFailing },
          attempt,
        })),
        requests,
        options,
      };
      return new Promise<CycleResult>((resolve, reject) => {
        pending = { resolve, reject };
        turns.inFlight = true;
        thread.postMessage(message);
      });
    },
    async stop() {
      if (failed) return;
      stopping = true;
      const exited = new Promise((resolve) => thread.once("exit", resolve));
      thread.postMessage("stop");
      await exited;
    },
  };
}
