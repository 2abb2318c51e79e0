import { describe, expect, it } from "vitest";
import { grantAttempts } from "@/lib/webhooks/rate-limit";

describe("per-endpoint rate limit (token bucket)", () => {
  it("grants a burst of one second's worth, then refills at the rate", () => {
    const first = grantAttempts(undefined, 5, 0, 20);
    expect(first.granted).toBe(5);
    const empty = grantAttempts(first.bucket, 5, 0, 20);
    expect(empty.granted).toBe(0);
    expect(empty.retryInMs).toBe(200);
    expect(grantAttempts(empty.bucket, 5, 200, 20).granted).toBe(1);
    expect(grantAttempts(empty.bucket, 5, 1000, 20).granted).toBe(5);
    // Never more than the bucket holds, however long it was idle.
    expect(grantAttempts(empty.bucket, 5, 60_000, 20).granted).toBe(5);
  });

  it("never grants more than asked, and keeps the rest", () => {
    const grant = grantAttempts(undefined, 10, 0, 3);
    expect(grant.granted).toBe(3);
    expect(grantAttempts(grant.bucket, 10, 0, 100).granted).toBe(7);
  });

  it("works for rates below one per second", () => {
    const first = grantAttempts(undefined, 0.5, 0, 5);
    expect(first.granted).toBe(1);
    const next = grantAttempts(first.bucket, 0.5, 0, 5);
    expect(next.granted).toBe(0);
    expect(next.retryInMs).toBe(2000);
  });

  it("a caller whose clock is behind the bucket's gets nothing extra, and leaves the bucket's time alone", () => {
    const drained = grantAttempts(undefined, 4, 10_000, 4).bucket;
    const behind = grantAttempts(drained, 4, 9_000, 4);
    expect(behind.granted).toBe(0);
    expect(behind.bucket).toEqual(drained);
    // Half a second after the bucket's own time: two tokens, not the six that dating it back would give.
    expect(grantAttempts(behind.bucket, 4, 10_500, 10).granted).toBe(2);
  });
});
