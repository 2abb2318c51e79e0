/**
 * FIFO endpoints' vocabulary (SPEC §11), free of the store so that schemas and browser
 * components can use it; lib/store/fifo.ts keeps the queue itself.
 */

/** `unordered`: deliveries in parallel; `fifo`: per ordering key, one at a time, in event order. */
export const ORDERINGS = ["unordered", "fifo"] as const;
export type Ordering = (typeof ORDERINGS)[number];

/** The longest ordering key an event may carry. */
export const MAX_ORDERING_KEY_LENGTH = 128;

/** A waiting delivery's count of deliveries ahead of it stops here (shown as "10,000+"). */
export const AHEAD_COUNTED = 10_000;
