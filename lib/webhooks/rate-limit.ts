/**
 * Per-endpoint rate limit: a token bucket that refills continuously at `perSecond` and holds
 * at most one second's worth (so a quiet endpoint may take a short burst). Pure: `now` is
 * passed in and the bucket returned.
 */
export interface TokenBucket {
  tokens: number;
  updatedAt: number;
}

export interface Grant {
  /** Attempts that may start now (≤ wanted). */
  granted: number;
  bucket: TokenBucket;
  /** When nothing was granted: how long until one token is available. */
  retryInMs: number;
}

export function grantAttempts(bucket: TokenBucket | undefined, perSecond: number, now: number, wanted: number): Grant {
  const capacity = Math.max(1, perSecond);
  // The bucket's clock never goes back. A caller whose `now` is behind the bucket's (a worker
  // whose turn was planned before another's was written, or a machine whose clock lags) gets
  // no refill; with its own `now` it would drain the bucket below empty and date it back, and
  // the next caller would be refilled for time already paid for.
  const at = bucket ? Math.max(now, bucket.updatedAt) : now;
  const refilled = bucket ? Math.min(capacity, bucket.tokens + ((at - bucket.updatedAt) / 1000) * perSecond) : capacity;
  const granted = Math.max(0, Math.min(wanted, Math.floor(refilled)));
  const tokens = refilled - granted;
  return {
    granted,
    bucket: { tokens, updatedAt: at },
    retryInMs: granted > 0 ? 0 : Math.ceil(((1 - tokens) / perSecond) * 1000),
  };
}
