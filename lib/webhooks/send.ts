/**
 * One HTTP attempt of a webhook: POST the signed body and report what happened.
 *
 * Contract: never throws; every outcome (response, network error, timeout, policy refusal) is
 * returned as a SendResult so the worker can always record the attempt. Redirects are not
 * followed. The whole attempt (connect, headers, body) is bounded by `timeoutMs`, and at most
 * 64 KiB of the response body is read. Connections are kept alive and reused (undici Agent).
 *
 * SSRF: IP-literal hosts are checked before connecting; host names are resolved by the
 * Agent's `lookup`, which checks every address and hands the socket only checked ones, so the
 * address connected to is the address that was checked (no DNS-rebinding window).
 */
import dns from "node:dns";
import type { LookupAddress } from "node:dns";
import { Agent, errors as undiciErrors, request } from "undici";
import { checkAddress, parseIp, type Cidr } from "./ssrf-guard";

export const MAX_RESPONSE_BODY_BYTES = 64 * 1024;

export interface SendRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  /** Aborting it cuts the attempt short (worker shutdown); also used for the timeout. */
  abort?: AbortController;
}

export interface SendResult {
  durationMs: number;
  /** Set when a response arrived. */
  status?: number;
  responseHeaders?: Record<string, string>;
  responseBody?: string;
  /** Set when no usable response arrived. */
  error?: string;
  /** The attempt was cut short through `abort` (shutdown), not by the receiver or the timeout. */
  interrupted?: boolean;
}

/** The abort reason that marks our own timeout, as opposed to a shutdown. */
const ATTEMPT_TIMEOUT = Symbol("attempt timeout");

export class BlockedAddressError extends Error {
  readonly code = "HOOKLINE_BLOCKED_ADDRESS";
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
export type LookupFunction = (hostname: string, options: dns.LookupOptions, callback: LookupCallback) => void;

/** Where a delivery may connect: the SSRF allow-list, and the resolver (tests inject one). */
export interface NetworkPolicy {
  allowedCidrs: Cidr[];
  resolve?: LookupFunction;
}

/** A dns.lookup replacement that returns only addresses the SSRF guard allows. */
export function guardedLookup(allowedCidrs: Cidr[], resolve: LookupFunction = dns.lookup as LookupFunction): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, "");
      const list = addresses as LookupAddress[];
      const allowed = list.filter((entry) => checkAddress(entry.address, allowedCidrs).allowed);
      if (allowed.length === 0) {
        const first = list[0];
        const verdict = first ? checkAddress(first.address, allowedCidrs) : { allowed: false as const, reason: "no address" };
        const reason = verdict.allowed ? "no address" : verdict.reason;
        return callback(new BlockedAddressError(`Blocked by policy: ${hostname} resolves to ${reason}`), "");
      }
      if (options.all) return callback(null, allowed);
      callback(null, allowed[0].address, allowed[0].family);
    });
  };
}

const agents = new Map<string, Agent>();
const agentsByResolver = new WeakMap<LookupFunction, Map<string, Agent>>();

/** One keep-alive Agent per network policy and timeout (in practice one per process). */
function agentFor(policy: NetworkPolicy, timeoutMs: number): Agent {
  let cache = agents;
  if (policy.resolve) {
    cache = agentsByResolver.get(policy.resolve) ?? new Map();
    agentsByResolver.set(policy.resolve, cache);
  }
  const key = `${policy.allowedCidrs.map((cidr) => cidr.text).join(",")}|${timeoutMs}`;
  let agent = cache.get(key);
  if (!agent) {
    agent = new Agent({
      connect: { lookup: guardedLookup(policy.allowedCidrs, policy.resolve), timeout: timeoutMs },
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      keepAliveTimeout: 30_000,
    });
    cache.set(key, agent);
  }
  return agent;
}

function describeError(error: unknown, timeoutMs: number, host: string): string {
  const err = error as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
  const cause = err?.cause ?? err;
  if (err instanceof BlockedAddressError || cause instanceof BlockedAddressError) return (cause as Error).message;
  if (
    err instanceof undiciErrors.HeadersTimeoutError ||
    err instanceof undiciErrors.BodyTimeoutError ||
    err instanceof undiciErrors.ConnectTimeoutError ||
    err?.name === "TimeoutError"
  ) {
    return `Timed out after ${timeoutMs} ms`;
  }
  switch (cause?.code) {
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `DNS lookup failed for ${host} (${cause.code})`;
    case "ECONNREFUSED":
      return `Connection refused by ${host}`;
    case "ECONNRESET":
    case "UND_ERR_SOCKET":
      return `Connection reset by ${host}`;
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return `Host unreachable: ${host}`;
  }
  if (cause?.code?.startsWith("ERR_TLS") || /certificate|SSL|TLS/i.test(cause?.message ?? "")) {
    return `TLS error: ${cause.message}`;
  }
  return `Request failed: ${cause?.message ?? String(error)}`;
}

/** Reads at most MAX_RESPONSE_BODY_BYTES of the body, then drops the rest. */
function readCappedBody(body: NodeJS.ReadableStream & { destroy(): void }): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = () => resolve(Buffer.concat(chunks).toString("utf8"));
    body.on("data", (chunk: Buffer) => {
      if (size >= MAX_RESPONSE_BODY_BYTES) return;
      const room = MAX_RESPONSE_BODY_BYTES - size;
      chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
      size += Math.min(chunk.length, room);
      if (size >= MAX_RESPONSE_BODY_BYTES) {
        body.destroy();
        finish();
      }
    });
    body.on("end", finish);
    body.on("error", reject);
  });
}

export async function sendWebhook(req: SendRequest, policy: NetworkPolicy): Promise<SendResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let url: URL;
  try {
    url = new URL(req.url);
  } catch {
    return { durationMs: 0, error: `Invalid URL: ${req.url}` };
  }
  const literal = parseIp(url.hostname);
  if (literal) {
    const verdict = checkAddress(url.hostname, policy.allowedCidrs);
    if (!verdict.allowed) return { durationMs: 0, error: `Blocked by policy: ${verdict.reason}` };
  }

  // One timer bounds the whole attempt (connect, headers and a trickling body alike); it is
  // cleared as soon as the attempt ends, so finished attempts leave no timers behind.
  const abort = req.abort ?? new AbortController();
  const timer = setTimeout(() => abort.abort(ATTEMPT_TIMEOUT), req.timeoutMs);
  let status: number | undefined;
  let responseHeaders: Record<string, string> | undefined;
  try {
    const response = await request(url, {
      method: "POST",
      headers: req.headers,
      body: req.body,
      signal: abort.signal,
      dispatcher: agentFor(policy, req.timeoutMs),
    });
    status = response.statusCode;
    responseHeaders = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined) responseHeaders[name] = Array.isArray(value) ? value.join(", ") : value;
    }
    const responseBody = await readCappedBody(response.body);
    return { durationMs: elapsed(), status, responseHeaders, responseBody };
  } catch (error) {
    const timedOut = abort.signal.reason === ATTEMPT_TIMEOUT;
    if (abort.signal.aborted && !timedOut) {
      return { durationMs: elapsed(), error: "Interrupted: the worker shut down before the response arrived", interrupted: true };
    }
    const description = describeError(timedOut ? { name: "TimeoutError" } : error, req.timeoutMs, url.host);
    // A status that arrived before the body failed is still worth recording.
    return { durationMs: elapsed(), status, responseHeaders, error: status === undefined ? description : `${description} (while reading the response body)` };
  } finally {
    clearTimeout(timer);
  }
}
