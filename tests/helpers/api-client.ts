/**
 * For the REST API tests: one real server per test file (started in beforeAll, killed in
 * afterAll by stopServersAfterAll), an account with an API key, and a small fetch wrapper that
 * returns status, headers and the parsed body.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- bodies are JSON whose shape the tests assert */
import { expect } from "vitest";
import { createApiKey } from "@/lib/auth/api-keys";
import { newAccount } from "./harness";
import { startServer, type RunningServer } from "./server";

export { stopServersAfterAll } from "./server";

/**
 * Starts the built server on this file's database (call stopServersAfterAll at the file's top
 * level). The API rate limit is lifted unless `extraEnv` sets one, so a quick test file never
 * meets a 429 it did not ask for.
 */
export async function startApiServer(extraEnv: Record<string, string> = {}): Promise<RunningServer> {
  return startServer({ HOOKLINE_API_RATE_LIMIT: "100000", ...extraEnv });
}

export interface ApiAccount {
  userId: string;
  key: string;
  keyId: string;
}

/** A fresh account and an API key for it. */
export async function newApiAccount(label = "api"): Promise<ApiAccount> {
  const account = await newAccount(label);
  const { key, apiKey } = await createApiKey(account.id, `${label} key`);
  return { userId: account.id, key, keyId: apiKey.id };
}

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  /** Parsed JSON when the response is JSON, else the text (empty for 204). */
  body: T;
  text: string;
}

export interface CallOptions {
  /** Sent as JSON with `content-type: application/json` unless `raw` is given. */
  json?: unknown;
  /** A body sent as is (set the content type yourself via `headers`). */
  raw?: string | Uint8Array;
  headers?: Record<string, string>;
  /** The API key; `null` sends no Authorization header. */
  key?: string | null;
}

/** A client bound to a server and (by default) one account's key. */
export function apiClient(origin: string, defaultKey: string | null) {
  async function call<T = any>(method: string, path: string, options: CallOptions = {}): Promise<ApiResponse<T>> {
    const key = options.key === undefined ? defaultKey : options.key;
    const headers: Record<string, string> = {};
    if (key !== null) headers.authorization = `Bearer ${key}`;
    let body: string | Uint8Array | undefined;
    if (options.raw !== undefined) body = options.raw;
    else if (options.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(options.json);
    }
    Object.assign(headers, options.headers);
    const response = await fetch(`${origin}${path}`, { method, headers, body: body as BodyInit | undefined });
    const text = await response.text();
    const type = response.headers.get("content-type") ?? "";
    const parsed = /json/.test(type) && text ? (JSON.parse(text) as T) : (text as T);
    return { status: response.status, headers: response.headers, body: parsed, text };
  }
  return {
    call,
    get: <T = any>(path: string, options?: CallOptions) => call<T>("GET", path, options),
    post: <T = any>(path: string, json?: unknown, options?: CallOptions) =>
      call<T>("POST", path, { ...(json === undefined ? {} : { json }), ...options }),
    patch: <T = any>(path: string, json?: unknown, options?: CallOptions) =>
      call<T>("PATCH", path, { ...(json === undefined ? {} : { json }), ...options }),
    delete: <T = any>(path: string, options?: CallOptions) => call<T>("DELETE", path, options),
  };
}

export type ApiClient = ReturnType<typeof apiClient>;

/** A fresh account with its own key, and a client of the server at `origin` using it. */
export async function newApiClient(origin: string, label: string): Promise<ApiAccount & { api: ApiClient }> {
  const account = await newApiAccount(label);
  return { ...account, api: apiClient(origin, account.key) };
}

/** An RFC 9457 problem with this status, a title and a detail. */
export function expectProblem(response: ApiResponse, status: number): void {
  expect(response.status, response.text).toBe(status);
  expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
  expect(response.body.title.length).toBeGreaterThan(0);
  expect(response.body.detail.length).toBeGreaterThan(0);
}
