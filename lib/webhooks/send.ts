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
import { Agent, errors as undiciErrors } from "undici";
import { checkAddress, parseIp, type Cidr } from "./ssrf-guard";

export const MAX_RESPONSE_BODY_BYTES = 64 * 1024;

/** What an Interruption tells: the attempt in progress. */
export interface Interruptible {
  interrupt(): void;
}

/**
 * How the worker cuts its attempts short at shutdown: one per attempt, so it costs a fraction
 * of an AbortController and its signal's listeners.
 */
export class Interruption {
  interrupted = false;
  private attempt: Interruptible | null = null;

  interrupt(): void {
    this.interrupted = true;
    this.attempt?.interrupt();
  }

  /** The attempt to cut short (one at a time); null once it ended. */
  onInterrupt(attempt: Interruptible | null): void {
    this.attempt = attempt;
  }
}

export interface SendRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  /** Cuts the attempt short (worker shutdown). */
  interruption?: Interruption;
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

/** Response headers as one string per name (repeated headers joined with ", "), names lower-cased. */
function headerRecord(raw: Buffer[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toString("latin1").toLowerCase();
    const value = raw[i + 1].toString("latin1");
    const joined = Object.hasOwn(headers, name) ? `${headers[name]}, ${value}` : value;
    // A receiver may name a header "__proto__": an own property, not the object's prototype.
    if (name === "__proto__") Object.defineProperty(headers, name, { value: joined, enumerable: true, configurable: true, writable: true });
    else headers[name] = joined;
  }
  return headers;
}

/** Where one URL sends to, or why it cannot. */
type Target = { origin: string; path: string; host: string; refused?: undefined } | { refused: string };
type Reachable = Exclude<Target, { refused: string }>;

/** Parsed and checked URLs, per allow-list (endpoints are few; an attempt is one lookup). */
const targetsByPolicy = new WeakMap<Cidr[], Map<string, Target>>();
/** Bounds each policy's map: past it the map starts over (an account may register many URLs). */
const MAX_TARGETS = 4096;

function targetOf(rawUrl: string, allowedCidrs: Cidr[]): Target {
  let targets = targetsByPolicy.get(allowedCidrs);
  if (!targets) targetsByPolicy.set(allowedCidrs, (targets = new Map()));
  let target = targets.get(rawUrl);
  if (target) return target;
  let url: URL | null = null;
  try {
    url = new URL(rawUrl);
  } catch {
    target = { refused: `Invalid URL: ${rawUrl}` };
  }
  if (url) {
    // IP literals are checked here; host names when they resolve (guardedLookup).
    const verdict = parseIp(url.hostname) ? checkAddress(url.hostname, allowedCidrs) : { allowed: true as const };
    target = verdict.allowed ? { origin: url.origin, path: `${url.pathname}${url.search}`, host: url.host } : { refused: `Blocked by policy: ${verdict.reason}` };
  }
  if (targets.size >= MAX_TARGETS) targets.clear();
  targets.set(rawUrl, target!);
  return target!;
}

export async function sendWebhook(req: SendRequest, policy: NetworkPolicy): Promise<SendResult> {
  const target = targetOf(req.url, policy.allowedCidrs);
  if (target.refused !== undefined) return { durationMs: 0, error: target.refused };
  return dispatchAttempt(agentFor(policy, req.timeoutMs), target, req);
}

/**
 * The request, on undici's dispatcher callbacks: the response's status, headers and first
 * MAX_RESPONSE_BODY_BYTES arrive as plain values, with no response stream, AbortSignal or
 * promise per chunk in between (they were a tenth of the worker's CPU per delivery).
 *
 * One timer bounds the whole attempt (connect, headers and a trickling body alike) and is
 * cleared as soon as the attempt ends, so finished attempts leave no timers behind. Timeout
 * and shutdown settle the attempt at once; undici hands over the means to abort the request
 * when it writes it (`onConnect`), so one cut short before then is aborted there.
 */
function dispatchAttempt(agent: Agent, target: Reachable, req: SendRequest): Promise<SendResult> {
  return new Promise((resolve) => new AttemptHandler(agent, target, req, resolve));
}

/**
 * One attempt's state and undici's callbacks, as one object: as closures, an attempt made nine
 * functions (and, under tsx, named each one at run time), a few per cent of the delivery
 * thread's CPU.
 */
class AttemptHandler implements Interruptible {
  private readonly started = performance.now();
  private status: number | undefined;
  private responseHeaders: Record<string, string> | undefined;
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private abortRequest: ((error: Error) => void) | null = null;
  private settled = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    agent: Agent,
    private readonly target: Reachable,
    private readonly req: SendRequest,
    private readonly resolve: (result: SendResult) => void,
  ) {
    this.timer = setTimeout(timeOut, req.timeoutMs, this);
    if (req.interruption?.interrupted) {
      this.interrupt();
      return;
    }
    req.interruption?.onInterrupt(this);
    try {
      agent.dispatch({ origin: target.origin, path: target.path, method: "POST", headers: req.headers, body: req.body }, this);
    } catch (error) {
      this.settle(this.failed(describeError(error, req.timeoutMs, target.host)));
    }
  }

  private elapsed(): number {
    return Math.round(performance.now() - this.started);
  }

  private succeeded(): SendResult {
    return { durationMs: this.elapsed(), status: this.status, responseHeaders: this.responseHeaders, responseBody: Buffer.concat(this.chunks, this.size).toString("utf8") };
  }

  /** A status that arrived before the body failed is still worth recording. */
  private failed(description: string): SendResult {
    return {
      durationMs: this.elapsed(),
      status: this.status,
      responseHeaders: this.responseHeaders,
      error: this.status === undefined ? description : `${description} (while reading the response body)`,
    };
  }

  private settle(result: SendResult): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.req.interruption?.onInterrupt(null);
    this.resolve(result);
  }

  /** Ends the attempt with `result` and drops the request, now or as soon as it is written. */
  private cut(result: SendResult): void {
    this.settle(result);
    this.abortRequest?.(new Error("attempt ended"));
  }

  timeOut(): void {
    this.cut(this.failed(describeError({ name: "TimeoutError" }, this.req.timeoutMs, this.target.host)));
  }

  interrupt(): void {
    this.cut({ durationMs: this.elapsed(), error: "Interrupted: the worker shut down before the response arrived", interrupted: true });
  }

  onConnect(abort: (error: Error) => void): void {
    if (this.settled) abort(new Error("attempt ended"));
    else this.abortRequest = abort;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    // 1xx (100 Continue, 103 Early Hints) come before the real response.
    if (statusCode >= 200) {
      this.status = statusCode;
      this.responseHeaders = headerRecord(rawHeaders);
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    const room = MAX_RESPONSE_BODY_BYTES - this.size;
    if (room <= 0) return true;
    this.chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
    this.size += Math.min(chunk.length, room);
    // Enough read: the rest is dropped with the connection.
    if (this.size >= MAX_RESPONSE_BODY_BYTES) this.cut(this.succeeded());
    return true;
  }

  onComplete(): void {
    this.settle(this.succeeded());
  }

  onError(error: Error): void {
    this.settle(this.failed(describeError(error, this.req.timeoutMs, this.target.host)));
  }
}

function timeOut(attempt: AttemptHandler): void {
  attempt.timeOut();
}
