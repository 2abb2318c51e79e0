/**
 * The worker's queue of endpoints believed to have due work, in round-robin order, each with
 * its account (fair-share.ts needs it). Pure bookkeeping, no I/O: the loop fills it from the
 * database's list of due work, wake-ups and finished attempts, and takes it back out when a
 * claim says an endpoint is drained. Bounded by the number of endpoints.
 */
export interface EndpointQueue {
  /** Endpoints in round-robin order. */
  order: string[];
  members: Set<string>;
  /** The account of each endpoint queued or in flight (forgotten with the last of them). */
  accountOf: Map<string, string>;
}

export function createQueue(): EndpointQueue {
  return { order: [], members: new Set(), accountOf: new Map() };
}

/** Queues an endpoint whose account is known; false when it is not (look it up first). */
export function enqueue(queue: EndpointQueue, endpointId: string, accountId?: string): boolean {
  if (queue.members.has(endpointId)) return true;
  const account = accountId ?? queue.accountOf.get(endpointId);
  if (account === undefined) return false;
  queue.accountOf.set(endpointId, account);
  queue.members.add(endpointId);
  queue.order.push(endpointId);
  return true;
}

/** Takes endpoints out of the queue (drained, paused or busy). */
export function dequeue(queue: EndpointQueue, endpointIds: string[]): void {
  if (endpointIds.length === 0) return;
  for (const endpointId of endpointIds) queue.members.delete(endpointId);
  queue.order = queue.order.filter((endpointId) => queue.members.has(endpointId));
}

/** Whoever was just served goes to the back of the line. */
export function rotate(queue: EndpointQueue, served: Set<string>): void {
  queue.order = [...queue.order.filter((endpointId) => !served.has(endpointId)), ...queue.order.filter((endpointId) => served.has(endpointId))];
}

/** Forgets the account of endpoints neither queued nor in flight, so the map stays bounded. */
export function forgetIdle(queue: EndpointQueue, endpointIds: Iterable<string>, inFlight: ReadonlyMap<string, number>): void {
  for (const endpointId of endpointIds) {
    if (!queue.members.has(endpointId) && !inFlight.has(endpointId)) queue.accountOf.delete(endpointId);
  }
}
