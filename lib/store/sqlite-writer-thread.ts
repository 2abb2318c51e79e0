/**
 * The SQLite writer thread (started by sqlite-writer.ts): its own connection to the database
 * file, and one job per message (a worker turn, worker-cycle.ts, an ingest batch,
 * insert-events.ts, or a search's catch-up of the index, search.ts), answered in order with its
 * result or its error. Ingest batches that queued up while it wrote share one commit
 * (writeInsertBatches). Between jobs it indexes the events written since (search-index.ts).
 */
import { parentPort, receiveMessageOnPort, workerData } from "node:worker_threads";
import { writeBatchOnSqlite, type EventInsert, type InsertedEvent } from "./insert-events-sqlite";
import { INDEX_INTERVAL_MS, indexPendingEvents } from "./search-index";

const INDEX_BATCHES_PER_ROUND = 4;
import { openSqliteConnection } from "./sqlite";
import { recordAndClaimOnSqlite } from "./worker-cycle";
import type { WriterJob, WriterReply } from "./sqlite-writer";

const { file, synchronous } = workerData as { file: string; synchronous: "FULL" | "NORMAL" };
const db = openSqliteConnection(file, synchronous);
// The checkpointer thread checkpoints (checkpointer.ts); a checkpoint inside one of these
// commits would hold up the worker's every slot, and every request waiting for its commit, for
// as long as it takes.
db.pragma("wal_autocheckpoint = 0");
const port = parentPort!;
const store = { sqlite: db };

// Timers run between messages, so the index is written between jobs, never inside one; a few
// batches per round (~10 ms each) keep the jobs' wait short when a bulk load left many pending
// (seed-demo), while indexing far faster than ingest can write.
const indexer = setInterval(() => {
  try {
    indexPendingEvents(db, INDEX_BATCHES_PER_ROUND);
  } catch {
    // The lock busy past the timeout: the queue waits for the next round, or for the next search.
  }
}, INDEX_INTERVAL_MS);

/** One job, run: its result or its error. */
function run(message: WriterJob): WriterReply {
  try {
    return {
      result:
        "turn" in message
          ? recordAndClaimOnSqlite(store, message.turn.completions, message.turn.requests, message.turn.options)
          : "insertEvents" in message
            ? writeBatchOnSqlite(store, message.insertEvents)
            : indexPendingEvents(db),
    };
  } catch (error) {
    const { message: text, code } = error as { message?: string; code?: string };
    return { error: { message: text ?? String(error), code } };
  }
}

/**
 * Ingest batches that were waiting in the queue together (sent while the thread wrote the last
 * ones), written in one transaction: one commit, one fsync, for all of them. Each is answered on
 * its own, in order, as if written alone. If that transaction fails, each batch is written in a
 * transaction of its own, so a failing batch fails alone, as it would have.
 */
function writeInsertBatches(batches: InsertJob[]): void {
  // Alone, a batch that fails is not written a second time on its own.
  if (batches.length === 1) {
    port.postMessage(run(batches[0]));
    return;
  }
  let results: InsertedEvent[];
  try {
    results = writeBatchOnSqlite(store, batches.flatMap((batch) => batch.insertEvents));
  } catch {
    for (const batch of batches) port.postMessage(run(batch));
    return;
  }
  let from = 0;
  for (const batch of batches) port.postMessage({ result: results.slice(from, (from += batch.insertEvents.length)) } satisfies WriterReply);
}

/** Events written in one transaction at most: bounds how long a worker's turn can wait behind ingest. */
const MAX_EVENTS_PER_COMMIT = 1_000;

type InsertJob = Extract<WriterJob, { insertEvents: EventInsert[] }>;

const isInsertJob = (message: WriterJob | "stop"): message is InsertJob => message !== "stop" && "insertEvents" in message;

/**
 * The next message: `first`, and, when it is an ingest batch, the ingest batches queued right
 * behind it (receiveMessageOnPort takes them without waiting), written together. A message of
 * another kind found behind them is handled next, in its turn.
 */
port.on("message", (first: WriterJob | "stop") => {
  let message: WriterJob | "stop" | undefined = first;
  while (message !== undefined) {
    if (message === "stop") {
      clearInterval(indexer);
      db.close();
      port.close();
      return;
    }
    if (!isInsertJob(message)) {
      port.postMessage(run(message));
      return;
    }
    const batches = [message];
    let events = message.insertEvents.length;
    message = undefined;
    while (events < MAX_EVENTS_PER_COMMIT) {
      const queued = receiveMessageOnPort(port)?.message as WriterJob | "stop" | undefined;
      if (queued === undefined) break;
      if (!isInsertJob(queued)) {
        message = queued;
        break;
      }
      batches.push(queued);
      events += queued.insertEvents.length;
    }
    writeInsertBatches(batches);
  }
});
port.postMessage("ready");
