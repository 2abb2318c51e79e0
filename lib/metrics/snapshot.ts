/**
 * The database-wide figures of /api/metrics come from a snapshot, taken at most once per
 * refresh interval (HOOKLINE_METRICS_REFRESH_MS): counting deliveries walks an index entry per
 * delivery (60–90 ms of blocked event loop at 1M deliveries), and without a snapshot every
 * scraper, and every scrape, paid that again.
 *
 * Contract: `current(now)` returns the snapshot taken at most `refreshMs` before `now` (a clock
 * that went back counts as stale), reading the database only when there is none. At most one
 * read runs at a time: scrapes that arrive while one is in flight (PostgreSQL reads are
 * asynchronous) wait for it and share its snapshot. A failed read is not kept: the next scrape
 * tries again. Time is passed in, so tests control it.
 */
import type { DatabaseSnapshot } from "./database";

export interface TakenSnapshot {
  snapshot: DatabaseSnapshot;
  /** When it was read (unix ms). */
  takenAt: number;
}

export interface SnapshotCache {
  current(now: number): Promise<TakenSnapshot>;
  /** How many times the database was read. */
  readonly refreshes: number;
}

export function createSnapshotCache(read: (now: number) => DatabaseSnapshot | Promise<DatabaseSnapshot>, refreshMs: number): SnapshotCache {
  let taken: TakenSnapshot | null = null;
  let refreshing: Promise<TakenSnapshot> | null = null;
  let refreshes = 0;
  return {
    current(now) {
      if (taken !== null && now - taken.takenAt < refreshMs && now >= taken.takenAt) return Promise.resolve(taken);
      if (refreshing) return refreshing;
      refreshes += 1;
      const refresh = (async () => {
        taken = { snapshot: await read(now), takenAt: now };
        return taken;
      })().finally(() => {
        if (refreshing === refresh) refreshing = null;
      });
      refreshing = refresh;
      return refresh;
    },
    get refreshes() {
      return refreshes;
    },
  };
}
