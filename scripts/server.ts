/**
 * The production server (`npm start` runs it through scripts/start.mjs and scripts/serve.ts, once
 * the database is migrated): Next.js serves the
 * dashboard and the API, with the delivery worker inside (instrumentation.ts), except for the
 * one route that takes the product's traffic, POST /api/v1/events.
 *
 * Why that route skips Next's request pipeline: on these 2-core machines Next spends ~2 ms of
 * CPU routing each request (proxy, route resolution, its Request/Response plumbing) before the
 * handler's ~0.5 ms, which capped ingest near 470 events/s against a target of 1,500. Here the
 * very same code as the route's (lib/api/accept-event.ts inside lib/api/http.ts's sequence: same
 * auth, rate limit, validation, idempotency, problem+json errors and request log) runs on the
 * Node request itself, without building Web Request and Response objects (~0.15 ms more), and
 * the answer gets the headers proxy.ts gives every API response.
 *
 * The handler's modules are loaded here by tsx as well as inside Next's build; the state they
 * share (SQLite connection, worker wake-up, rate-limit buckets, logger) lives on globalThis, so
 * both copies use one of each.
 *
 * Request bodies (SPEC §10: capped before they are read in full, the credential checked
 * first). Next's proxy step (proxy.ts) reads the whole body of every POST before any route
 * handler or server action runs, keeping up to 10 MB of it (proxyClientMaxBodySize), so the
 * checks a route handler or an action makes come too late for a hostile body. This server is the
 * first gate instead, for every other request that carries a body. Sign-up is open, so every
 * client may be hostile, and no body is read past UNCHECKED_BYTES (16 KiB) without a credential:
 * - every request's target must be a path: an absolute URL (`POST http://host/path`) is refused
 *   with 400 at once, as Next routes none (it answers them with a 308), and the gate checks the path
 *   Next will route, dot segments resolved as Next resolves them (routedPath), so no way of
 *   writing the target puts a body under one route's check and in another route's hands;
 * - the credential is checked first, with at most UNCHECKED_BYTES of the body arrived (once,
 *   before the body is held): an API key for /api/v1 (401 problem+json), the token for
 *   /api/inbox and /portal (404), and for every other path (the dashboard's pages, where their
 *   forms post their server actions) the session cookie, as the dashboard checks it;
 * - the body is then held here up to what the credential allows (lib/api/body-limits.ts): its
 *   route's limit with a valid API key, token or session; ANONYMOUS_BODY_BYTES (16 KiB) for
 *   /sign-in and /sign-up, which take no credential, and for a dashboard form without a valid
 *   session (not refused: an expired session's small form post still reaches Next and its
 *   redirect to sign-in). Next gets the request only once the body is complete; a longer body
 *   is refused with 413 at once if it declares its length, else as soon as it passes the limit,
 *   while the client is still sending;
 * - from then until its answer is out, the body counts against its client's
 *   HOOKLINE_MAX_BODY_BYTES_IN_TRANSIT (lib/api/body-budget.ts): the credential's account, or
 *   the address without one, so no client can hold the server's memory with stalled uploads;
 *   past it the request is refused with 429 before any of its body is kept;
 * - after any early answer the rest of the body is dropped as it arrives, up to the body limit
 *   after a credential refusal, MAX_DISCARDED_BYTES after a 413 (a client that stops there
 *   keeps a usable connection); past that, reading stops and the connection is closed
 *   (CappedRequest.cut).
 * The event-ingest route needs no gate: its handler authenticates before it reads the body (a
 * stream read on demand) and reads with the same cap, counted against the account alike; its
 * early answers drop the rest alike.
 */
// First: Next's own server entry sets up the process (AsyncLocalStorage on globalThis, …)
// before anything of Next is loaded, as `next start` does.
import "next/dist/server/node-environment";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import path from "node:path";
import next from "next";
import { RequestCookies } from "next/dist/server/web/spec-extension/cookies";
import { BODIES_IN_TRANSIT_DETAIL, bodyBytesToCount, clientOfAccount, clientOfAddress, reserveBodyBytes } from "../lib/api/body-budget";
import { ANONYMOUS_BODY_BYTES, MAX_BODY_BYTES, requestBodyLimit } from "../lib/api/body-limits";
import { acceptEvent } from "../lib/api/accept-event";
import { SESSION_COOKIE, userForSessionToken } from "../lib/auth/session";
import { portalSession } from "../lib/portal/queries";
import { apiKeyAccount, bodiesInTransitError, bodiesInTransitResponse, PUBLIC_API_PATHS, readJson, serveApiRequest, type ApiRequest, type CappedBody } from "../lib/api/http";
import { prisma } from "../lib/db";
import { env } from "../lib/env";
import { inboxOwner } from "../lib/inbox/queries";
import { INBOX_TOO_LARGE, noInboxResponse } from "../lib/inbox/responses";
import { logger, pathOnly, requestLogger } from "../lib/log";
import { clientAddressOf } from "../lib/security/client-address";
import { securityHeaders, servedOverHttps } from "../lib/security/headers";
import { store } from "../lib/store/connection";
import { acquireSqliteWriter } from "../lib/store/sqlite-writer";
import { createEventSchema } from "../lib/validations/event";

const EVENTS_PATH = "/api/v1/events";
/** The REST API's routes ("/api/v1" itself is its catch-all route's too). */
const API_PATH = /^\/api\/v1(?:\/|$)/;

function isEventIngest(request: http.IncomingMessage): boolean {
  return request.method === "POST" && pathOnly(request.url ?? "") === EVENTS_PATH;
}

function webHeaders(request: http.IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  return headers;
}

/**
 * Once a body is refused as too large, how much more of it is read and dropped: a client that
 * stops sending within this keeps a usable connection and reads its answer; past it the
 * connection is cut. (A body refused for its credential gets only its route's limit: an
 * anonymous client cannot make the server read megabytes.)
 */
const MAX_DISCARDED_BYTES = 8 * 1024 * 1024;

/**
 * How long a connection being cut stays half-open (answer sent, FIN sent, nothing more read)
 * before it is closed: closing at once, with unread data, sends a reset that can destroy the
 * answer before the client has read it.
 */
const LINGER_MS = 2_000;

/**
 * Before its credential is checked, how much of a body may arrive (what the first reads bring):
 * no more than a request without any credential may send at all.
 */
const UNCHECKED_BYTES = ANONYMOUS_BODY_BYTES;

/**
 * A request whose body is counted, and held or dropped, as the HTTP parser hands it over
 * (`push`), before anything reads it.
 * - Without a `bodyLimit` (event ingest, bodiless requests) it is an ordinary request.
 * - With one (the gate sets it), the body is kept here, not passed on: up to UNCHECKED_BYTES
 *   until the gate calls `hold(limit)` (credential checked; the limit may be lowered then, to
 *   what the credential allows), then up to the limit until the body is complete
 *   ("body-complete"); `release()` then passes it all on to its reader (Next). One byte past the
 *   limit and "body-too-large" is emitted instead, synchronously, so the 413 goes out while the
 *   client is still sending.
 * - After `dropRest()` (any early answer), what arrives is dropped as it arrives; once the
 *   answer is out and more than its allowance was dropped, the connection is cut.
 */
class CappedRequest extends http.IncomingMessage {
  bodyLimit = Number.POSITIVE_INFINITY;
  private received = 0;
  private held: Buffer[] = [];
  private holding = false;
  private ended = false;
  private dropping = false;
  private dropped = 0;
  private dropAllowance = MAX_DISCARDED_BYTES;
  private answered = false;
  private cutting = false;

  override push(chunk: unknown, encoding?: BufferEncoding): boolean {
    const gated = Number.isFinite(this.bodyLimit);
    if (chunk === null) {
      this.ended = true;
      if (this.dropping || !gated) return super.push(chunk, encoding);
      this.emit("body-complete");
      return false;
    }
    const bytes = chunk as Buffer;
    if (this.dropping) {
      this.dropped += bytes.length;
      if (this.dropped <= this.dropAllowance) return true; // keep the parser reading, into nothing
      if (this.answered) this.cut();
      return false; // reading stops here
    }
    if (!gated) return super.push(chunk, encoding);
    this.received += bytes.length;
    if (this.received > this.bodyLimit) {
      this.tooLarge(bytes.length);
      return true;
    }
    this.held.push(bytes);
    return this.holding || this.received < UNCHECKED_BYTES;
  }

  private tooLarge(dropped: number): void {
    this.dropRest();
    this.dropped = dropped;
    this.emit("body-too-large");
  }

  /**
   * The credential is checked and allows `limit` (at most the one set first): read the body on,
   * up to it. False when the body is already refused: what arrived while the credential was
   * checked (up to one read past UNCHECKED_BYTES, possibly the whole body) passed the limit
   * ("body-too-large" is emitted now), or did so earlier.
   */
  hold(limit: number): boolean {
    if (this.dropping) return false;
    this.bodyLimit = Math.min(this.bodyLimit, limit);
    if (this.received > this.bodyLimit) {
      this.tooLarge(this.received);
      return false;
    }
    this.holding = true;
    this.socket?.resume(); // the parser stopped reading at UNCHECKED_BYTES
    return true;
  }

  /** Passes the complete body on to whoever reads this request. */
  release(): void {
    for (const bytes of this.held.splice(0)) super.push(bytes);
    if (this.ended) super.push(null);
  }

  /** Keeps none of the rest of the body (the request is answered without it), reading on for at most `allowance` bytes. */
  dropRest(allowance = MAX_DISCARDED_BYTES): void {
    if (this.dropping) return;
    this.dropping = true;
    this.dropAllowance = allowance;
    this.held = [];
    // Reading on discards what is already queued, and stops Node from dumping the rest itself
    // (its dump reads to the end, bypassing push, so it would not stop at MAX_DISCARDED_BYTES).
    this.resume();
    this.socket?.resume();
  }

  /** The early answer is out: from now on a body dropped past its allowance cuts the connection. */
  markAnswered(): void {
    this.answered = true;
    if (this.dropped > this.dropAllowance) this.cut();
  }

  /** Reads nothing more, ends the connection after the answer, and closes it LINGER_MS later. */
  cut(): void {
    const socket = this.socket;
    if (!socket || socket.destroyed || this.cutting) return;
    this.cutting = true;
    // Nothing more is read: the next chunk's push returns false, and the parser stops reading
    // (Node's own back-pressure, which a pause of ours could be undone by a resume Node has
    // already scheduled).
    this.dropAllowance = 0;
    socket.end();
    setTimeout(() => socket.destroy(), LINGER_MS).unref();
  }
}

function apiSecurityHeaders(request: http.IncomingMessage): Record<string, string> {
  const forwardedProto = request.headers["x-forwarded-proto"];
  return securityHeaders({ api: true, nonce: "", https: servedOverHttps(env.HOOKLINE_PUBLIC_URL, typeof forwardedProto === "string" ? forwardedProto : null) });
}

/**
 * Writes an answer. One given before the whole body arrived (401, 404, 413…) keeps the
 * connection, dropping the rest of the body (CappedRequest.dropRest, up to `discard` bytes),
 * unless it says `connection: close` itself.
 */
function writeAnswer(request: CappedRequest, response: http.ServerResponse, status: number, answerHeaders: Record<string, string>, payload: Buffer, discard = MAX_DISCARDED_BYTES): void {
  if (response.headersSent || response.destroyed) return;
  const { connection, ...headers } = answerHeaders;
  const cutNow = connection === "close" && !request.complete;
  if (!request.complete) request.dropRest(discard);
  // A `connection: close` before the body's end is done here (CappedRequest.cut), not by Node,
  // whose immediate close could reset the connection before the client reads the answer.
  response.writeHead(status, { ...apiSecurityHeaders(request), ...headers, ...(connection && !cutNow ? { connection } : {}), "content-length": String(payload.length) });
  response.end(payload);
  request.markAnswered();
  if (cutNow) request.cut();
}

async function sendWebResponse(request: CappedRequest, response: http.ServerResponse, answer: Response, discard?: number): Promise<void> {
  const payload = Buffer.from(await answer.arrayBuffer());
  const headers: Record<string, string> = {};
  answer.headers.forEach((value, name) => (headers[name] = value));
  writeAnswer(request, response, answer.status, headers, payload, discard);
}

/** The 413, written at once (synchronously) from inside the parser's push. */
function refuseTooLarge(request: CappedRequest, response: http.ServerResponse, path: string | null, limit: number): void {
  const inbox = path?.startsWith("/api/inbox/") ?? false;
  const body = inbox
    ? INBOX_TOO_LARGE
    : { type: "about:blank", status: 413, title: "Content Too Large", detail: `The body must be at most ${limit} bytes.` };
  writeAnswer(request, response, 413, { "content-type": inbox ? "application/json" : "application/problem+json" }, Buffer.from(JSON.stringify(body)));
}

/**
 * A request target that is not a path (origin-form): an absolute URL (`POST http://host/path`,
 * absolute-form) or `*`. Next routes none of them (it answers an absolute URL with a 308, and
 * `*` with a 500), so the gate could not know which route, and which credential, a body is
 * for: refused at once, whatever the method, before any of the body is read.
 */
function refuseTarget(request: CappedRequest, response: http.ServerResponse): void {
  const body = { type: "about:blank", status: 400, title: "Bad Request", detail: "The request target must be a path, such as /api/v1/events." };
  writeAnswer(request, response, 400, { "content-type": "application/problem+json" }, Buffer.from(JSON.stringify(body)), ANONYMOUS_BODY_BYTES);
}

/**
 * The path Next routes an origin-form target to, the one the gate must check: Next parses the
 * target as a URL first (parseRelativeUrl: `new URL("http://n" + target)`), which resolves dot
 * segments, "%2e%2e" included, so "/settings/../api/v1/endpoints" is the API route and
 * "/api/v1/%2e%2e/%2e%2e/settings" the settings page. A target whose path holds "//" or a
 * backslash it answers with a 308 to the cleaned path, routing nothing: null (as is one it
 * cannot parse).
 */
function routedPath(target: string): string | null {
  if (/\\|\/\//.test(target.split("?", 1)[0])) return null;
  try {
    return new URL(`http://n${target}`).pathname;
  } catch {
    return null;
  }
}

/** The signed-in user whose session cookie the request carries, checked as the dashboard checks it (lib/auth/current-user.ts), or null. */
async function signedInUser(request: http.IncomingMessage): Promise<string | null> {
  const cookie = request.headers.cookie;
  if (!cookie) return null;
  // Next's own cookie parser, so the token is the one the dashboard's cookies() will read.
  const token = new RequestCookies(new Headers({ cookie })).get(SESSION_COOKIE)?.value;
  return (await userForSessionToken(token))?.id ?? null;
}

/**
 * What a request's credential allows its body, decided with at most UNCHECKED_BYTES of it read:
 * a refusal to answer at once, or the limit to hold the body to (at most `routeLimit`, the
 * route's) and the client it is counted against (lib/api/body-budget.ts: the credential's
 * account, or the address without one). Without a valid credential no body gets more than
 * ANONYMOUS_BODY_BYTES:
 * - /api/v1 and below: an API key (401 problem+json without one), except the public routes;
 * - /api/inbox/<token> and /portal/<token>/…: the token in the path (404 when it is not one);
 * - /sign-in and /sign-up take none (routeLimit is ANONYMOUS_BODY_BYTES already);
 * - every other path (the dashboard's pages, where their forms post their server actions, and
 *   paths no route serves): a signed-in session, or the body is capped instead of refused, so
 *   an expired session's small form post still reaches Next and its redirect to sign-in.
 */
async function bodyAllowance(request: http.IncomingMessage, path: string | null, routeLimit: number): Promise<Response | { limit: number; client: string }> {
  // The address serve() resolved (lib/security/client-address.ts).
  const anonymous = { limit: ANONYMOUS_BODY_BYTES, client: clientOfAddress(String(request.headers["x-forwarded-for"])) };
  const ofAccount = (userId: string) => ({ limit: routeLimit, client: clientOfAccount(userId) });
  if (path === null) return anonymous; // routed nowhere: nothing reads the body
  if (API_PATH.test(path)) {
    if (PUBLIC_API_PATHS.has(path)) return anonymous;
    const account = await apiKeyAccount({ method: request.method ?? "", path, headers: webHeaders(request) });
    return account instanceof Response ? account : ofAccount(account.userId);
  }
  const inbox = /^\/api\/inbox\/([^/]+)$/.exec(path);
  if (inbox) {
    let token: string;
    try {
      token = decodeURIComponent(inbox[1]);
    } catch {
      return anonymous; // proxy.ts answers undecodable API paths with a 400
    }
    const owner = await inboxOwner(token);
    return owner ? ofAccount(owner) : noInboxResponse();
  }
  // A portal's forms (SPEC §12): the link's token in the path is the credential.
  const portal = /^\/portal\/([^/]+)/.exec(path);
  if (portal) {
    const session = await portalSession(portal[1]);
    return session ? ofAccount(session.userId) : new Response("This portal link has expired or was revoked.", { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } });
  }
  if (routeLimit <= ANONYMOUS_BODY_BYTES) return anonymous;
  // A body that declares a length within the anonymous cap needs no session (the parser stops
  // it at that length): most of the dashboard's posts, spared a database read here.
  const declared = request.headers["content-length"];
  if (declared !== undefined && Number(declared) <= ANONYMOUS_BODY_BYTES) return anonymous;
  const userId = await signedInUser(request);
  return userId ? ofAccount(userId) : anonymous;
}

const carriesBody = (request: http.IncomingMessage) => request.headers["transfer-encoding"] !== undefined || Number(request.headers["content-length"] ?? 0) > 0;

/**
 * The gate in front of Next for a request with a body (see the top of this file): resolves to
 * true once the request, body complete and within its limit, may go on to Next.
 */
async function gateBody(request: CappedRequest, response: http.ServerResponse): Promise<boolean> {
  const path = routedPath(request.url ?? "/");
  const routeLimit = path === null ? ANONYMOUS_BODY_BYTES : requestBodyLimit(path);
  // Synchronously, in the 'request' event: the parser has pushed no body chunk yet.
  request.bodyLimit = routeLimit;
  const outcome = new Promise<boolean>((resolve) => {
    request.once("body-complete", () => resolve(true));
    request.once("body-too-large", () => {
      refuseTooLarge(request, response, path, request.bodyLimit);
      resolve(false);
    });
    request.once("close", () => resolve(false));
  });
  const declared = Number(request.headers["content-length"] ?? 0);
  if (declared > routeLimit) {
    refuseTooLarge(request, response, path, routeLimit);
    return false;
  }
  const allowance = await bodyAllowance(request, path, routeLimit);
  if (allowance instanceof Response) {
    await sendWebResponse(request, response, allowance, routeLimit);
    return false;
  }
  const { limit, client } = allowance;
  if (declared > limit) {
    refuseTooLarge(request, response, path, limit);
    return false;
  }
  // Counted from now until the answer is out (Next has read the body by then).
  const release = reserveBodyBytes(client, bodyBytesToCount(request.headers["content-length"], limit));
  if (!release) {
    const refusal =
      path !== null && API_PATH.test(path)
        ? bodiesInTransitResponse({ method: request.method ?? "", path, headers: webHeaders(request) })
        : new Response(BODIES_IN_TRANSIT_DETAIL, { status: 429, headers: { "content-type": "text/plain; charset=utf-8", "retry-after": "1" } });
    await sendWebResponse(request, response, refusal, ANONYMOUS_BODY_BYTES);
    return false;
  }
  response.once("close", release);
  if (!request.hold(limit)) return false;
  if (!(await outcome)) return false;
  request.release();
  return true;
}

/**
 * The event-ingest request as the API plumbing reads it (lib/api/http.ts). Its body is read only
 * when the handler asks (after the key is checked), and once past the limit nothing more is
 * kept: writeAnswer drops the rest (CappedRequest.dropRest).
 *
 * A class, and anonymous listeners: tsx (which loads this file) names every named closure as it
 * is created (esbuild's keepNames), a cost paid per request on this path.
 */
class IngestRequest implements ApiRequest {
  readonly method = "POST";
  readonly path = EVENTS_PATH;

  constructor(private readonly request: CappedRequest) {}

  header(name: string): string | null {
    const value = this.request.headers[name];
    return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
  }

  readBody(limit: number): Promise<CappedBody> {
    const { request } = this;
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      // Settling twice is a no-op: only the first of these answers.
      request.on("data", (chunk: Buffer) => {
        if (size > limit) return;
        size += chunk.length;
        if (size > limit) resolve({ tooLarge: true, closeConnection: false });
        else chunks.push(chunk);
      });
      request.on("end", () => resolve({ bytes: Buffer.concat(chunks, size), tooLarge: false }));
      request.on("error", reject);
      // The client went away before the body's end. After the end ("end" has answered), no
      // Error is built: its stack trace cost ~5 % of accepting an event.
      request.on("close", () => {
        if (!request.complete) reject(new Error("the request was aborted before its body ended"));
      });
    });
  }
}

async function serveEventIngest(request: CappedRequest, response: http.ServerResponse): Promise<void> {
  const ingest = new IngestRequest(request);
  let release = () => {};
  try {
    // As app/api/v1/events/route.ts's POST does it, with the body counted against the account
    // while it is read and used (lib/api/body-budget.ts).
    const answer = await serveApiRequest(ingest, async (userId) => {
      const reserved = reserveBodyBytes(clientOfAccount(userId), bodyBytesToCount(request.headers["content-length"], MAX_BODY_BYTES));
      if (!reserved) throw bodiesInTransitError();
      release = reserved;
      return acceptEvent(userId, await readJson(ingest, createEventSchema), ingest.header("idempotency-key"));
    });
    // A 401 (or a 429 above) is answered without reading the body: the rest is dropped up to the body limit only.
    writeAnswer(request, response, answer.status, answer.headers, Buffer.from(JSON.stringify(answer.body)), answer.status === 401 || answer.status === 429 ? MAX_BODY_BYTES : undefined);
  } finally {
    release();
  }
}

/** An error outside any route handler (they turn every error into a problem response): a bug. */
function failed(error: unknown, response: http.ServerResponse): void {
  logger.error({ err: error }, "request failed outside its route handler");
  if (!response.headersSent) response.writeHead(500, { "content-type": "application/problem+json" });
  response.end(JSON.stringify({ type: "about:blank", status: 500, title: "Internal Server Error", detail: "Something went wrong on our side." }));
}

/**
 * Loads every page's and route's compiled module now, before the server says it is running.
 * Next does the same in the background after start (experimental.preloadEntriesOnStart): a second
 * or more of CPU on a small machine, with the first requests queued behind it (p99 ~0.7 s in the
 * first 10 s after start). The modules land in the require cache Next's loader uses, so its own
 * preload then finds them loaded.
 */
function preloadRoutes(): void {
  const serverDir = path.join(process.cwd(), ".next", "server");
  const manifest = JSON.parse(readFileSync(path.join(serverDir, "app-paths-manifest.json"), "utf8")) as Record<string, string>;
  const load = createRequire(path.join(serverDir, "preload.js"));
  for (const file of new Set(Object.values(manifest))) load(path.join(serverDir, file));
}

const WARM_UP_REQUESTS = 300;

/**
 * Runs the event-ingest path before the server takes traffic, so its code is compiled and warm
 * (lib/worker/warm-up.ts says why; the worker warms its own path): WARM_UP_REQUESTS requests
 * with a key that matches no account through the real request listener, on a listener of its
 * own on loopback, closed after; then the validation of as many event bodies. The refusals are
 * not logged: no client's request is among them, the server's port is not open yet.
 */
async function warmUpIngest(serve: http.RequestListener): Promise<void> {
  const listener = http.createServer({ IncomingMessage: CappedRequest }, serve);
  await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
  const { port } = listener.address() as AddressInfo;
  const agent = new http.Agent({ keepAlive: true });
  const key = `hl_${randomBytes(32).toString("base64url")}`;
  const body = JSON.stringify({ type: "hookline.warm_up", data: { warm: "up", at: Date.now() } });
  const post = () =>
    new Promise<void>((resolve, reject) => {
      const request = http.request(
        { port, host: "127.0.0.1", method: "POST", path: EVENTS_PATH, agent, headers: { authorization: `Bearer ${key}`, "content-type": "application/json" } },
        (response) => response.resume().on("end", resolve),
      );
      request.on("error", reject).end(body);
    });
  const parsed: ApiRequest = {
    method: "POST",
    path: EVENTS_PATH,
    header: (name) => (name === "content-type" ? "application/json" : null),
    readBody: async () => ({ bytes: Buffer.from(body), tooLarge: false }),
  };
  const level = requestLogger.level;
  requestLogger.level = "silent";
  try {
    let left = WARM_UP_REQUESTS;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (left-- > 0) await post();
      }),
    );
    for (let round = 0; round < WARM_UP_REQUESTS; round++) await readJson(parsed, createEventSchema);
  } finally {
    requestLogger.level = level;
    agent.destroy();
    listener.closeAllConnections();
    await new Promise((resolve) => listener.close(resolve));
  }
}

async function main() {
  const port = env.PORT;
  const app = next({ dev: false, dir: process.cwd(), port });
  await app.prepare();
  preloadRoutes();
  // Prisma compiles its query engine (WebAssembly, ~0.1 s of CPU) at its first query: here,
  // rather than inside the first user's request.
  await prisma.apiKey.findFirst({ where: { id: "" }, select: { id: true } });
  // On SQLite, event ingest commits on the writer thread it shares with the worker's turns
  // (lib/store/sqlite-writer.ts), ready before the server says it is running.
  const database = store();
  if (database.engine === "sqlite") await acquireSqliteWriter(database, (message, error) => logger.warn({ err: error }, message))?.ready;
  const handle = app.getRequestHandler();

  const serve: http.RequestListener = (request, response) => {
    const capped = request as CappedRequest;
    if (!request.url?.startsWith("/")) {
      refuseTarget(capped, response);
      return;
    }
    if (isEventIngest(request)) {
      serveEventIngest(capped, response).catch((error) => failed(error, response));
      return;
    }
    // The client's address as every per-address limit reads it (the gate's below, the sign-up and
    // sign-in throttles in Next): what the request brought in X-Forwarded-For is replaced, so only
    // what a trusted proxy wrote gets through (Next sets the header only when it is absent).
    request.headers["x-forwarded-for"] = clientAddressOf(request.socket.remoteAddress, request.headers["x-forwarded-for"], env.HOOKLINE_TRUSTED_PROXIES);
    if (!carriesBody(request)) {
      void handle(request, response);
      return;
    }
    gateBody(capped, response).then(
      (goOn) => (goOn ? handle(request, response) : undefined),
      (error) => failed(error, response),
    );
  };
  await warmUpIngest(serve);
  const server = http.createServer({ IncomingMessage: CappedRequest }, serve);
  server.listen(port, () => {
    console.log(`\nHookline is running: open ${env.HOOKLINE_PUBLIC_URL ?? `http://localhost:${port}`}\n`);
  });
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
