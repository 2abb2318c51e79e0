/**
 * The database-wide figures of /api/metrics come from a snapshot, taken at most once per
 * refresh interval (HOOKLINE_METRICS_REFRESH_MS): counting deliveries walks an index entry per
 * delivery (60–90 ms of blocked event loop at 1M deliveries), and without a snapshot every
 * scraper, and every scrape, paid that again.
 *
 * Contract: `current(now)` returns the snapshot taken at most `refreshMs` before `now` (a clock
 * that went back counts as stale), reading the database only when there is none. Reading is
 * synchronous (better-sqlite3), so no other scrape in the process runs during a refresh: the
 * scrapes that arrive meanwhile wait for it and then share it. Time is passed in, so tests
 * control it.
 */
import type { DatabaseSnapshot } from "./database";

export interface TakenSnapshot {
  snapshot: DatabaseSnapshot;
  /** When it was read (unix ms). */
  takenAt: number;
}

export interface SnapshotCache {
  current(now: number): TakenSnapshot;
  /** How many times the database was read. */
  readonly refreshes: number;
}

export function createSnapshotCache(read: (now: number) => DatabaseSnapshot, refreshMs: number): SnapshotCache {
  let taken: TakenSnapshot | null = null;
  let refreshes = 0;
  return {
    current(now) {
      if (taken === null || now - taken.takenAt >= refreshMs || now < taken.takenAt) {
        taken = { snapshot: read(now), takenAt: now };
        refreshes += 1;
      }
      return taken;
    },
    get refreshes() {
      return refreshes;
    },
  };
}
