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
  const refilled = bucket ? Math.min(capacity, bucket.tokens + ((now - bucket.updatedAt) / 1000) * perSecond) : capacity;
  const granted = Math.min(wanted, Math.floor(refilled));
  const tokens = refilled - granted;
  return {
    granted,
    bucket: { tokens, updatedAt: now },
    retryInMs: granted > 0 ? 0 : Math.ceil(((1 - tokens) / perSecond) * 1000),
  };
}
