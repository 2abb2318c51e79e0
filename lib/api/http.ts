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
import { env } from "../env";
import { logger, requestIdFrom } from "../log";
import { newAccountRateLimiter, QuotaExceededError, takeApiRequest, type AccountRateLimiter } from "../quotas";

/** Largest request body accepted (the event data limit plus room for the envelope). */
export const MAX_BODY_BYTES = 256 * 1024 + 4 * 1024;

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

export function problem(status: number, title: string, detail: string, extra: { errors?: FieldErrors; headers?: Record<string, string> } = {}) {
  return NextResponse.json(
    { type: "about:blank", status, title, detail, ...(extra.errors ? { errors: extra.errors } : {}) },
    { status, headers: { "content-type": "application/problem+json", ...extra.headers } },
  );
}

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
export async function readJson<S extends z.ZodType>(request: NextRequest, schema: S): Promise<z.infer<S>> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type)) {
    throw new ApiError(415, "Unsupported Media Type", "Send the body as JSON with `content-type: application/json`.");
  }
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const text = await readBodyText(request);
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

/**
 * Deepest nesting of objects and arrays accepted in a body. Deeper JSON would exhaust the stack
 * when validated or serialised (a 500), and many receivers' parsers refuse it anyway.
 */
export const MAX_JSON_DEPTH = 64;

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
 * How much of a body without content-length is read (and dropped) past the limit. Read to its
 * end, the body leaves the connection usable and the client receives its 413; cut off mid-way,
 * the connection must close, and a client still sending may see a reset instead.
 */
const MAX_DISCARDED_BYTES = 8 * 1024 * 1024;

/** Reads the body, keeping nothing once it passes the limit (a missing content-length too). */
async function readBodyText(request: NextRequest): Promise<string> {
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      while (size <= MAX_DISCARDED_BYTES) {
        const rest = await reader.read();
        if (rest.done) throw tooLarge();
        size += rest.value.byteLength;
      }
      await reader.cancel();
      throw tooLarge({ connection: "close" });
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Query parameters as a plain object (first value wins), empty values dropped. */
export function queryOf(request: NextRequest): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [key, value] of request.nextUrl.searchParams) if (value !== "" && !(key in query)) query[key] = value;
  return query;
}

const rateLimiter = ((globalThis as unknown as { hooklineApiRateLimiter?: AccountRateLimiter }).hooklineApiRateLimiter ??= newAccountRateLimiter());

/** HOOKLINE_API_RATE_LIMIT requests per second per account: more keys do not buy more rate. */
function checkRateLimit(accountId: string): void {
  const decision = takeApiRequest(rateLimiter, accountId, env.HOOKLINE_API_RATE_LIMIT, Date.now());
  if (!decision.allowed) {
    throw new ApiError(429, "Too Many Requests", decision.detail, { headers: { "retry-after": String(decision.retryAfterSeconds) } });
  }
}

async function authenticate(request: NextRequest): Promise<ApiKeyIdentity> {
  const header = request.headers.get("authorization") ?? "";
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

function toResponse(error: unknown, requestId: string): NextResponse {
  if (error instanceof ApiError) return problem(error.status, error.title, error.detail, error.extra);
  if (error instanceof QuotaExceededError) return problem(403, "Quota Exceeded", error.message);
  logger.error({ reqId: requestId, err: error }, "unexpected error in an API request");
  return problem(500, "Internal Server Error", `Something went wrong on our side; it has been logged (request id ${requestId}).`);
}

/** Wraps an authenticated API route handler. */
export function apiRoute<P = Record<string, never>>(handler: (context: ApiContext<P>) => Promise<Response>) {
  return async (request: NextRequest, context: { params: Promise<P> }): Promise<Response> => {
    const startedAt = performance.now();
    const requestId = requestIdFrom(request.headers.get("x-request-id"));
    let accountId: string | undefined;
    let response: Response;
    try {
      const identity = await authenticate(request);
      accountId = identity.userId;
      checkRateLimit(identity.userId);
      response = await handler({ request, userId: identity.userId, params: await context.params });
    } catch (error) {
      response = toResponse(error, requestId);
    }
    response.headers.set("x-request-id", requestId);
    logger.info(
      {
        reqId: requestId,
        method: request.method,
        path: request.nextUrl.pathname,
        status: response.status,
        durationMs: Math.round((performance.now() - startedAt) * 10) / 10,
        accountId,
      },
      "api request",
    );
    return response;
  };
}

export const json = (body: unknown, status = 200) => NextResponse.json(body, { status, headers: { "cache-control": "no-store" } });
export const noContent = () => new NextResponse(null, { status: 204 });
