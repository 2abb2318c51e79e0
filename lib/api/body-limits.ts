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
 * Dashboard forms (server actions) posted with a signed-in session, and a portal's forms with
 * their link's token (scripts/server.ts checks either first): the largest form carries event or
 * schedule JSON data of at most 256 KiB; twice that leaves room for pretty-printed JSON and the
 * other fields. next.config.js sets `experimental.serverActions.bodySizeLimit` to the same value
 * (a unit test checks they agree).
 */
export const FORM_MAX_BODY_BYTES = 512 * 1024;

/**
 * A body sent with no credential: the sign-in and sign-up forms (an email of at most 254
 * characters, a password of at most 200, and the hidden fields naming the server action: about
 * 1 KiB), and a dashboard form posted without a valid session (Next answers it with a redirect
 * to sign-in). Sign-up is open, so anyone may send these: they may cost the server no more than
 * what scripts/server.ts reads of any body before checking its credential (UNCHECKED_BYTES
 * there, this same value). A signed-in session lifts a dashboard form to FORM_MAX_BODY_BYTES.
 */
export const ANONYMOUS_BODY_BYTES = 16 * 1024;

/** The forms that take no credential at all (the pages' own paths, where their actions post). */
const ANONYMOUS_FORM_PATHS: ReadonlySet<string> = new Set(["/sign-in", "/sign-up"]);

/** The body limit for a request to `pathname` (no query string), once its credential (if it takes one) is checked. */
export function requestBodyLimit(pathname: string): number {
  if (pathname === "/api/v1" || pathname.startsWith("/api/v1/")) return MAX_BODY_BYTES;
  if (pathname.startsWith("/api/inbox/")) return INBOX_MAX_REQUEST_BYTES;
  if (ANONYMOUS_FORM_PATHS.has(pathname)) return ANONYMOUS_BODY_BYTES;
  return FORM_MAX_BODY_BYTES;
}
