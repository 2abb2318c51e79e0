/**
 * The production server (`npm start` runs it through scripts/start.mjs): Next.js serves the
 * dashboard and the API, with the delivery worker inside (instrumentation.ts), except for the
 * one route that takes the product's traffic, POST /api/v1/events.
 *
 * Why that route skips Next's request pipeline: on these 2-core machines Next spends ~2 ms of
 * CPU routing each request (proxy, route resolution, its Request/Response plumbing) before the
 * handler's ~0.5 ms, which capped ingest near 470 events/s against a target of 1,500. Here the
 * very same route handler (app/api/v1/events/route.ts: same auth, rate limit, validation,
 * idempotency, problem+json errors and request log) is called directly, and the response gets
 * the headers proxy.ts gives every API response. Nothing else is special-cased.
 *
 * The handler's modules are loaded here by tsx as well as inside Next's build; the state they
 * share (SQLite connection, worker wake-up, rate-limit buckets, logger) lives on globalThis, so
 * both copies use one of each.
 */
// First: Next's own server entry sets up the process (AsyncLocalStorage on globalThis, …)
// before anything of Next is loaded, as `next start` does.
import "next/dist/server/node-environment";
import http from "node:http";
import next from "next";
import { NextRequest } from "next/server";
import { MAX_BODY_BYTES } from "../lib/api/http";
import { env } from "../lib/env";
import { logger } from "../lib/log";
import { securityHeaders, servedOverHttps } from "../lib/security/headers";
import { POST as createEvent } from "../app/api/v1/events/route";

const EVENTS_PATH = "/api/v1/events";

function isEventIngest(request: http.IncomingMessage): boolean {
  if (request.method !== "POST" || !request.url) return false;
  const queryAt = request.url.indexOf("?");
  return (queryAt === -1 ? request.url : request.url.slice(0, queryAt)) === EVENTS_PATH;
}

function webHeaders(request: http.IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  return headers;
}

/** The body, cut just past the API's limit: the handler answers 413 for anything longer. */
async function bodyOf(request: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    if (size > MAX_BODY_BYTES) continue; // read on, so the connection stays usable
    chunks.push(chunk);
    size += chunk.length;
  }
  return Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES + 1);
}

async function serveEventIngest(request: http.IncomingMessage, response: http.ServerResponse, origin: string): Promise<void> {
  const nextRequest = new NextRequest(new URL(request.url!, origin), { method: "POST", headers: webHeaders(request), body: new Uint8Array(await bodyOf(request)) });
  const answer = await createEvent(nextRequest, { params: Promise.resolve({}) });
  const forwardedProto = request.headers["x-forwarded-proto"];
  const headers = securityHeaders({ api: true, nonce: "", https: servedOverHttps(env.HOOKLINE_PUBLIC_URL, typeof forwardedProto === "string" ? forwardedProto : null) });
  answer.headers.forEach((value, name) => (headers[name] = value));
  const payload = Buffer.from(await answer.arrayBuffer());
  response.writeHead(answer.status, { ...headers, "content-length": String(payload.length) });
  response.end(payload);
}

async function main() {
  const port = env.PORT;
  const app = next({ dev: false, dir: process.cwd(), port });
  await app.prepare();
  const handle = app.getRequestHandler();
  const origin = `http://127.0.0.1:${port}`;

  const server = http.createServer((request, response) => {
    if (!isEventIngest(request)) {
      void handle(request, response);
      return;
    }
    serveEventIngest(request, response, origin).catch((error) => {
      // The handler turns every error into a problem response; reaching here is a bug.
      logger.error({ err: error }, "event ingest failed outside its route handler");
      if (!response.headersSent) response.writeHead(500, { "content-type": "application/problem+json" });
      response.end(JSON.stringify({ type: "about:blank", status: 500, title: "Internal Server Error", detail: "Something went wrong on our side." }));
    });
  });
  server.listen(port, () => {
    console.log(`\nHookline is running: open ${env.HOOKLINE_PUBLIC_URL ?? `http://localhost:${port}`}\n`);
  });
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
