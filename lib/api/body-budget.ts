/**
 * Request bodies in transit, counted per client. scripts/server.ts holds a body whole before Next
 * reads it, and event ingest reads its body whole, so a body costs the server memory from its
 * first byte until its request is answered. Without a bound, one account with a valid key could
 * stall a thousand uploads of 260 KB at once and hold that memory for as long as the server's
 * request timeout allows (measured 2026-12-02: 1,000 stalled uploads to /api/v1/endpoints, +227 MB
 * of server RSS), taking memory from every other account.
 *
 * Contract:
 * - `reserveBodyBytes(client, bytes)` counts `bytes` against `client` and returns the function
 *   that gives them back (calling it again does nothing), or null when they would take the
 *   client past HOOKLINE_MAX_BODY_BYTES_IN_TRANSIT: the request is then refused (429) before any
 *   of its body is kept. A client is an account (`clientOfAccount`: all its keys, sessions,
 *   inbox and portal links together) or, for a request without a credential, its address.
 * - A single body within its route's limit always fits a client with nothing in transit, whatever
 *   the setting.
 * - Per process, on globalThis (scripts/server.ts and Next's copy of this module share it); a
 *   client has an entry only while it has a body in transit, so the map's size is bounded by
 *   the open requests.
 */
import { env } from "../env";

const holder = globalThis as unknown as { hooklineBodiesInTransit?: Map<string, number> };
const inTransit = (holder.hooklineBodiesInTransit ??= new Map());

export const clientOfAccount = (userId: string) => `account:${userId}`;
export const clientOfAddress = (address: string | undefined) => `address:${address ?? "unknown"}`;

export function reserveBodyBytes(client: string, bytes: number): (() => void) | null {
  const held = inTransit.get(client) ?? 0;
  if (held > 0 && held + bytes > env.HOOKLINE_MAX_BODY_BYTES_IN_TRANSIT) return null;
  inTransit.set(client, held + bytes);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const left = (inTransit.get(client) ?? bytes) - bytes;
    if (left > 0) inTransit.set(client, left);
    else inTransit.delete(client);
  };
}

/** The bytes to count for a request's body: its declared length, or the most its route takes when it declares none (chunked). */
export function bodyBytesToCount(contentLength: string | undefined, limit: number): number {
  const declared = contentLength === undefined ? Number.NaN : Number(contentLength);
  return Number.isFinite(declared) && declared >= 0 ? Math.min(declared, limit) : limit;
}

/** What a refused client reads (the API's 429 detail, the dashboard's plain text). */
export const BODIES_IN_TRANSIT_DETAIL =
  "Too many request bodies are arriving for this account (or address) at once (HOOKLINE_MAX_BODY_BYTES_IN_TRANSIT, set by the operator). Send fewer large requests at the same time and retry.";
