// lib/metrics/snapshot.ts: the database is read at most once per refresh interval, however many
// scrapes ask, and a stale (or future-dated) snapshot is read again. Time is passed in.
import { describe, expect, it } from "vitest";
import type { DatabaseSnapshot } from "@/lib/metrics/database";
import { createSnapshotCache } from "@/lib/metrics/snapshot";
import { loadEnvWith, restoreEnvAfterEach } from "../helpers/env";

restoreEnvAfterEach();

function countingReader() {
  const reads: number[] = [];
  const read = (now: number): DatabaseSnapshot => {
    reads.push(now);
    return {
      deliveriesByStatus: { pending: reads.length, delivering: 0, succeeded: 0, failed: 0 },
      dueDeliveries: 0,
      oldestDueAt: null,
      pausedEndpoints: 0,
      scheduleTicks: 0,
      liveWorkers: 1,
      lastHeartbeatAt: now,
    };
  };
  return { reads, read };
}

describe("createSnapshotCache", () => {
  it("1,000 scrapes within one interval read the database once, and all see that snapshot", () => {
    const { reads, read } = countingReader();
    const cache = createSnapshotCache(read, 5_000);
    const seen = new Set<number>();
    for (let i = 0; i < 1_000; i++) seen.add(cache.current(10_000 + i * 4).snapshot.deliveriesByStatus.pending);
    expect(reads).toEqual([10_000]);
    expect(cache.refreshes).toBe(1);
    expect([...seen]).toEqual([1]);
  });

  it("reads again once the snapshot is as old as the interval: one read per interval at any scrape rate", () => {
    const { reads, read } = countingReader();
    const cache = createSnapshotCache(read, 5_000);
    // 100 scrapes a second for 20 s.
    for (let now = 0; now < 20_000; now += 10) cache.current(now);
    expect(reads).toEqual([0, 5_000, 10_000, 15_000]);
    expect(cache.current(20_000).takenAt).toBe(20_000);
    expect(cache.current(24_999).takenAt).toBe(20_000);
  });

  it("reads again when the clock went back", () => {
    const { reads, read } = countingReader();
    const cache = createSnapshotCache(read, 5_000);
    cache.current(10_000);
    cache.current(9_000);
    expect(reads).toEqual([10_000, 9_000]);
  });

  it("with an interval of 0 every scrape reads", () => {
    const { reads, read } = countingReader();
    const cache = createSnapshotCache(read, 0);
    for (let i = 0; i < 5; i++) cache.current(1_000);
    expect(reads).toHaveLength(5);
  });
});

describe("HOOKLINE_METRICS_REFRESH_MS", () => {
  it("defaults to 5 s; 0 reads on every scrape; anything but a whole number of ms is refused", async () => {
    expect((await loadEnvWith({})).HOOKLINE_METRICS_REFRESH_MS).toBe(5_000);
    expect((await loadEnvWith({ HOOKLINE_METRICS_REFRESH_MS: "0" })).HOOKLINE_METRICS_REFRESH_MS).toBe(0);
    for (const value of ["-1", "5s", "1.5"]) {
      await expect(loadEnvWith({ HOOKLINE_METRICS_REFRESH_MS: value })).rejects.toThrow(/HOOKLINE_METRICS_REFRESH_MS/);
    }
  });
});
