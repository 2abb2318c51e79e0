import { randomBytes } from "node:crypto";

// Crockford base32: ids sort by creation time as plain strings (ULID layout: 10 chars of
// millisecond time + 16 chars of randomness), which the log's keyset pagination relies on.
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

let lastTime = 0;
let lastRandom: Uint8Array = new Uint8Array(10);

function encodeTime(ms: number): string {
  let out = "";
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[ms % 32] + out;
    ms = Math.floor(ms / 32);
  }
  return out;
}

function encodeRandom(bytes: Uint8Array): string {
  // 80 bits -> 16 base32 chars
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return out;
}

/** Increments the random part so ids made within one millisecond still sort in creation order. */
function incremented(bytes: Uint8Array): Uint8Array {
  const next = new Uint8Array(bytes);
  for (let i = next.length - 1; i >= 0; i--) {
    if (next[i] < 255) {
      next[i]++;
      return next;
    }
    next[i] = 0;
  }
  return next;
}

export type IdPrefix = "usr" | "ses" | "ep" | "msg" | "dlv" | "att" | "key" | "sch" | "inb" | "etp" | "con";

/** A new prefixed, time-sortable id such as `msg_01JD…`. */
export function newId(prefix: IdPrefix, now = Date.now()): string {
  if (now <= lastTime) {
    lastRandom = incremented(lastRandom);
  } else {
    lastTime = now;
    lastRandom = new Uint8Array(randomBytes(10));
  }
  return `${prefix}_${encodeTime(lastTime)}${encodeRandom(lastRandom)}`;
}

/** The latest time 10 base32 characters hold (2^50 - 1 ms, in the year 37,648). */
const LAST_ENCODABLE_TIME = 2 ** 50 - 1;

/**
 * The smallest id with this prefix made at `time`: `id < idAt(prefix, t)` means "made before t".
 * A time before 1970 (a filter's `since`, say) is 1970's first id, which every id follows: it
 * would otherwise encode as garbage that sorts after them all.
 */
export function idAt(prefix: IdPrefix, time: number): string {
  return `${prefix}_${encodeTime(Math.min(Math.max(0, Math.floor(time)), LAST_ENCODABLE_TIME))}${"0".repeat(16)}`;
}

/** A random id stamped with a chosen past `time` (seeding and imports), outside the monotonic sequence. */
export function idFromTime(prefix: IdPrefix, time: number): string {
  return `${prefix}_${encodeTime(time)}${encodeRandom(new Uint8Array(randomBytes(10)))}`;
}
