/**
 * One turn of the worker: record the attempts that finished (record-outcomes.ts), then claim
 * work for the free slots (claim-due.ts), in one transaction. Together they touch mostly the
 * same pages and rows, so one commit (one fsync on SQLite, one round trip of COMMIT on
 * PostgreSQL) does the work of two.
 *
 * Contract: all or nothing. If it throws, nothing was recorded or claimed: the finished
 * attempts are still leased to this worker and may be recorded again on the next turn.
 */
import { claimOnPostgres, claimOnSqlite, type ClaimOptions, type ClaimRequest, type ClaimResult } from "./claim-due";
import type { SqliteStore, Store } from "./connection";
import { transaction } from "./postgres";
import { recordOnPostgres, recordOnSqlite, type Completion, type RecordedOutcome, type RecordOptions } from "./record-outcomes";

export interface CycleResult extends ClaimResult {
  /** The outcome of each completion, in order. */
  outcomes: RecordedOutcome[];
}

const NOTHING_CLAIMED: ClaimResult = { claimed: [], drained: [], paused: [], busy: [], rateLimited: [] };

/** The SQLite turn, synchronous: on the worker's writer thread (sqlite-writer.ts), or in-process. */
export function recordAndClaimOnSqlite(
  store: Pick<SqliteStore, "sqlite">,
  completions: Completion[],
  requests: ClaimRequest[],
  options: { record: RecordOptions; claim: ClaimOptions },
): CycleResult {
  // IMMEDIATE takes the write lock up front, so a concurrent worker waits (busy timeout)
  // instead of failing with SQLITE_BUSY_SNAPSHOT halfway through.
  return store.sqlite
    .transaction((): CycleResult => {
      const outcomes = completions.length ? recordOnSqlite(store, completions, options.record) : [];
      const claimed = requests.length ? claimOnSqlite(store, requests, options.claim) : NOTHING_CLAIMED;
      return { ...claimed, outcomes };
    })
    .immediate();
}

export async function recordAndClaim(
  store: Store,
  completions: Completion[],
  requests: ClaimRequest[],
  options: { record: RecordOptions; claim: ClaimOptions },
): Promise<CycleResult> {
  if (store.engine === "sqlite") return recordAndClaimOnSqlite(store, completions, requests, options);
  return transaction(store, async (client) => {
    const outcomes = await recordOnPostgres(store, client, completions, options.record);
    const claimed = requests.length ? await claimOnPostgres(store, client, requests, options.claim) : NOTHING_CLAIMED;
    return { ...claimed, outcomes };
  });
}

/** Where a worker's turns run: in this thread (here), or on SQLite's writer thread (sqlite-writer.ts). */
export interface WorkerTurns {
  /** Settles once turns can run (a writer thread compiles its modules first). */
  readonly ready: Promise<void>;
  recordAndClaim(completions: Completion[], requests: ClaimRequest[], options: { record: RecordOptions; claim: ClaimOptions }): Promise<CycleResult>;
  stop(): Promise<void>;
}

/** Turns in this thread: PostgreSQL (its waits are on the network), SQLite ":memory:", or no writer thread. */
export function inProcessTurns(store: Store): WorkerTurns {
  return {
    ready: Promise.resolve(),
    recordAndClaim: (completions, requests, options) => recordAndClaim(store, completions, requests, options),
    async stop() {},
  };
}
