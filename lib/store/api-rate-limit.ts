/**
 * The REST API's rate limit per account (HOOKLINE_API_RATE_LIMIT, SPEC §10): one token bucket per
 * account, `perSecond` tokens a second, bursts of one second (lib/quotas.ts decides and words it).
 *
 * Contract of `takeApiRateToken`: takes one token from the account's bucket, or refuses with how
 * long until the next one; every request of the account counts, whichever web server it reaches.
 *
 * - SQLite: one web process per database (SPEC §9), so the buckets live in that process's memory
 *   (lib/quotas.ts `takeApiRequest`): no write, no fsync per API request.
 * - PostgreSQL: any number of web servers share the database, so the bucket is a row of
 *   "RateLimitBucket" (key `api:<account id>`), taken in ONE round trip of a prepared statement: an
 *   `INSERT … ON CONFLICT DO UPDATE … WHERE` computes the refill in SQL and takes the token only
 *   if one is there (the row lock serialises concurrent takes from every server); a refused take
 *   writes nothing. Elapsed time is measured on the database's clock (LOCALTIMESTAMP; sessions are
 *   UTC), so servers whose clocks disagree still share one bucket correctly.
 * - Durability: the statement sets `synchronous_commit = off` for its own transaction
 *   (set_config(…, true), read when that transaction commits), so an API request does not wait
 *   for the WAL to reach the disk; everything else keeps the pool's synchronous commits. A crash
 *   of the database server may lose the last fraction of a second of bucket updates: the accounts
 *   concerned get up to one extra burst once, which is harmless (nothing else depends on these
 *   rows, and the commit order is kept, so the table is never inconsistent).
 * - Bounded: a bucket idle for a second is full again, the same as no row, so the worker's purge
 *   deletes rows idle for a minute (`purgeIdleRateLimitBuckets`, lib/store/purge.ts).
 */
import { apiRateRefusal, newAccountRateLimiter, takeApiRequest, type AccountRateLimiter, type RateDecision } from "../quotas";
import type { PostgresStore, Store } from "./connection";
import { query, type PreparedStatement } from "./postgres";

/** This process's buckets (SQLite); on globalThis because Next loads this module more than once. */
function processLimiter(): AccountRateLimiter {
  const holder = globalThis as unknown as { hooklineApiRateLimiter?: AccountRateLimiter };
  return (holder.hooklineApiRateLimiter ??= newAccountRateLimiter());
}

/** The bucket's tokens now (refilled since its last take, at most `capacity`), in SQL; `b` is the row. */
const REFILLED = `LEAST($2::float8, b.tokens + GREATEST(0, extract(epoch FROM LOCALTIMESTAMP(3) - b."updatedAt")) * $3::float8)`;

/**
 * `left`: tokens left after this take, null when refused. `refilled`: the bucket's tokens as this
 * statement's snapshot saw them (before the take), for the refusal's Retry-After; null if no row.
 */
const TAKE: PreparedStatement = {
  // Prepared: it runs on every API request (postgres.ts says why).
  name: "hookline_api_rate_take",
  text: `
  WITH taken AS (
    INSERT INTO "RateLimitBucket" AS b (key, tokens, "updatedAt") VALUES ($1, $2::float8 - 1, LOCALTIMESTAMP(3))
    ON CONFLICT (key) DO UPDATE SET tokens = ${REFILLED} - 1, "updatedAt" = LOCALTIMESTAMP(3)
     WHERE ${REFILLED} >= 1
    RETURNING tokens)
  SELECT (SELECT tokens FROM taken) AS "left",
         (SELECT ${REFILLED} FROM "RateLimitBucket" b WHERE key = $1) AS refilled,
         set_config('synchronous_commit', 'off', true) AS "synchronousCommit"`,
};

async function takeOnPostgres(store: PostgresStore, accountId: string, perSecond: number): Promise<RateDecision> {
  const capacity = Math.max(1, perSecond);
  const { rows } = await query<{ left: number | null; refilled: number | null }>(store, store.pool, TAKE, [`api:${accountId}`, capacity, perSecond]);
  const { left, refilled } = rows[0];
  if (left !== null) return { allowed: true };
  return apiRateRefusal(perSecond, Math.ceil(((1 - (refilled ?? 0)) / perSecond) * 1000));
}

/** One API request by `accountId` (any of its keys): allowed, or refused with a Retry-After. */
export async function takeApiRateToken(store: Store, accountId: string, perSecond: number): Promise<RateDecision> {
  if (store.engine === "sqlite") return takeApiRequest(processLimiter(), accountId, perSecond, Date.now());
  return takeOnPostgres(store, accountId, perSecond);
}

/** Deletes buckets idle for a minute (full again for 59 s: no decision changes). Returns how many. */
export async function purgeIdleRateLimitBuckets(store: Store, batchSize: number): Promise<number> {
  if (store.engine === "sqlite") return 0;
  const { rowCount } = await query(
    store,
    store.pool,
    `DELETE FROM "RateLimitBucket" WHERE key IN (
       SELECT key FROM "RateLimitBucket" WHERE "updatedAt" < LOCALTIMESTAMP(3) - interval '1 minute' LIMIT $1 FOR UPDATE SKIP LOCKED)`,
    [batchSize],
  );
  return rowCount;
}
