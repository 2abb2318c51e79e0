/**
 * How large a request body may be, by where it goes. Every body is refused once it passes its
 * limit, before it is read in full, whether it declares its length or arrives chunked: the
 * route handlers check as they read, and scripts/server.ts checks every request before Next
 * sees it (Next's proxy step reads a POST's whole body before any route handler runs).
 * Pure, with no imports, so next.config.js's test and the server can share it.
 */

/** The REST API: the event data limit (256 KiB) plus room for the envelope. */
export const MAX_BODY_BYTES = 256 * 1024 + 4 * 1024;

/**
 * Deepest nesting of objects and arrays accepted in a body. Deeper JSON would exhaust the stack
 * when validated or serialised (a 500), and many receivers' parsers refuse it anyway.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * The built-in inbox: it keeps the first 256 KiB of what it receives (INBOX_MAX_BODY), and
 * accepts a little more so that a delivery of a larger payload is recorded (cut) rather than
 * failed.
 */
export const INBOX_MAX_REQUEST_BYTES = 1024 * 1024;

/**
 * Dashboard forms (server actions) and any other request: the largest form carries event or
 * schedule JSON data of at most 256 KiB; twice that leaves room for pretty-printed JSON and the
 * other fields. next.config.js sets `experimental.serverActions.bodySizeLimit` to the same value
 * (a unit test checks they agree).
 */
export const FORM_MAX_BODY_BYTES = 512 * 1024;

/** The body limit for a request to `pathname` (no query string). */
export function requestBodyLimit(pathname: string): number {
  if (pathname.startsWith("/api/v1/")) return MAX_BODY_BYTES;
  if (pathname.startsWith("/api/inbox/")) return INBOX_MAX_REQUEST_BYTES;
  return FORM_MAX_BODY_BYTES;
}
