/**
 * The SQLite writer thread (started by sqlite-writer.ts): its own connection to the database
 * file, and one job per message (a worker turn, worker-cycle.ts, an ingest batch,
 * insert-events.ts, or a search's catch-up of the index, search.ts), answered in order with its
 * result or its error. Between jobs it indexes the events written since (search-index.ts).
 */
import { parentPort, workerData } from "node:worker_threads";
import { writeBatchOnSqlite } from "./insert-events-sqlite";
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

port.on("message", (message: WriterJob | "stop") => {
  if (message === "stop") {
    clearInterval(indexer);
    db.close();
    port.close();
    return;
  }
  let reply: WriterReply;
  try {
    reply = {
      result:
        "turn" in message
          ? recordAndClaimOnSqlite(store, message.turn.completions, message.turn.requests, message.turn.options)
          : "insertEvents" in message
            ? writeBatchOnSqlite(store, message.insertEvents)
            : indexPendingEvents(db),
    };
  } catch (error) {
    const { message: text, code } = error as { message?: string; code?: string };
    reply = { error: { message: text ?? String(error), code } };
  }
  port.postMessage(reply);
});
port.postMessage("ready");
