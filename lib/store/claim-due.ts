/**
 * Claiming due deliveries, endpoint by endpoint (the worker's only way to take work).
 *
 * Contract, on both engines:
 * - For each requested endpoint, its oldest due `pending` rows (index endpointId + status +
 *   nextAttemptAt, so the cost is the rows taken, however large another endpoint's backlog is)
 *   move to `delivering` (transition `claim`), with `attempts` bumped (the attempt's number is
 *   known before sending) and a lease (`lockedBy`, `lockedUntil`). Only this statement moves a
 *   row out of `pending`, so two workers never hold the same delivery at once.
 * - The endpoint's concurrency limit holds across every worker process, not just the caller:
 *   an endpoint never has more than `endpointConcurrency` deliveries `delivering` (counted in
 *   the database, inside the claim's serialisation: SQLite's IMMEDIATE transaction, or on
 *   PostgreSQL a transaction-scoped advisory lock per account). The account's share is each
 *   worker's own (fair-share.ts): no account takes more than its share of any worker, so
 *   however many workers run, each keeps room for the other accounts.
 * - An endpoint's rate limit holds across every worker process too: its token bucket lives on the
 *   endpoint's row (`rateTokens`, `rateTokensAt`) and is taken from inside the same
 *   serialisation (lib/webhooks/rate-limit.ts decides); an endpoint out of tokens is
 *   `rateLimited`, with when to ask again.
 * - Disabled and deleted endpoints are skipped: their deliveries wait. So are endpoints whose
 *   circuit is open (lib/webhooks/circuit-breaker.ts); one whose pause is over gets exactly one
 *   delivery, the probe, and its circuit is held shut for that attempt's lease so no other
 *   worker probes too.
 * - Result: what was claimed (with the event and endpoint data needed to send it), which
 *   endpoints are `drained` (nothing more due now, or not claimable at all), which are `paused`
 *   (with when to look again), and which are `busy` (due work, but another worker holds the
 *   account's claim lock or the slots right now: ask again shortly).
 */
import type { PostgresStore, SqliteStore, Store } from "./connection";
import { sqlStatus, sqlTransition } from "./delivery-states";
import { at, query, transaction, type Queryable } from "./postgres";
import { preparedStatements } from "./sqlite";
import { circuitState } from "../webhooks/circuit-breaker";
import { grantAttempts, type TokenBucket } from "../webhooks/rate-limit";

export interface ClaimedDelivery {
  id: string;
  userId: string;
  eventId: string;
  endpointId: string;
  /** The number of this attempt (1-based). */
  attempts: number;
  eventType: string;
  /** The event's data as JSON text. */
  payload: string;
  eventCreatedAt: number;
  url: string;
  /** JSON object of custom headers. */
  headers: string;
  secret: string;
  previousSecret: string | null;
  previousSecretUntil: number | null;
  /** The endpoint's failure streak when claimed: a success only has to reset a non-empty one. */
  endpointFailing: boolean;
  /** The endpoint was FIFO when claimed: ending this delivery releases the next of its key (fifo.ts). */
  ordered: boolean;
}

export interface ClaimRequest {
  endpointId: string;
  limit: number;
}

export interface ClaimOptions {
  workerId: string;
  now: number;
  leaseMs: number;
  /** Deliveries one endpoint may have in flight, across all workers. */
  endpointConcurrency: number;
  /** Failures in a row that open an endpoint's circuit (HOOKLINE_CIRCUIT_BREAKER_FAILURES). */
  circuitBreakerFailures: number;
}

export interface ClaimResult {
  claimed: ClaimedDelivery[];
  /** Requested endpoints that gave fewer rows than asked (nothing more due now) or none at all
   * (disabled, deleted, or over their rate limit). */
  drained: string[];
  /** Endpoints skipped because their circuit is open, with the time it may be probed. */
  paused: Array<{ endpointId: string; until: number }>;
  /** Endpoints with due work that another worker's claims or attempts keep from us right now. */
  busy: string[];
  /** Endpoints out of rate-limit tokens, with how long until the next one. */
  rateLimited: Array<{ endpointId: string; retryInMs: number }>;
}

interface EndpointRow {
  id: string;
  userId: string;
  url: string;
  headers: string;
  secret: string;
  previousSecret: string | null;
  previousSecretUntil: number | null;
  enabled: number | boolean;
  deletedAt: number | null;
  rateLimitPerSecond: number | null;
  rateTokens: number | null;
  rateTokensAt: number | null;
  consecutiveFailures: number;
  failingSince: number | null;
  circuitOpenUntil: number | null;
  ordering: string;
  /** Deliveries of this endpoint `delivering` now, by any worker. */
  endpointInFlight: number;
}

interface ClaimedRow {
  id: string;
  userId: string;
  eventId: string;
  endpointId: string;
  attempts: number;
  eventType: string;
  payload: string;
  eventCreatedAt: number;
}

/** What to ask the database for, per endpoint: the pure part of the claim, shared by both engines. */
interface Plan {
  limits: Array<{ endpoint: EndpointRow; limit: number; probing: boolean; bucket?: TokenBucket }>;
  drained: string[];
  paused: ClaimResult["paused"];
  busy: string[];
  rateLimited: ClaimResult["rateLimited"];
  /** Rate-limit buckets to write back (emptied ones included). */
  buckets: Array<{ endpointId: string; bucket: TokenBucket }>;
}

function planClaim(requests: ClaimRequest[], endpoints: Map<string, EndpointRow>, options: ClaimOptions): Plan {
  const plan: Plan = { limits: [], drained: [], paused: [], busy: [], rateLimited: [], buckets: [] };
  for (const request of requests) {
    const { endpointId } = request;
    const endpoint = endpoints.get(endpointId);
    if (!endpoint || !endpoint.enabled || endpoint.deletedAt !== null) {
      plan.drained.push(endpointId);
      continue;
    }
    const circuit = circuitState(endpoint, options.now, { failures: options.circuitBreakerFailures });
    if (circuit === "open") {
      plan.drained.push(endpointId);
      plan.paused.push({ endpointId, until: endpoint.circuitOpenUntil! });
      continue;
    }
    const free = options.endpointConcurrency - endpoint.endpointInFlight;
    if (free <= 0) {
      plan.busy.push(endpointId);
      continue;
    }
    const wanted = Math.min(circuit === "probing" ? 1 : request.limit, free);
    if (!endpoint.rateLimitPerSecond) {
      plan.limits.push({ endpoint, limit: wanted, probing: circuit === "probing" });
      continue;
    }
    const stored = endpoint.rateTokens !== null && endpoint.rateTokensAt !== null ? { tokens: endpoint.rateTokens, updatedAt: endpoint.rateTokensAt } : undefined;
    const grant = grantAttempts(stored, endpoint.rateLimitPerSecond, options.now, wanted);
    if (grant.granted <= 0) {
      // Out of tokens: set aside until they refill.
      plan.rateLimited.push({ endpointId, retryInMs: grant.retryInMs });
      plan.buckets.push({ endpointId, bucket: grant.bucket });
      continue;
    }
    plan.limits.push({ endpoint, limit: grant.granted, probing: circuit === "probing", bucket: grant.bucket });
  }
  return plan;
}

/** The result once the rows are claimed: who is drained, and the deliveries with their data. */
function finishClaim(plan: Plan, rows: ClaimedRow[]): { result: ClaimResult; probes: string[] } {
  const byEndpoint = new Map<string, ClaimedRow[]>();
  for (const row of rows) {
    const list = byEndpoint.get(row.endpointId);
    if (list) list.push(row);
    else byEndpoint.set(row.endpointId, [row]);
  }
  const result: ClaimResult = { claimed: [], drained: plan.drained, paused: plan.paused, busy: plan.busy, rateLimited: plan.rateLimited };
  const probes: string[] = [];
  for (const { endpoint, limit, probing, bucket } of plan.limits) {
    const taken = byEndpoint.get(endpoint.id) ?? [];
    // Tokens granted but not used (less was due) go back into the bucket.
    if (bucket) plan.buckets.push({ endpointId: endpoint.id, bucket: { ...bucket, tokens: bucket.tokens + (limit - taken.length) } });
    if (probing) {
      // Probe taken (or nothing due): no other attempt until it ends or its lease expires.
      result.drained.push(endpoint.id);
      if (taken.length) probes.push(endpoint.id);
    } else if (taken.length < limit) result.drained.push(endpoint.id);
    for (const row of taken) {
      result.claimed.push({
        id: row.id,
        userId: row.userId,
        eventId: row.eventId,
        endpointId: endpoint.id,
        attempts: row.attempts,
        eventType: row.eventType,
        payload: row.payload,
        eventCreatedAt: row.eventCreatedAt,
        url: endpoint.url,
        headers: endpoint.headers,
        secret: endpoint.secret,
        previousSecret: endpoint.previousSecret,
        previousSecretUntil: endpoint.previousSecretUntil,
        endpointFailing: endpoint.consecutiveFailures > 0 || endpoint.failingSince !== null,
        ordered: endpoint.ordering === "fifo",
      });
    }
  }
  return { result, probes };
}

/** Endpoints that have pending deliveries due by `now` and may be attempted (the worker's list of work). */
export async function endpointsWithDueWork(store: Store, now: number, limit = 10_000): Promise<Array<{ endpointId: string; accountId: string }>> {
  if (store.engine === "sqlite") return sqliteStatements(store.sqlite).dueEndpoints.all({ now, limit }) as Array<{ endpointId: string; accountId: string }>;
  const { rows } = await query<{ endpointId: string; accountId: string }>(
    store,
    store.pool,
    `SELECT e.id AS "endpointId", e."userId" AS "accountId" FROM "Endpoint" e
      WHERE e.enabled AND e."deletedAt" IS NULL AND (e."circuitOpenUntil" IS NULL OR e."circuitOpenUntil" <= $1::timestamp)
        AND EXISTS (SELECT 1 FROM "Delivery" d
                     WHERE d."endpointId" = e.id AND d.status = ${sqlStatus("pending")} AND d."nextAttemptAt" <= $1::timestamp)
      LIMIT $2`,
    [at(now), limit],
  );
  return rows;
}

const claim = sqlTransition("claim");

const sqliteStatements = preparedStatements((db) => ({
  // One index probe per live endpoint (endpoints are few; deliveries are many).
  dueEndpoints: db.prepare(`
    SELECT e.id AS endpointId, e.userId AS accountId FROM "Endpoint" e
     WHERE e.enabled = 1 AND e.deletedAt IS NULL AND (e.circuitOpenUntil IS NULL OR e.circuitOpenUntil <= @now)
       AND EXISTS (SELECT 1 FROM "Delivery" d
                    WHERE d.endpointId = e.id AND d.status = ${sqlStatus("pending")} AND d.nextAttemptAt <= @now)
     LIMIT @limit`),
  endpoint: db.prepare(`
    SELECT id, userId, url, headers, secret, previousSecret, previousSecretUntil, enabled, deletedAt, rateLimitPerSecond,
           rateTokens, rateTokensAt, consecutiveFailures, failingSince, circuitOpenUntil, ordering,
           (SELECT count(*) FROM "Delivery" d WHERE d.endpointId = e.id AND d.status = ${sqlStatus("delivering")}) AS endpointInFlight
      FROM "Endpoint" e WHERE id = ?`),
  holdCircuit: db.prepare(`UPDATE "Endpoint" SET circuitOpenUntil = ? WHERE id = ?`),
  saveBucket: db.prepare(`UPDATE "Endpoint" SET rateTokens = ?, rateTokensAt = ? WHERE id = ?`),
  claim: db.prepare(`
    UPDATE "Delivery"
       SET status = ${claim.to}, attempts = attempts + 1,
           lockedBy = @workerId, lockedUntil = @leaseUntil, updatedAt = @now
     WHERE id IN (
       SELECT id FROM "Delivery"
        WHERE endpointId = @endpointId AND status IN ${claim.from} AND nextAttemptAt <= @now
        ORDER BY nextAttemptAt
        LIMIT @limit)
    RETURNING id, userId, eventId, endpointId, attempts`),
  event: db.prepare(`SELECT type AS eventType, payload, createdAt AS eventCreatedAt FROM "Event" WHERE id = ?`),
}));

/** Claims on SQLite. Call inside an IMMEDIATE transaction (worker-cycle.ts), which serialises every claim. */
export function claimOnSqlite(store: Pick<SqliteStore, "sqlite">, requests: ClaimRequest[], options: ClaimOptions): ClaimResult {
  const sql = sqliteStatements(store.sqlite);
  const endpoints = new Map<string, EndpointRow>();
  for (const { endpointId } of requests) {
    const row = sql.endpoint.get(endpointId) as EndpointRow | undefined;
    if (row) endpoints.set(endpointId, row);
  }
  const plan = planClaim(requests, endpoints, options);
  const rows: ClaimedRow[] = [];
  for (const { endpoint, limit } of plan.limits) {
    const claimed = sql.claim.all({
      workerId: options.workerId,
      leaseUntil: options.now + options.leaseMs,
      now: options.now,
      endpointId: endpoint.id,
      limit,
    }) as Array<Omit<ClaimedRow, "eventType" | "payload" | "eventCreatedAt">>;
    for (const row of claimed) rows.push({ ...row, ...(sql.event.get(row.eventId) as Pick<ClaimedRow, "eventType" | "payload" | "eventCreatedAt">) });
  }
  const { result, probes } = finishClaim(plan, rows);
  for (const endpointId of probes) sql.holdCircuit.run(options.now + options.leaseMs, endpointId);
  for (const { endpointId, bucket } of plan.buckets) sql.saveBucket.run(bucket.tokens, bucket.updatedAt, endpointId);
  return result;
}

/**
 * Claims on PostgreSQL, inside the caller's transaction on `client` (worker-cycle.ts). Each
 * account's claims are serialised by a transaction-scoped advisory lock, taken with *try*: an
 * account another worker is claiming for right now is `busy` this turn instead of waited for.
 * The lock comes first, in its own statement, so the in-flight counts read next (a new snapshot
 * under READ COMMITTED) include every claim committed before it.
 */
export async function claimOnPostgres(store: PostgresStore, client: Queryable, requests: ClaimRequest[], options: ClaimOptions): Promise<ClaimResult> {
  if (requests.length === 0) return { claimed: [], drained: [], paused: [], busy: [], rateLimited: [] };
  const { rows: owners } = await query<{ id: string; userId: string; locked: boolean }>(
    store,
    client,
    `SELECT id, "userId", pg_try_advisory_xact_lock(hashtextextended('hookline:claim:' || "userId", 0)) AS locked
       FROM "Endpoint" WHERE id = ANY($1::text[])`,
    [requests.map((request) => request.endpointId)],
  );
  const lockedAccounts = [...new Set(owners.filter((owner) => owner.locked).map((owner) => owner.userId))];
  const { rows: endpointRows } = await query<EndpointRow>(
    store,
    client,
    `SELECT e.id, e."userId", e.url, e.headers, e.secret, e."previousSecret", e."previousSecretUntil", e.enabled, e."deletedAt",
            e."rateLimitPerSecond", e."rateTokens", e."rateTokensAt", e."consecutiveFailures", e."failingSince", e."circuitOpenUntil", e.ordering,
            (SELECT count(*) FROM "Delivery" d WHERE d."endpointId" = e.id AND d.status = ${sqlStatus("delivering")}) AS "endpointInFlight"
       FROM "Endpoint" e WHERE e.id = ANY($1::text[]) AND e."userId" = ANY($2::text[])`,
    [requests.map((request) => request.endpointId), lockedAccounts],
  );
  const endpoints = new Map(endpointRows.map((row) => [row.id, row]));
  // An account another worker is claiming for right now: its endpoints are busy, not drained.
  // (An endpoint that no longer exists is drained by planClaim.)
  const busy = new Set(owners.filter((owner) => !owner.locked).map((owner) => owner.id));
  const claimable = requests.filter((request) => !busy.has(request.endpointId));
  const plan = planClaim(claimable, endpoints, options);
  let rows: ClaimedRow[] = [];
  // The rows are taken by primary key, and each one's event looked up by its own: the planner
  // cannot know how many rows `LIMIT r.lim` gives, and with a large backlog in the statistics
  // its guess made joins of the whole of Delivery and Event look cheaper (25–70 ms a claim, where
  // this takes ~1 ms, and a healthy endpoint fell 30 s behind beside a dead one).
  if (plan.limits.length) {
    ({ rows } = await query<ClaimedRow>(
      store,
      client,
      `WITH request AS (SELECT * FROM unnest($1::text[], $2::int[]) AS r("endpointId", lim)),
            picked AS (
              SELECT d.id FROM request r CROSS JOIN LATERAL (
                SELECT id FROM "Delivery"
                 WHERE "endpointId" = r."endpointId" AND status IN ${claim.from} AND "nextAttemptAt" <= $3::timestamp
                 ORDER BY "nextAttemptAt" LIMIT r.lim
                 FOR UPDATE SKIP LOCKED) d),
            claimed AS (
              UPDATE "Delivery" d
                 SET status = ${claim.to}, attempts = d.attempts + 1, "lockedBy" = $4, "lockedUntil" = $5::timestamp, "updatedAt" = $3::timestamp
               WHERE d.id = ANY (ARRAY(SELECT id FROM picked))
              RETURNING d.id, d."userId", d."eventId", d."endpointId", d.attempts, d."nextAttemptAt")
       SELECT c.id, c."userId", c."eventId", c."endpointId", c.attempts,
              ev.type AS "eventType", ev.payload, ev."createdAt" AS "eventCreatedAt"
         FROM claimed c CROSS JOIN LATERAL (SELECT type, payload, "createdAt" FROM "Event" WHERE id = c."eventId" LIMIT 1) ev
        ORDER BY c."endpointId", c."nextAttemptAt", c.id`,
      [plan.limits.map(({ endpoint }) => endpoint.id), plan.limits.map(({ limit }) => limit), at(options.now), options.workerId, at(options.now + options.leaseMs)],
    ));
  }
  const { result, probes } = finishClaim(plan, rows);
  if (probes.length) {
    await query(store, client, `UPDATE "Endpoint" SET "circuitOpenUntil" = $2::timestamp WHERE id = ANY($1::text[])`, [probes, at(options.now + options.leaseMs)]);
  }
  if (plan.buckets.length) {
    await query(
      store,
      client,
      `UPDATE "Endpoint" e SET "rateTokens" = b.tokens, "rateTokensAt" = b.at
         FROM unnest($1::text[], $2::float8[], $3::timestamp[]) AS b(id, tokens, at) WHERE e.id = b.id`,
      [plan.buckets.map((entry) => entry.endpointId), plan.buckets.map((entry) => entry.bucket.tokens), plan.buckets.map((entry) => at(entry.bucket.updatedAt))],
    );
  }
  result.busy.push(...busy);
  return result;
}

/** Claims in a transaction of their own (tests, tools); the worker claims inside worker-cycle.ts. */
export async function claimDueDeliveries(store: Store, requests: ClaimRequest[], options: ClaimOptions): Promise<ClaimResult> {
  if (store.engine === "sqlite") return store.sqlite.transaction(() => claimOnSqlite(store, requests, options)).immediate();
  return transaction(store, (client) => claimOnPostgres(store, client, requests, options));
}
