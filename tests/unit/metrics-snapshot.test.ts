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
  it("1,000 scrapes within one interval read the database once, and all see that snapshot", async () => {
    const { reads, read } = countingReader();
    const cache = createSnapshotCache(read, 5_000);
    const seen = new Set<number>();
    for (let i = 0; i < 1_000; i++) seen.add((await cache.current(10_000 + i * 4)).snapshot.deliveriesByStatus.pending);
    expect(reads).toEqual([10_000]);
    expect(cache.refreshes).toBe(1);
    expect([...seen]).toEqual([1]);
  });

  it("reads again once the snapshot is as old as the interval: one read per interval at any scrape rate", async () => {
    const { reads, read } = countingReader();
    const cache = createSnapshotCache(read, 5_000);
    // 100 scrapes a second for 20 s.
    for (let now = 0; now < 20_000; now += 10) await cache.current(now);
    expect(reads).toEqual([0, 5_000, 10_000, 15_000]);
    expect((await cache.current(20_000)).takenAt).toBe(20_000);
    expect((await cache.current(24_999)).takenAt).toBe(20_000);
  });

  it("reads again when the clock went back", async () => {
    const { reads, read } = countingReader();
    const cache = createSnapshotCache(read, 5_000);
    await cache.current(10_000);
    await cache.current(9_000);
    expect(reads).toEqual([10_000, 9_000]);
  });

  it("with an interval of 0 every scrape reads", async () => {
    const { reads, read } = countingReader();
    const cache = createSnapshotCache(read, 0);
    for (let i = 0; i < 5; i++) await cache.current(1_000);
    expect(reads).toHaveLength(5);
  });

  it("scrapes that arrive while an asynchronous read is in flight wait for it and share it", async () => {
    const { reads, read } = countingReader();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const cache = createSnapshotCache(async (now) => {
      await gate;
      return read(now);
    }, 0);
    const scrapes = [cache.current(1_000), cache.current(1_001), cache.current(1_002)];
    release();
    const taken = await Promise.all(scrapes);
    expect(reads).toEqual([1_000]);
    expect(new Set(taken).size).toBe(1);
    // Once it is done, the next scrape (interval 0) reads again.
    await cache.current(1_003);
    expect(reads).toEqual([1_000, 1_003]);
  });

  it("a failed read is not kept: the scrape sees the error and the next one reads again", async () => {
    const { reads, read } = countingReader();
    let fail = true;
    const cache = createSnapshotCache(async (now) => {
      if (fail) throw new Error("database unreachable");
      return read(now);
    }, 5_000);
    await expect(cache.current(1_000)).rejects.toThrow("database unreachable");
    fail = false;
    expect((await cache.current(1_001)).takenAt).toBe(1_001);
    expect(reads).toEqual([1_001]);
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
