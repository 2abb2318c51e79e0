/**
 * In-process wake-up: creating deliveries pokes the worker with their endpoints, so they are
 * attempted within milliseconds instead of at the next poll. Lives on globalThis because Next
 * loads the request handlers and instrumentation (where the worker runs) as separate module
 * copies. A worker in another process does not hear this and relies on its poll interval.
 */
import { EventEmitter } from "node:events";

type Listener = (endpointIds: string[]) => void;

const holder = globalThis as unknown as { hooklineWake?: EventEmitter };
const wake = (holder.hooklineWake ??= new EventEmitter());

export function notifyNewWork(endpointIds: string[]): void {
  wake.emit("work", endpointIds);
}

export function onNewWork(listener: Listener): () => void {
  wake.on("work", listener);
  return () => wake.off("work", listener);
}
