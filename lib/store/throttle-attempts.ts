/**
 * Attempt throttles (sign-in per email and per address, sign-up per address, password checks per
 * account): the policy is lib/auth/throttle.ts's; this module decides where the counts live.
 *
 * Contract, on both engines (callers go through lib/auth/throttles.ts):
 * - `takeThrottleAttempt` checks and counts in one atomic step, before the caller checks a
 *   password: it returns 0 when the attempt may go ahead (already counted against every key, as
 *   if it will fail) or the milliseconds to wait (nothing counted). Concurrent attempts cannot
 *   all pass a check made before any of them was counted, whichever web server they reach.
 * - `forgetThrottleAttempt` un-counts one attempt taken at `at`; `clearThrottleKeys` forgets
 *   every attempt of the keys.
 * - Keys are kept only as SHA-256 digests (`keyDigest`), so nothing the client sent is stored.
 *
 * - SQLite: one web process per database (SPEC §9), so the counts stay in that process's memory
 *   (the throttle's bounded AttemptStore): checked and counted synchronously, in one step.
 * - PostgreSQL: any number of web servers, so each counted attempt is a "ThrottleAttempt" row
 *   (key `<throttle>:<digest>`, time). A take is one transaction, 4 round trips: BEGIN; a
 *   transaction-scoped advisory lock per key (sorted, so two takes never wait on each other in
 *   a cycle), in its own statement so that the next statement's snapshot includes every attempt
 *   committed before the lock was granted; one statement that deletes the keys' attempts out of
 *   the window, finds whether a key already has `maxFailures` inside it and, only if none has,
 *   inserts this attempt for every key; COMMIT (synchronous: an attempt counted must stay counted).
 * - Bounded: a key never has more than `maxFailures` rows inside its window (a take at the limit
 *   inserts nothing) and the take deletes its keys' older rows; keys not seen again are deleted
 *   by the worker's purge (`purgeExpiredThrottleAttempts`, lib/store/purge.ts). The table
 *   therefore holds at most the attempts of one window. HOOKLINE_THROTTLE_MAX_KEYS bounds the
 *   in-memory stores only: evicting keys from the database would let a flood of new keys unlock
 *   an attacked one, and disk is not the process's memory.
 */
import { attemptsFor, clearFailures, forgetAttempt, keyDigest, takeAttempt, type AttemptStore, type ThrottleLimits } from "../auth/throttle";
import type { PostgresStore, Store } from "./connection";
import { at, query, transaction } from "./postgres";

export interface ThrottleRef {
  /** `sign-in`, `sign-up`, `account-password`: each throttle's keys are its own. */
  name: string;
  /** The in-memory store (SQLite). */
  memory: AttemptStore;
  limits: ThrottleLimits;
}

const rowKeys = (throttle: ThrottleRef, keys: string[]) => [...new Set(keys.map((key) => `${throttle.name}:${keyDigest(key)}`))].sort();

async function takeOnPostgres(store: PostgresStore, throttle: ThrottleRef, keys: string[], now: number): Promise<number> {
  const ids = rowKeys(throttle, keys);
  const { maxFailures, windowMs } = throttle.limits;
  return transaction(store, async (client) => {
    await query(
      store,
      client,
      `SELECT pg_advisory_xact_lock(hashtextextended('hookline:throttle:' || k, 0)) FROM (SELECT k FROM unnest($1::text[]) AS k ORDER BY k) AS sorted`,
      [ids],
    );
    // `blockingAt`: the latest, over the keys, of each key's maxFailures-th most recent attempt
    // inside the window (lib/auth/throttle.ts waitFor); null when no key is at its limit.
    const { rows } = await query<{ blockingAt: number | null }>(
      store,
      client,
      `WITH expired AS (DELETE FROM "ThrottleAttempt" WHERE key = ANY($1::text[]) AND at <= $2::timestamp),
            recent AS (
              SELECT at, row_number() OVER (PARTITION BY key ORDER BY at DESC) AS rn
                FROM "ThrottleAttempt" WHERE key = ANY($1::text[]) AND at > $2::timestamp),
            blocking AS (SELECT max(at) AS at FROM recent WHERE rn = $4),
            counted AS (
              INSERT INTO "ThrottleAttempt" (id, key, at)
              SELECT gen_random_uuid()::text, k, $3::timestamp FROM unnest($1::text[]) AS k, blocking WHERE blocking.at IS NULL)
       SELECT at AS "blockingAt" FROM blocking`,
      [ids, at(now - windowMs), at(now), maxFailures],
    );
    const blockingAt = rows[0].blockingAt;
    return blockingAt === null ? 0 : Math.max(1, blockingAt + windowMs - now);
  });
}

/** 0: go ahead (counted); else the milliseconds to wait (not counted). */
export async function takeThrottleAttempt(store: Store, throttle: ThrottleRef, keys: string[], now: number): Promise<number> {
  if (store.engine === "sqlite") return takeAttempt(throttle.memory, keys, now, throttle.limits);
  return takeOnPostgres(store, throttle, keys, now);
}

/** Un-counts the attempt taken at `at` (one per key) that turned out not to be a failure. */
export async function forgetThrottleAttempt(store: Store, throttle: ThrottleRef, keys: string[], attemptAt: number): Promise<void> {
  if (store.engine === "sqlite") return forgetAttempt(throttle.memory, keys, attemptAt);
  await query(
    store,
    store.pool,
    `DELETE FROM "ThrottleAttempt" WHERE id IN (
       SELECT DISTINCT ON (key) id FROM "ThrottleAttempt" WHERE key = ANY($1::text[]) AND at = $2::timestamp)`,
    [rowKeys(throttle, keys), at(attemptAt)],
  );
}

/** Forgets every attempt of `keys` (a successful sign-in forgives the email's failures). */
export async function clearThrottleKeys(store: Store, throttle: ThrottleRef, keys: string[]): Promise<void> {
  if (store.engine === "sqlite") return clearFailures(throttle.memory, keys);
  await query(store, store.pool, `DELETE FROM "ThrottleAttempt" WHERE key = ANY($1::text[])`, [rowKeys(throttle, keys)]);
}

/** The times of `key`'s counted attempts inside the window, oldest first (tests, diagnostics). */
export async function countedAttempts(store: Store, throttle: ThrottleRef, key: string, now: number): Promise<number[]> {
  if (store.engine === "sqlite") return attemptsFor(throttle.memory, key, now, throttle.limits.windowMs);
  const { rows } = await query<{ at: number }>(
    store,
    store.pool,
    `SELECT at FROM "ThrottleAttempt" WHERE key = $1 AND at > $2::timestamp ORDER BY at`,
    [rowKeys(throttle, [key])[0], at(now - throttle.limits.windowMs)],
  );
  return rows.map((row) => row.at);
}

/** Deletes one batch of attempts made at or before `cutoff` (the longest window ago). Returns how many. */
export async function purgeExpiredThrottleAttempts(store: Store, cutoff: number, batchSize: number): Promise<number> {
  if (store.engine === "sqlite") return 0;
  const { rowCount } = await query(
    store,
    store.pool,
    `DELETE FROM "ThrottleAttempt" WHERE id IN (SELECT id FROM "ThrottleAttempt" WHERE at <= $1::timestamp LIMIT $2 FOR UPDATE SKIP LOCKED)`,
    [at(cutoff), batchSize],
  );
  return rowCount;
}
