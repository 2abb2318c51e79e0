/**
 * The worker's writer thread on SQLite (started by sqlite-writer.ts): its own connection to the
 * database file, and one turn (record outcomes + claim, worker-cycle.ts) per message, answered
 * with the turn's result or its error.
 */
import { parentPort, workerData } from "node:worker_threads";
import { openSqliteConnection } from "./sqlite";
import { recordAndClaimOnSqlite } from "./worker-cycle";
import type { CycleRequest, CycleReply } from "./sqlite-writer";

const { file, synchronous } = workerData as { file: string; synchronous: "FULL" | "NORMAL" };
const db = openSqliteConnection(file, synchronous);
// The checkpointer thread checkpoints (checkpointer.ts); a checkpoint inside one of these
// commits would hold up the worker's every slot for as long as it takes.
db.pragma("wal_autocheckpoint = 0");
const port = parentPort!;

port.on("message", (message: CycleRequest | "stop") => {
  if (message === "stop") {
    db.close();
    port.close();
    return;
  }
  let reply: CycleReply;
  try {
    reply = { result: recordAndClaimOnSqlite({ sqlite: db }, message.completions, message.requests, message.options) };
  } catch (error) {
    const { message: text, code } = error as { message?: string; code?: string };
    reply = { error: { message: text ?? String(error), code } };
  }
  port.postMessage(reply);
});
port.postMessage("ready");
