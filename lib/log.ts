/**
 * The server's log: one JSON object per line on stdout (pino), at HOOKLINE_LOG_LEVEL.
 *
 * Contract: a log line may carry ids (request, account, endpoint, delivery, worker), methods,
 * paths without their query string, statuses, durations and error messages with stacks. Never
 * request or response bodies (event payloads), headers, signing secrets, API keys, passwords,
 * session tokens, or endpoint URLs (a URL can carry credentials in its query): log the
 * endpoint's id instead. The redaction list below is a second net for a field logged by
 * mistake, not the policy itself.
 *
 * Importable from plain Node (the separate worker). One logger per process, cached on
 * globalThis, because Next evaluates modules more than once and two loggers writing to the
 * same descriptor could interleave their buffers.
 */
import { randomUUID } from "node:crypto";
import pino, { type Logger } from "pino";
import { env } from "./env";

/** Field names whose values are never written, at the top level or one level down. */
const SENSITIVE_FIELDS = ["authorization", "cookie", "headers", "secret", "previousSecret", "password", "key", "apiKey", "token", "body", "payload", "data", "url"];

export const REDACT_PATHS = SENSITIVE_FIELDS.flatMap((field) => [field, `*.${field}`]);

/** A logger writing to `destination` (stdout by default; tests pass a stream they read). */
export function createLogger(destination?: pino.DestinationStream, level: string = env.HOOKLINE_LOG_LEVEL): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { pid: process.pid },
    timestamp: isoTimeOncePerMillisecond(),
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
  };
  // Asynchronous, buffered writes to stdout: lines go out 4 KiB at a time, or within 250 ms,
  // instead of one write each (one per API request: at thousands a second, those writes cost
  // ~5 % of accepting an event). pino flushes what is pending when the process exits.
  return pino(options, destination ?? pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 250 }));
}

/**
 * pino's ISO time, formatted once per millisecond: at thousands of lines a second most lines
 * share their millisecond, and a `new Date()` costs more than it should here (Next wraps the
 * global Date to watch prerenders).
 */
function isoTimeOncePerMillisecond(): () => string {
  let formattedMs = Number.NaN;
  let formatted = "";
  return () => {
    const now = Date.now();
    if (now !== formattedMs) {
      formattedMs = now;
      formatted = `,"time":"${new Date(now).toISOString()}"`;
    }
    return formatted;
  };
}

const holder = globalThis as unknown as { hooklineLogger?: Logger };

export const logger: Logger = (holder.hooklineLogger ??= createLogger());

/**
 * For the one line every API request writes: its fields are fixed and safe (request id, method,
 * path, status, duration, account id), so the redaction pass (~20 µs a line, 5–8 % of what
 * accepting an event cost) is skipped. Same stream as `logger`.
 */
export const requestLogger: Logger = logger.child({}, { redact: [] });

/**
 * The id a request is logged under: the caller's `x-request-id` when it is a plain token (so a
 * proxy's id follows the request through), else a fresh one. Anything else the caller sends
 * (long, spaces, control characters) is not trusted into the log.
 */
export function requestIdFrom(header: string | null | undefined): string {
  return header && /^[A-Za-z0-9._:-]{1,128}$/.test(header) ? header : randomUUID();
}

/** A path with its query string dropped (queries may carry tokens or personal data). */
export function pathOnly(url: string): string {
  const cut = url.search(/[?#]/);
  return cut === -1 ? url : url.slice(0, cut);
}
