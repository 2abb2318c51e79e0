/**
 * In-process wake-up: creating a delivery pokes the worker so it is attempted within
 * milliseconds instead of at the next poll. Lives on globalThis because Next loads the
 * request handlers and instrumentation (where the worker runs) as separate module copies.
 * A worker in another process does not hear this and relies on its poll interval.
 */
import { EventEmitter } from "node:events";

const holder = globalThis as unknown as { hooklineWake?: EventEmitter };
const wake = (holder.hooklineWake ??= new EventEmitter());

export function notifyNewWork(): void {
  wake.emit("work");
}

export function onNewWork(listener: () => void): () => void {
  wake.on("work", listener);
  return () => wake.off("work", listener);
}
