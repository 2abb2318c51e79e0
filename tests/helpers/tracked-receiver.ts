/**
 * A webhook receiver like receiver.ts (same scripts, same recorded requests) that also measures
 * concurrency and can listen on a chosen address and port:
 * - it counts requests open at once (from arrival until the response is sent or the connection
 *   is cut, e.g. by the worker's attempt timeout), overall and per `webhook-id`, so tests can
 *   check the worker's per-endpoint cap and that one delivery is never in flight twice;
 * - `host`/`port` let two receivers share a port on different loopback addresses (127.0.0.1 and
 *   127.0.0.2), which DNS-rebinding tests need: one URL, two possible destinations;
 * - `closeConnections()` drops every connection (idle keep-alive ones included) but keeps
 *   listening, so the next request needs a new connection.
 * Kept apart from receiver.ts, which other tests share and which is being edited concurrently.
 */
import http from "node:http";
import { afterEach } from "vitest";
import type { AddressInfo } from "node:net";
import type { RecordedRequest, Reply, Script } from "./receiver";

export interface TrackedReceiverOptions {
  /** Address to listen on (default 127.0.0.1); any 127.x.y.z works on Linux. */
  host?: string;
  /** Port to listen on (default 0: any free port). */
  port?: number;
}

export interface TrackedReceiver {
  /** `http://<host>:<port>/` */
  url: string;
  host: string;
  port: number;
  /** Every request received so far, in arrival order. */
  requests: RecordedRequest[];
  setScript(script: Script): void;
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

export async function startTrackedReceiver(script: Script = [{ status: 200 }], options: TrackedReceiverOptions = {}): Promise<TrackedReceiver> {
  const host = options.host ?? "127.0.0.1";
  let current = script;
  const requests: RecordedRequest[] = [];
  const pending = new Set<http.ServerResponse>();
  const timers = new Set<NodeJS.Timeout>();
  let open = 0;
  let maxOpen = 0;
  const openById = new Map<string, number>();
  let maxOpenSameId = 0;

  const server = http.createServer((req, res) => {
    const webhookId = String(req.headers["webhook-id"] ?? "");
    open++;
    maxOpen = Math.max(maxOpen, open);
    const sameId = (openById.get(webhookId) ?? 0) + 1;
    openById.set(webhookId, sameId);
    maxOpenSameId = Math.max(maxOpenSameId, sameId);
    pending.add(res);
    // 'close' fires once the response is sent or the connection is gone, whichever comes first.
    res.once("close", () => {
      pending.delete(res);
      open--;
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
      if (reply === "hang") return;
      const { status, headers, body, delayMs } = reply;
      const answer = () => {
        if (res.destroyed || res.writableEnded) return;
        res.writeHead(status, headers ?? {});
        res.end(body ?? "");
      };
      if (!delayMs) return answer();
      const timer = setTimeout(() => {
        timers.delete(timer);
        answer();
      }, delayMs);
      timers.add(timer);
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
    openNow: () => open,
    maxOpen: () => maxOpen,
    maxOpenSameWebhookId: () => maxOpenSameId,
    closeConnections() {
      for (const res of pending) res.destroy();
      server.closeAllConnections();
    },
    connectionCount: () => new Promise<number>((resolve, reject) => server.getConnections((error, count) => (error ? reject(error) : resolve(count)))),
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const res of pending) res.destroy();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

/** Registers an afterEach in the calling test file that closes the receivers it started. */
export function setUpTrackedReceivers(): (script?: Script, options?: TrackedReceiverOptions) => Promise<TrackedReceiver> {
  let started: TrackedReceiver[] = [];
  afterEach(async () => {
    const closing = started;
    started = [];
    await Promise.all(closing.map((receiver) => receiver.close()));
  });
  return async (script, options) => {
    const receiver = await startTrackedReceiver(script, options);
    started.push(receiver);
    return receiver;
  };
}
