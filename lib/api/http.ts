/**
 * The REST API's request/response plumbing: Bearer-key authentication, a per-account rate limit,
 * body checks (content type, size, JSON, schema) and RFC 9457 problem+json errors. Route
 * handlers stay thin: parse → lib → respond.
 *
 * Contract: user input never produces a 500; anything unexpected becomes a generic 500
 * problem with the details in the server log only. Every API request is logged once, as one
 * JSON line (method, path without query, status, duration, request id, account id: never
 * headers, bodies or keys), and answered with its `x-request-id`.
 */
import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";
import { authenticateApiKey, type ApiKeyIdentity } from "../auth/api-keys";
import { ConsumerGoneError } from "../consumers/queries";
import { env } from "../env";
import { logger, requestIdFrom, requestLogger } from "../log";
import { QuotaExceededError } from "../quotas";
import { takeApiRateToken } from "../store/api-rate-limit";
import { store } from "../store/connection";
import { BODIES_IN_TRANSIT_DETAIL } from "./body-budget";
import { MAX_BODY_BYTES, MAX_JSON_DEPTH } from "./body-limits";

export type FieldErrors = Record<string, string[]>;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly extra: { errors?: FieldErrors; headers?: Record<string, string> } = {},
  ) {
    super(detail);
  }
}

export const notFound = (what: string) => new ApiError(404, "Not Found", `No ${what} with this id.`);

/**
 * An API request as the plumbing reads it, whichever server took it: Next's (fromNextRequest),
 * or scripts/server.ts's own for event ingest, which skips Next's Request and Response objects
 * (building them costs more than the rest of that request).
 */
export interface ApiRequest {
  method: string;
  /** Without the query string. */
  path: string;
  /** A header's value (names in lower case), or null. */
  header(name: string): string | null;
  /** Reads the body, keeping at most `limit` bytes (readBodyUpTo's contract). */
  readBody(limit: number): Promise<CappedBody>;
}

/** An answer before it is a Response: status, headers (content type included) and a JSON body. */
export interface ApiAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

function fromNextRequest(request: NextRequest): ApiRequest {
  return {
    method: request.method,
    path: request.nextUrl.pathname,
    header: (name) => request.headers.get(name),
    readBody: (limit) => readBodyUpTo(request, limit),
  };
}

export const toNextResponse = (answer: ApiAnswer) => NextResponse.json(answer.body, { status: answer.status, headers: answer.headers });

const JSON_HEADERS = { "content-type": "application/json", "cache-control": "no-store" };

export const jsonAnswer = (body: unknown, status = 200, headers: Record<string, string> = {}): ApiAnswer => ({ status, headers: { ...JSON_HEADERS, ...headers }, body });

/** A 200 whose JSON is already text (built without parsing stored JSON, e.g. eventListJson). */
export const jsonText = (text: string) => new NextResponse(text, { status: 200, headers: JSON_HEADERS });

function problemAnswer(status: number, title: string, detail: string, extra: { errors?: FieldErrors; headers?: Record<string, string> } = {}): ApiAnswer {
  return {
    status,
    headers: { "content-type": "application/problem+json", ...extra.headers },
    body: { type: "about:blank", status, title, detail, ...(extra.errors ? { errors: extra.errors } : {}) },
  };
}

export const problem = (...args: Parameters<typeof problemAnswer>) => toNextResponse(problemAnswer(...args));

/** Zod issues as `{ "field.path": ["message", …] }`. */
export function fieldErrors(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "body";
    (errors[key] ??= []).push(issue.message);
  }
  return errors;
}

export function validationError(error: z.ZodError): ApiError {
  return new ApiError(422, "Unprocessable Content", "The request has invalid fields; see `errors`.", { errors: fieldErrors(error) });
}

/** Parses a value with `schema`, throwing a 422 problem with per-field errors. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw validationError(parsed.error);
  return parsed.data;
}

/** The JSON body, checked for type and size, then validated. */
export async function readJson<S extends z.ZodType>(request: NextRequest | ApiRequest, schema: S): Promise<z.infer<S>> {
  const source = request instanceof Request ? fromNextRequest(request) : request;
  const type = source.header("content-type") ?? "";
  if (!/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type)) {
    throw new ApiError(415, "Unsupported Media Type", "Send the body as JSON with `content-type: application/json`.");
  }
  const declared = Number(source.header("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const text = await readBodyText(source);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiError(400, "Bad Request", "The body is not valid JSON.");
  }
  const deep = nestedTooDeep(body);
  if (deep !== null) {
    throw new ApiError(422, "Unprocessable Content", "The request has invalid fields; see `errors`.", {
      errors: { [deep]: [`JSON must not be nested more than ${MAX_JSON_DEPTH} levels deep`] },
    });
  }
  return parseWith(schema, body);
}

/** The top-level field (or "body") holding JSON nested deeper than MAX_JSON_DEPTH, or null. Iterative: any depth is safe. */
function nestedTooDeep(body: unknown): string | null {
  const stack: Array<{ value: unknown; depth: number; field: string }> = [{ value: body, depth: 1, field: "body" }];
  while (stack.length) {
    const { value, depth, field } = stack.pop()!;
    if (value === null || typeof value !== "object") continue;
    if (depth > MAX_JSON_DEPTH) return field;
    const topLevel = depth === 1 && !Array.isArray(value);
    for (const [key, child] of Object.entries(value)) stack.push({ value: child, depth: depth + 1, field: topLevel ? key : field });
  }
  return null;
}

const tooLarge = (headers?: Record<string, string>) =>
  new ApiError(413, "Content Too Large", `The body must be at most ${MAX_BODY_BYTES} bytes (event data at most 256 KiB).`, headers ? { headers } : {});

/**
 * How much of a body is read (and dropped) past its limit. Read to its end, the body leaves the
 * connection usable and the client receives its 413; cut off mid-way, the connection must close
 * (the caller's answer says `connection: close`), and a client still sending may see a reset
 * instead.
 */
const MAX_DISCARDED_BYTES = 8 * 1024 * 1024;

export type CappedBody = { bytes: Buffer; tooLarge: false } | { tooLarge: true; closeConnection: boolean };

/**
 * Reads a body (chunked or not) holding at most `limit` bytes in memory: once it passes the
 * limit nothing more is kept, what follows is read and dropped up to MAX_DISCARDED_BYTES, and
 * then the stream is cancelled.
 */
export async function readBodyUpTo(request: Request, limit: number): Promise<CappedBody> {
  if (!request.body) return { bytes: Buffer.alloc(0), tooLarge: false };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      while (size <= MAX_DISCARDED_BYTES) {
        const rest = await reader.read();
        if (rest.done) return { tooLarge: true, closeConnection: false };
        size += rest.value.byteLength;
      }
      await reader.cancel();
      return { tooLarge: true, closeConnection: true };
    }
    chunks.push(value);
  }
  return { bytes: Buffer.concat(chunks), tooLarge: false };
}

/** Reads the body, keeping nothing once it passes MAX_BODY_BYTES (a missing content-length too). */
async function readBodyText(request: ApiRequest): Promise<string> {
  const body = await request.readBody(MAX_BODY_BYTES);
  if (body.tooLarge) throw tooLarge(body.closeConnection ? { connection: "close" } : undefined);
  return body.bytes.toString("utf8");
}

/** Query parameters as a plain object (first value wins), empty values dropped. */
export function queryOf(request: NextRequest): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [key, value] of request.nextUrl.searchParams) if (value !== "" && !(key in query)) query[key] = value;
  return query;
}

/**
 * HOOKLINE_API_RATE_LIMIT requests per second per account: more keys do not buy more rate, nor
 * more web servers (on PostgreSQL the bucket is shared through the database).
 */
async function checkRateLimit(accountId: string): Promise<void> {
  const decision = await takeApiRateToken(store(), accountId, env.HOOKLINE_API_RATE_LIMIT);
  if (!decision.allowed) {
    throw new ApiError(429, "Too Many Requests", decision.detail, { headers: { "retry-after": String(decision.retryAfterSeconds) } });
  }
}

async function authenticateAuthorization(authorization: string | null): Promise<ApiKeyIdentity> {
  const header = authorization ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  const identity = match ? await authenticateApiKey(match[1]) : null;
  if (!identity) {
    throw new ApiError(401, "Unauthorized", "Send a valid API key as `Authorization: Bearer hl_…` (create one in Settings).", {
      headers: { "www-authenticate": 'Bearer realm="hookline"' },
    });
  }
  return identity;
}

export interface ApiContext<P> {
  request: NextRequest;
  userId: string;
  params: P;
}

function errorAnswer(error: unknown, requestId: string): ApiAnswer {
  if (error instanceof ApiError) return problemAnswer(error.status, error.title, error.detail, error.extra);
  if (error instanceof QuotaExceededError) return problemAnswer(403, "Quota Exceeded", error.message);
  // The consumer named in the body was deleted while the request ran: now an unknown uid.
  if (error instanceof ConsumerGoneError) {
    return problemAnswer(422, "Unprocessable Content", "The request has invalid fields; see `errors`.", { errors: { consumer: ["No consumer with this uid in this account (deleted meanwhile)"] } });
  }
  logger.error({ reqId: requestId, err: error }, "unexpected error in an API request");
  return problemAnswer(500, "Internal Server Error", `Something went wrong on our side; it has been logged (request id ${requestId}).`);
}

const toResponse = (error: unknown, requestId: string) => toNextResponse(errorAnswer(error, requestId));

/** How `serveApi` treats the answers of one kind (Next's Responses, or plain ApiAnswers). */
interface AnswerKind<R> {
  fromError(error: unknown, requestId: string): R;
  /** Adds the request id header; returns the status, for the log. */
  finish(answer: R, requestId: string): number;
}

const responses: AnswerKind<Response> = {
  fromError: toResponse,
  finish(response, requestId) {
    response.headers.set("x-request-id", requestId);
    return response.status;
  },
};

const plainAnswers: AnswerKind<ApiAnswer> = {
  fromError: errorAnswer,
  finish(answer, requestId) {
    answer.headers["x-request-id"] = requestId;
    return answer.status;
  },
};

/**
 * Every API request's one sequence: the key, the account's rate limit, the handler, anything
 * thrown turned into a problem answer, the request id, and the log line.
 */
async function serveApi<R>(request: Pick<ApiRequest, "method" | "path" | "header">, kind: AnswerKind<R>, handler: (userId: string) => Promise<R>): Promise<R> {
  const startedAt = performance.now();
  const requestId = requestIdFrom(request.header("x-request-id"));
  let accountId: string | undefined;
  let answer: R;
  try {
    const identity = await authenticateAuthorization(request.header("authorization"));
    accountId = identity.userId;
    await checkRateLimit(identity.userId);
    answer = await handler(identity.userId);
  } catch (error) {
    answer = kind.fromError(error, requestId);
  }
  logApiRequest(request, requestId, kind.finish(answer, requestId), Math.round((performance.now() - startedAt) * 10) / 10, accountId);
  return answer;
}

/** The one line every API request writes: ids, method, path, status and duration only (lib/log.ts says why). */
function logApiRequest(request: { method: string; path: string }, requestId: string, status: number, durationMs: number, accountId?: string): void {
  requestLogger.info({ reqId: requestId, method: request.method, path: request.path, status, durationMs, accountId }, "api request");
}

/** Wraps an authenticated API route handler. */
export function apiRoute<P = Record<string, never>>(handler: (context: ApiContext<P>) => Promise<Response>) {
  return (request: NextRequest, context: { params: Promise<P> }): Promise<Response> =>
    serveApi({ method: request.method, path: request.nextUrl.pathname, header: (name) => request.headers.get(name) }, responses, async (userId) => {
      const params = await context.params;
      // No id contains U+0000, and PostgreSQL text cannot hold one (a lookup would fail, not miss).
      if (Object.values(params ?? {}).some((value) => typeof value === "string" && value.includes("\u0000"))) throw notFound("resource");
      return handler({ request, userId, params });
    });
}

/** An authenticated API request answered without Next's Request and Response (scripts/server.ts). */
export const serveApiRequest = (request: ApiRequest, handler: (userId: string) => Promise<ApiAnswer>) => serveApi(request, plainAnswers, handler);

export const json = (body: unknown, status = 200) => toNextResponse(jsonAnswer(body, status));
export const noContent = () => new NextResponse(null, { status: 204 });

/** The gate's request, as the API plumbing logs it (scripts/server.ts answers some before Next sees them). */
type GatedApiRequest = { method: string; path: string; headers: Headers };

/** An API request the gate refuses itself: `error`'s answer, with its request id, logged like every API request. */
function refusedApiResponse(request: GatedApiRequest, error: unknown): Response {
  const requestId = requestIdFrom(request.headers.get("x-request-id"));
  const response = responses.fromError(error, requestId);
  logApiRequest(request, requestId, responses.finish(response, requestId), 0);
  return response;
}

/**
 * For scripts/server.ts, which asks before Next reads a body (Next's proxy step reads a POST's
 * whole body before any route handler runs): the account of a valid API key, or the 401 problem
 * for a request without one (the route then authenticates again, and applies the rate limit).
 */
export async function apiKeyAccount(request: GatedApiRequest): Promise<{ userId: string } | Response> {
  try {
    return { userId: (await authenticateAuthorization(request.headers.get("authorization"))).userId };
  } catch (error) {
    return refusedApiResponse(request, error);
  }
}

/** The 429 for a client with too many bodies in transit (lib/api/body-budget.ts). */
export const bodiesInTransitError = () => new ApiError(429, "Too Many Requests", BODIES_IN_TRANSIT_DETAIL, { headers: { "retry-after": "1" } });

/** bodiesInTransitError as the gate's answer to an API request (scripts/server.ts). */
export const bodiesInTransitResponse = (request: GatedApiRequest) => refusedApiResponse(request, bodiesInTransitError());

export type RouteMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
// `unknown` params: these handlers serve routes with any (or no) dynamic segments.
type RouteHandler = ReturnType<typeof apiRoute<unknown>>;

/** The `Allow` header of a route implementing `methods` (Next adds HEAD to GET, and OPTIONS). */
export function allowHeader(methods: readonly RouteMethod[]): string {
  return [...new Set<string>([...methods, ...(methods.includes("GET") ? ["HEAD"] : []), "OPTIONS"])].sort().join(", ");
}

/**
 * What a route file exports besides its own handlers: every other method, HEAD when it has no
 * GET (Next answers HEAD with GET otherwise), and OPTIONS (Next's own OPTIONS would list every
 * exported method as allowed, these refusals included).
 */
export type OtherMethods = Record<RouteMethod | "HEAD" | "OPTIONS", RouteHandler>;

const withRefusal = (refuse: RouteHandler, options: RouteHandler): OtherMethods => ({
  GET: refuse,
  POST: refuse,
  PUT: refuse,
  PATCH: refuse,
  DELETE: refuse,
  HEAD: refuse,
  OPTIONS: options,
});

const notAllowed = (method: string, allow: string) =>
  new ApiError(405, "Method Not Allowed", `${method} is not allowed here; this route allows ${allow}.`, { headers: { allow } });

const optionsAnswer = (allow: string) => async () => new NextResponse(null, { status: 204, headers: { allow } });

/**
 * Handlers for the methods a route does not implement: 405 problem+json with `Allow`, once the
 * key is checked like for every API answer (Next's own answer is a bare 405 without `Allow`).
 * A route exports the ones it lacks, e.g. `export const { PUT, DELETE, OPTIONS } =
 * methodNotAllowed("GET", "POST", "PATCH");` (a test checks every route does).
 */
export function methodNotAllowed(...implemented: RouteMethod[]): OtherMethods {
  const allow = allowHeader(implemented);
  const refuse = apiRoute<unknown>(async ({ request }) => {
    throw notAllowed(request.method, allow);
  });
  return withRefusal(refuse, optionsAnswer(allow));
}

/** API paths that need no key (scripts/server.ts asks for none before their body either). */
export const PUBLIC_API_PATHS: ReadonlySet<string> = new Set(["/api/v1/openapi.json"]);

/** methodNotAllowed for a route that needs no key (the OpenAPI document, PUBLIC_API_PATHS). */
export function publicMethodNotAllowed(...implemented: RouteMethod[]): OtherMethods {
  const allow = allowHeader(implemented);
  return withRefusal(async (request: NextRequest) => toResponse(notAllowed(request.method, allow), ""), optionsAnswer(allow));
}

/** Every method of a path under /api/v1 that has no route (app/api/v1/[[...rest]]): 404 problem+json once the key is checked. */
export function unknownApiRoutes(): OtherMethods {
  const refuse = apiRoute<unknown>(async () => {
    throw new ApiError(404, "Not Found", "There is no API route at this path; the routes are listed in /api/v1/openapi.json.");
  });
  return withRefusal(refuse, refuse);
}
