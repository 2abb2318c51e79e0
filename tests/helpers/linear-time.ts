/**
 * Linear-time checks without absolute timings: the cost per input byte of a large input is
 * compared with that of a small one, on the same machine in the same moment. A linear
 * algorithm keeps the ratio near 1 (fixed per-call costs even favour the large input); a
 * quadratic one multiplies it by the size ratio (256 for 256 KiB against 1 KiB).
 */
import { performance } from "node:perf_hooks";

/** Best (least) time of one call, in ms; small inputs are repeated so the clock can see them. */
export function bestTimePerCall(run: () => unknown, { runs = 5, minSampleMs = 20, giveUpAfterMs = 2_000 } = {}): number {
  let best = Infinity;
  for (let sample = 0; sample < runs; sample++) {
    let calls = 0;
    const start = performance.now();
    let elapsed = 0;
    do {
      run();
      calls++;
      elapsed = performance.now() - start;
    } while (elapsed < minSampleMs);
    best = Math.min(best, elapsed / calls);
    // Noise only ever adds time, so one slow sample is already a fair answer (and spares a
    // quadratic algorithm's test from running for minutes before it fails).
    if (elapsed > giveUpAfterMs) break;
  }
  return best;
}

export interface LinearityReport {
  smallBytes: number;
  largeBytes: number;
  /** Per-byte cost of the large input divided by that of the small one. */
  ratio: number;
}

/**
 * Times `process` on `make(small)` and `make(large)` (inputs built before timing) and returns
 * the per-byte cost ratio. `make(n)` must return an input of about n bytes.
 */
export function perByteCostRatio<T>(make: (bytes: number) => T, process: (input: T) => unknown, sizeOf: (input: T) => number, smallBytes = 1024, largeBytes = 256 * 1024): LinearityReport {
  const small = make(smallBytes);
  const large = make(largeBytes);
  // Warm up first, so the JIT has compiled what the timed runs use (the large input's first
  // sample does the same for it, and best-of-several discards it).
  for (let i = 0; i < 20; i++) process(small);
  const smallCost = bestTimePerCall(() => process(small)) / sizeOf(small);
  const largeCost = bestTimePerCall(() => process(large)) / sizeOf(large);
  return { smallBytes: sizeOf(small), largeBytes: sizeOf(large), ratio: largeCost / smallCost };
}

/** Generous: a linear algorithm stays near 1; a quadratic one lands near 256. */
export const MAX_PER_BYTE_RATIO = 8;
