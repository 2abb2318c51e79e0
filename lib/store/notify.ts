/**
 * Wake-ups: whoever creates due work (an event's fan-out, a retry, a recovered or re-enabled
 * endpoint) names its endpoints here, so workers attempt it within milliseconds instead of at
 * their next poll. Polling stays as the fallback: a lost wake-up only costs latency.
 *
 * - In this process, always: an emitter on globalThis, because Next loads the request handlers
 *   and instrumentation (where the web server's worker runs) as separate module copies.
 * - PostgreSQL: also `NOTIFY hookline_work`, heard by every worker on every machine through one
 *   LISTEN connection per process. Ids named in one event-loop turn go out as one notification
 *   (payloads stay under PostgreSQL's 8000-byte limit); the pending set holds endpoint ids only,
 *   so it is bounded by the number of endpoints.
 * - SQLite: workers in other processes (`npm run worker`) are not told, and rely on their poll.
 */
import { EventEmitter } from "node:events";
import pg from "pg";
import type { PostgresStore, Store } from "./connection";
import { query } from "./postgres";

export const WORK_CHANNEL = "hookline_work";
/** Below PostgreSQL's 8000-byte NOTIFY payload limit. */
const MAX_PAYLOAD = 7000;
const RECONNECT_MS = 1000;

type Listener = (endpointIds: string[]) => void;

interface Shared {
  emitter: EventEmitter;
  pending: Map<PostgresStore, Set<string>>;
  listening: Map<PostgresStore, { client: pg.Client | null; listeners: number; closed: boolean }>;
}

const holder = globalThis as unknown as { hooklineWake?: Shared };
const shared = (holder.hooklineWake ??= { emitter: new EventEmitter().setMaxListeners(0), pending: new Map(), listening: new Map() });

export function notifyNewWork(store: Store, endpointIds: string[]): void {
  if (endpointIds.length === 0) return;
  shared.emitter.emit("work", endpointIds);
  if (store.engine !== "postgres") return;
  let pending = shared.pending.get(store);
  if (!pending) {
    shared.pending.set(store, (pending = new Set()));
    setImmediate(() => flushNotifications(store));
  }
  for (const id of endpointIds) pending.add(id);
}

function flushNotifications(store: PostgresStore): void {
  const ids = [...(shared.pending.get(store) ?? [])];
  shared.pending.delete(store);
  const payloads: string[] = [];
  let current = "";
  for (const id of ids) {
    if (current.length + id.length + 1 > MAX_PAYLOAD) {
      payloads.push(current);
      current = "";
    }
    current = current ? `${current},${id}` : id;
  }
  if (current) payloads.push(current);
  // Fire and forget: the work is already committed, and the poll finds it if this is lost.
  query(store, store.pool, `SELECT pg_notify($1, p) FROM unnest($2::text[]) p`, [WORK_CHANNEL, payloads]).catch(() => {});
}

/** Calls `listener` with endpoint ids that have new due work; returns the unsubscribe function. */
export function onNewWork(store: Store, listener: Listener, log?: (message: string, error?: unknown) => void): () => void {
  shared.emitter.on("work", listener);
  if (store.engine === "postgres") listenOnPostgres(store, log);
  return () => {
    shared.emitter.off("work", listener);
    if (store.engine === "postgres") unlistenOnPostgres(store);
  };
}

function listenOnPostgres(store: PostgresStore, log?: (message: string, error?: unknown) => void): void {
  const existing = shared.listening.get(store);
  if (existing) {
    existing.listeners++;
    return;
  }
  const state = { client: null as pg.Client | null, listeners: 1, closed: false };
  shared.listening.set(store, state);
  const connect = () => {
    if (state.closed) return;
    const client = new pg.Client({ connectionString: store.url });
    state.client = client;
    const retry = (error?: unknown) => {
      if (state.client !== client) return;
      state.client = null;
      client.end().catch(() => {});
      if (state.closed) return;
      log?.("lost the LISTEN connection for new work; polling until it is back", error);
      setTimeout(connect, RECONNECT_MS).unref();
    };
    client.on("error", retry);
    client.on("end", () => retry());
    client.on("notification", (message) => {
      if (message.channel === WORK_CHANNEL && message.payload) shared.emitter.emit("work", message.payload.split(","));
    });
    client
      .connect()
      .then(() => client.query(`LISTEN ${WORK_CHANNEL}`))
      .catch(retry);
  };
  connect();
}

function unlistenOnPostgres(store: PostgresStore): void {
  const state = shared.listening.get(store);
  if (!state || --state.listeners > 0) return;
  stopListening(store);
}

/**
 * Ends the store's LISTEN connection, whoever still listens (closeStore calls it): once the
 * store is closed, nothing may reconnect to a database that is going away (a test database is
 * dropped right after; a reconnect loop would log every second and hold a connection open).
 */
export function stopListening(store: PostgresStore): void {
  const state = shared.listening.get(store);
  if (!state) return;
  state.closed = true;
  shared.listening.delete(store);
  const client = state.client;
  state.client = null;
  client?.end().catch(() => {});
}
