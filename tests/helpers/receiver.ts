/**
 * Real HTTP webhook receivers for integration tests: a node:http server on 127.0.0.1 (port 0)
 * whose answers are scripted per request, and which records every request it gets (method,
 * path, headers, raw body). A scripted answer of "hang" reads the request and never answers,
 * to exercise the worker's attempt timeout; close() destroys such connections. An answer with
 * `delayMs` is sent that long after the request was read (a receiver doing some work).
 *
 * It also measures concurrency: requests open at once (from arrival until the response is sent
 * or the connection is cut, e.g. by the worker's attempt timeout), overall and per `webhook-id`,
 * so tests can check the worker's per-endpoint cap and that one delivery is never in flight
 * twice. `host`/`port` let two receivers share a port on different loopback addresses
 * (127.0.0.1 and 127.0.0.2), which DNS-rebinding tests need: one URL, two destinations.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach } from "vitest";

/** What the receiver does with one request. */
export type Reply = { status: number; headers?: Record<string, string>; body?: string; delayMs?: number } | "hang";

/** A fixed list (request n gets entry n; the last entry repeats) or a function of the request. */
export type Script = Reply[] | ((request: RecordedRequest, index: number) => Reply);

export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. `/hooks?x=1`. */
  path: string;
  /** Lower-cased names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** The body exactly as received (what a signature must be verified against). */
  rawBody: string;
  receivedAt: number;
}

export interface ReceiverOptions {
  /** Address to listen on (default 127.0.0.1); any 127.x.y.z works on Linux. */
  host?: string;
  /** Port to listen on (default 0: any free port). */
  port?: number;
}

export interface Receiver {
  /** `http://<host>:<port>/` */
  url: string;
  host: string;
  port: number;
  /** Every request received so far, in arrival order. */
  requests: RecordedRequest[];
  /** Replace the script; indexes keep counting from the requests already received. */
  setScript(script: Script): void;
  /** Answers every request that is hanging now. */
  answerHanging(reply: Exclude<Reply, "hang">): void;
  /** Requests open right now. */
  openNow(): number;
  /** The most requests open at once so far. */
  maxOpen(): number;
  /** The most requests carrying the same `webhook-id` open at once so far. */
  maxOpenSameWebhookId(): number;
  /** Closes every connection, idle ones included, and keeps listening. */
  closeConnections(): void;
  /** How many connections the server holds now (open or idle). */
  connectionCount(): Promise<number>;
  close(): Promise<void>;
}

function replyFor(script: Script, request: RecordedRequest, index: number): Reply {
  if (typeof script === "function") return script(request, index);
  if (script.length === 0) return { status: 200 };
  return script[Math.min(index, script.length - 1)];
}

function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}

export async function startReceiver(script: Script = [{ status: 200 }], options: ReceiverOptions = {}): Promise<Receiver> {
  const host = options.host ?? "127.0.0.1";
  let current = script;
  const requests: RecordedRequest[] = [];
  const hanging = new Set<http.ServerResponse>();
  const delayed = new Set<NodeJS.Timeout>();
  const openResponses = new Set<http.ServerResponse>();
  let maxOpen = 0;
  const openById = new Map<string, number>();
  let maxOpenSameId = 0;

  const server = http.createServer((req, res) => {
    const webhookId = String(req.headers["webhook-id"] ?? "");
    openResponses.add(res);
    maxOpen = Math.max(maxOpen, openResponses.size);
    const sameId = (openById.get(webhookId) ?? 0) + 1;
    openById.set(webhookId, sameId);
    maxOpenSameId = Math.max(maxOpenSameId, sameId);
    // 'close' fires once the response is sent or the connection is gone, whichever comes first.
    res.once("close", () => {
      openResponses.delete(res);
      const left = (openById.get(webhookId) ?? 1) - 1;
      if (left > 0) openById.set(webhookId, left);
      else openById.delete(webhookId);
    });

    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const recorded: RecordedRequest = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: flattenHeaders(req.headers),
        rawBody: Buffer.concat(chunks).toString("utf8"),
        receivedAt: Date.now(),
      };
      const index = requests.length;
      requests.push(recorded);
      let reply: Reply;
      try {
        reply = replyFor(current, recorded, index);
      } catch (error) {
        reply = { status: 599, body: `receiver script threw: ${(error as Error).message}` };
      }
      if (reply === "hang") {
        hanging.add(res);
        res.on("close", () => hanging.delete(res));
        return;
      }
      const { status, headers, body, delayMs } = reply;
      const answer = () => {
        // The client may have gone away meanwhile (e.g. a worker killed mid-attempt).
        if (res.destroyed || res.writableEnded) return;
        res.writeHead(status, headers ?? {});
        res.end(body ?? "");
      };
      if (!delayMs) return answer();
      const timer = setTimeout(() => {
        delayed.delete(timer);
        answer();
      }, delayMs);
      delayed.add(timer);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${host}:${port}/`,
    host,
    port,
    requests,
    setScript(script) {
      current = script;
    },
    answerHanging(reply) {
      for (const res of hanging) res.writeHead(reply.status, reply.headers ?? {}).end(reply.body ?? "");
      hanging.clear();
    },
    openNow: () => openResponses.size,
    maxOpen: () => maxOpen,
    maxOpenSameWebhookId: () => maxOpenSameId,
    closeConnections() {
      for (const res of openResponses) res.destroy();
      server.closeAllConnections();
    },
    connectionCount: () => new Promise<number>((resolve, reject) => server.getConnections((error, count) => (error ? reject(error) : resolve(count)))),
    async close() {
      for (const timer of delayed) clearTimeout(timer);
      delayed.clear();
      for (const res of openResponses) res.destroy();
      hanging.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive sockets from the worker's undici Agent would otherwise hold close() open.
      server.closeAllConnections();
      await closed;
    },
  };
}

/**
 * Registers an afterEach (or, with `"all"`, an afterAll: for files that share receivers across
 * tests) in the calling test file that closes the receivers it started.
 */
export function setUpReceivers(closeAfter: "each" | "all" = "each"): (script?: Script, options?: ReceiverOptions) => Promise<Receiver> {
  let started: Receiver[] = [];
  (closeAfter === "each" ? afterEach : afterAll)(async () => {
    const closing = started;
    started = [];
    await Promise.all(closing.map((receiver) => receiver.close()));
  });
  return async (script, options) => {
    const receiver = await startReceiver(script, options);
    started.push(receiver);
    return receiver;
  };
}

/** Polls `check` until it returns a truthy value (which it resolves to) or the time is up. */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  { timeoutMs = 10_000, intervalMs = 20, what = "condition" }: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      last = await check();
      if (last) return last as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; last value: ${describe(last)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

function describe(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
