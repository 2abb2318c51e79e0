/**
 * Attempt throttling for sign-in, sign-up and password checks: after too many attempts for one
 * key (an email, a client address, an account) within the window, further attempts are refused
 * until the oldest counted one ages out. This module is the in-memory store, per process (SQLite's
 * one web process); on PostgreSQL the same policy runs in the database so every web server
 * shares it (lib/store/throttle-attempts.ts; callers use lib/auth/throttles.ts, which picks).
 * Pure apart from the store; `now` is passed in.
 *
 * Contract (SPEC §10, every structure keyed by client input is bounded):
 * - keys are stored as SHA-256 digests, so a key's size never depends on what the client sent;
 * - a key keeps at most `maxAttempts` times (older ones cannot change any answer);
 * - the store holds at most `maxKeys` keys: expired ones are swept as new ones arrive, and when
 *   it is still full the least recently counted key is evicted rather than the store growing;
 *   each count costs amortised O(1), however many keys the store holds.
 *   Evicting forgets that key's attempts, so the cap is set well above what honest traffic
 *   reaches within a window (HOOKLINE_THROTTLE_MAX_KEYS);
 * - `takeAttempt` checks and counts in one synchronous step, before the caller awaits anything
 *   (argon2 is asynchronous): N concurrent attempts cannot all pass a check made before any of
 *   them was counted.
 */
import { hash } from "node:crypto";

/** The sign-in defaults (HOOKLINE_SIGN_IN_MAX_FAILURES, HOOKLINE_SIGN_IN_WINDOW in lib/env.ts). */
export const MAX_FAILURES = 10;
export const WINDOW_MS = 15 * 60 * 1000;
/** Default bound on the keys one store holds (HOOKLINE_THROTTLE_MAX_KEYS): ~200 bytes each. */
export const DEFAULT_MAX_KEYS = 50_000;

export interface ThrottleLimits {
  /** Attempts counted per key within the window before the next is refused. */
  maxFailures: number;
  windowMs: number;
}

interface Entry {
  /** Times of the key's counted attempts, oldest first. */
  times: number[];
  /** When the key was last counted, in the store's own sequence (see `order`). */
  seq: number;
}

export interface AttemptStore {
  /** Digest of the key → its counted attempts. */
  readonly entries: Map<string, Entry>;
  /**
   * Keys in the order they were counted (a key counted again is appended again; its earlier
   * places are stale, recognised by their sequence number), so the stalest key is at `head`:
   * sweeping and evicting start there. A queue rather than Map order, because V8 walks over
   * every deleted slot when a Map is iterated from its start, which made each eviction cost
   * as much as the whole store.
   */
  readonly order: { ids: string[]; seqs: number[]; head: number; nextSeq: number };
  readonly maxKeys: number;
}

export function createAttemptStore(maxKeys = DEFAULT_MAX_KEYS): AttemptStore {
  if (!Number.isInteger(maxKeys) || maxKeys < 1) throw new Error("maxKeys must be a positive integer");
  return { entries: new Map(), order: { ids: [], seqs: [], head: 0, nextSeq: 0 }, maxKeys };
}

const DEFAULT_LIMITS: ThrottleLimits = { maxFailures: MAX_FAILURES, windowMs: WINDOW_MS };

/** What a store keeps of a key: its SHA-256, whatever the client sent (lib/store/throttle-attempts.ts too). */
export const keyDigest = (key: string) => hash("sha256", key, "base64url");
const digest = keyDigest;

function recent(store: AttemptStore, id: string, now: number, windowMs: number): number[] {
  const entry = store.entries.get(id);
  if (!entry) return [];
  if (now - entry.times[0] >= windowMs) entry.times = entry.times.filter((at) => now - at < windowMs);
  if (entry.times.length === 0) store.entries.delete(id);
  return entry.times;
}

/** The stalest key still held, skipping queue places made stale by a later count or a deletion. */
function stalest(store: AttemptStore): { id: string; entry: Entry } | null {
  const order = store.order;
  while (order.head < order.ids.length) {
    const id = order.ids[order.head];
    const entry = store.entries.get(id);
    if (entry && entry.seq === order.seqs[order.head]) return { id, entry };
    order.head++;
  }
  return null;
}

/** Drops the queue's consumed and stale places once they outnumber the live ones (amortised O(1)). */
function compact(store: AttemptStore): void {
  const order = store.order;
  if (order.ids.length - order.head <= 2 * store.entries.size + 1024) return;
  const ids: string[] = [];
  const seqs: number[] = [];
  for (let i = order.head; i < order.ids.length; i++) {
    const entry = store.entries.get(order.ids[i]);
    if (entry && entry.seq === order.seqs[i]) {
      ids.push(order.ids[i]);
      seqs.push(order.seqs[i]);
    }
  }
  order.ids = ids;
  order.seqs = seqs;
  order.head = 0;
}

/**
 * Drops keys whose last attempt is out of the window, from the stalest on; stops at the first
 * live one (every key after it was counted later). Amortised O(1) per counted attempt.
 */
function sweep(store: AttemptStore, now: number, windowMs: number): void {
  for (let next = stalest(store); next; next = stalest(store)) {
    if (now - next.entry.times[next.entry.times.length - 1] < windowMs) return;
    store.entries.delete(next.id);
  }
}

function count(store: AttemptStore, id: string, now: number, limits: ThrottleLimits): void {
  const times = recent(store, id, now, limits.windowMs);
  sweep(store, now, limits.windowMs);
  if (!store.entries.has(id)) {
    // A new key: make room by evicting the stalest rather than growing.
    while (store.entries.size >= store.maxKeys) store.entries.delete(stalest(store)!.id);
  }
  times.push(now);
  // Only the last `maxFailures` times can decide a refusal.
  if (times.length > limits.maxFailures) times.splice(0, times.length - limits.maxFailures);
  const seq = store.order.nextSeq++;
  store.entries.set(id, { times, seq });
  store.order.ids.push(id);
  store.order.seqs.push(seq);
  compact(store);
}

function waitFor(store: AttemptStore, ids: string[], now: number, limits: ThrottleLimits): number {
  const { maxFailures, windowMs } = limits;
  let wait = 0;
  for (const id of ids) {
    const times = recent(store, id, now, windowMs);
    if (times.length >= maxFailures) wait = Math.max(wait, times[times.length - maxFailures] + windowMs - now);
  }
  return wait;
}

/** Milliseconds until another attempt is allowed for any of `keys`, or 0 when allowed now. */
export function retryAfterMs(store: AttemptStore, keys: string[], now: number, limits: ThrottleLimits = DEFAULT_LIMITS): number {
  return waitFor(store, keys.map(digest), now, limits);
}

/** Counts a failed attempt against every key. */
export function recordFailure(store: AttemptStore, keys: string[], now: number, limits: ThrottleLimits = DEFAULT_LIMITS): void {
  for (const id of keys.map(digest)) count(store, id, now, limits);
}

/**
 * The check and the count in one step: 0 when the attempt may go ahead (it is already counted
 * against every key, as if it will fail), else the milliseconds to wait (nothing counted).
 * On success the caller forgets it (`forgetAttempt`) or clears the keys (`clearFailures`).
 */
export function takeAttempt(store: AttemptStore, keys: string[], now: number, limits: ThrottleLimits = DEFAULT_LIMITS): number {
  const ids = keys.map(digest);
  const wait = waitFor(store, ids, now, limits);
  if (wait > 0) return wait;
  for (const id of ids) count(store, id, now, limits);
  return 0;
}

/** Un-counts one attempt made at `at` (taken with takeAttempt) that turned out not to be a failure. */
export function forgetAttempt(store: AttemptStore, keys: string[], at: number): void {
  for (const id of keys.map(digest)) {
    const entry = store.entries.get(id);
    const index = entry?.times.lastIndexOf(at) ?? -1;
    if (index === -1) continue;
    entry!.times.splice(index, 1);
    if (entry!.times.length === 0) store.entries.delete(id);
  }
}

export function clearFailures(store: AttemptStore, keys: string[]): void {
  for (const id of keys.map(digest)) store.entries.delete(id);
}

/** Counted attempts for `key` still inside the window (for tests and diagnostics). */
export function attemptsFor(store: AttemptStore, key: string, now: number, windowMs: number): number[] {
  return [...recent(store, digest(key), now, windowMs)];
}

/**
 * The process-wide store named `name` (globalThis: Next may load this module more than once).
 * Sign-in, sign-up and password checks each have their own, so one cannot evict the other's keys.
 */
export function processStore(name: string, maxKeys = DEFAULT_MAX_KEYS): AttemptStore {
  const holder = globalThis as unknown as { hooklineThrottleStores?: Map<string, AttemptStore> };
  const stores = (holder.hooklineThrottleStores ??= new Map());
  let store = stores.get(name);
  if (!store) stores.set(name, (store = createAttemptStore(maxKeys)));
  return store;
}

/**
 * The client address of a request, from the `x-forwarded-for` that `npm start`'s server
 * (scripts/server.ts) replaced with the one address it resolved (lib/security/client-address.ts:
 * the connection's, or what a trusted proxy reported). The right-most entry, in case anything
 * after it appended one; `npm run dev` does not resolve it, and reads the header as it came.
 * Without the header every attempt shares one address, so a limit still holds.
 */
export function clientAddress(forwardedFor: string | null): string {
  return forwardedFor?.split(",").at(-1)?.trim() || "unknown";
}

/** The keys one sign-in attempt counts against: the email, and the client address. */
export function signInKeys(email: string, forwardedFor: string | null): string[] {
  return [`email:${email}`, `ip:${clientAddress(forwardedFor)}`];
}

/** What a refused sign-in says: the same for every email, known or not. */
export function throttledMessage(waitMs: number, what = "failed sign-ins"): string {
  return `Too many ${what}. Try again in ${waitText(waitMs)}.`;
}

/** "4 seconds", "1 minute", "15 minutes", "2 hours". */
export function waitText(waitMs: number): string {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  if (seconds < 60) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes <= 90) return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  const hours = Math.ceil(minutes / 60);
  return `${hours} hour${hours === 1 ? "" : "s"}`;
}
