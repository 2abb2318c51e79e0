// SPEC issue 6: every response the browser or an API client gets carries the security headers:
// pages with a nonce-based CSP that forbids framing, API responses with a deny-all CSP, nosniff,
// a referrer policy, and HSTS exactly when the request came over https.
import { beforeAll, describe, expect, it } from "vitest";
import { createSession, SESSION_COOKIE } from "@/lib/auth/session";
import { newApiAccount, startApiServer, stopServersAfterAll, type ApiAccount } from "../helpers/api-client";
import type { RunningServer } from "../helpers/server";

stopServersAfterAll();

function expectCommonHeaders(response: Response, what: string) {
  expect(response.headers.get("x-content-type-options"), what).toBe("nosniff");
  expect(response.headers.get("x-frame-options"), what).toBe("DENY");
  expect(response.headers.get("referrer-policy"), what).toBe("strict-origin-when-cross-origin");
}

function expectPageHeaders(response: Response, what: string) {
  expectCommonHeaders(response, what);
  const csp = response.headers.get("content-security-policy") ?? "";
  expect(csp, what).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
  expect(csp, what).toContain("frame-ancestors 'none'");
  expect(csp, what).not.toMatch(/script-src[^;]*'unsafe-inline'/);
}

function expectApiHeaders(response: Response, what: string) {
  expectCommonHeaders(response, what);
  expect(response.headers.get("content-security-policy"), what).toBe("default-src 'none'; frame-ancestors 'none'");
}

describe("security headers over plain http", () => {
  let server: RunningServer;
  let account: ApiAccount;
  let cookie: string;

  beforeAll(async () => {
    server = await startApiServer();
    account = await newApiAccount("headers");
    const session = await createSession(account.userId);
    cookie = `${SESSION_COOKIE}=${session.token}`;
  });

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${server.origin}${path}`, { headers, redirect: "manual" });

  it("public pages, a signed-in dashboard page and the sign-in redirect", async () => {
    for (const path of ["/sign-in", "/sign-up"]) {
      const response = await get(path);
      expect(response.status, path).toBe(200);
      expectPageHeaders(response, path);
    }
    const dashboard = await get("/endpoints", { cookie });
    expect(dashboard.status).toBe(200);
    expect(await dashboard.text()).toContain("Sign out");
    expectPageHeaders(dashboard, "/endpoints signed in");
    const settings = await get("/settings", { cookie });
    expect(settings.status).toBe(200);
    expectPageHeaders(settings, "/settings signed in");

    const redirected = await get("/deliveries");
    expect(redirected.status).toBe(307);
    expect(redirected.headers.get("location")).toMatch(/\/sign-in$/);
    expectPageHeaders(redirected, "/deliveries signed out");
  });

  it("the nonce is new on every request and is the one on the page's scripts", async () => {
    const nonces = [];
    for (let i = 0; i < 2; i++) {
      const response = await get("/sign-in");
      const nonce = /'nonce-([^']+)'/.exec(response.headers.get("content-security-policy") ?? "")![1];
      const html = await response.text();
      const scripts = html.match(/<script\b[^>]*>/g) ?? [];
      expect(scripts.length).toBeGreaterThan(0);
      for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
      nonces.push(nonce);
    }
    expect(nonces[0]).not.toBe(nonces[1]);
  });

  it("a 404 page and Next's static files", async () => {
    const missing = await get("/no-such-page");
    expect(missing.status).toBe(404);
    expectPageHeaders(missing, "404 page");

    const html = await (await get("/sign-in")).text();
    const script = /<script src="(\/_next\/static\/[^"]+\.js)"/.exec(html)![1];
    const asset = await get(script);
    expect(asset.status).toBe(200);
    expectCommonHeaders(asset, script);
  });

  it("API responses: success, error, not found, and the proxy's own 400", async () => {
    const listed = await get("/api/v1/endpoints", { authorization: `Bearer ${account.key}` });
    expect(listed.status).toBe(200);
    expectApiHeaders(listed, "GET /api/v1/endpoints");

    const unauthorized = await get("/api/v1/endpoints");
    expect(unauthorized.status).toBe(401);
    expectApiHeaders(unauthorized, "401");

    const unknown = await get("/api/v1/endpoints/ep_unknown", { authorization: `Bearer ${account.key}` });
    expect(unknown.status).toBe(404);
    expectApiHeaders(unknown, "API 404");

    const undecodable = await get("/api/v1/endpoints/%E0%A4%A");
    expect(undecodable.status).toBe(400);
    expectApiHeaders(undecodable, "undecodable path");

    const openapi = await get("/api/v1/openapi.json");
    expect(openapi.status).toBe(200);
    expectApiHeaders(openapi, "openapi.json");
  });

  // scripts/server.ts answers POST /api/v1/events itself, outside Next and its proxy: the same
  // headers must be there, on success and on errors, with HSTS over https.
  it("event ingest (served outside Next's pipeline): accepted, rejected and unauthenticated", async () => {
    const post = (body: string, headers: Record<string, string> = {}) =>
      fetch(`${server.origin}/api/v1/events`, { method: "POST", body, headers: { "content-type": "application/json", ...headers } });
    const auth = { authorization: `Bearer ${account.key}` };
    const accepted = await post('{"type":"order.created","data":{}}', auth);
    expect(accepted.status).toBe(202);
    expectApiHeaders(accepted, "POST /api/v1/events 202");
    expect(accepted.headers.get("x-request-id")).toMatch(/./);
    expect(accepted.headers.get("strict-transport-security")).toBeNull();
    const invalid = await post('{"type":"bad type!","data":{}}', auth);
    expect(invalid.status).toBe(422);
    expectApiHeaders(invalid, "POST /api/v1/events 422");
    const anonymous = await post('{"type":"order.created","data":{}}');
    expect(anonymous.status).toBe(401);
    expectApiHeaders(anonymous, "POST /api/v1/events 401");
    const https = await post('{"type":"order.created","data":{}}', { ...auth, "x-forwarded-proto": "https" });
    expect(https.headers.get("strict-transport-security")).toBe("max-age=63072000; includeSubDomains");
  });

  it("HSTS only when a TLS-terminating proxy says the request came over https", async () => {
    for (const path of ["/sign-in", "/endpoints", "/api/v1/endpoints", "/no-such-page"]) {
      const plain = await get(path, { cookie });
      expect(plain.headers.get("strict-transport-security"), `${path} over http`).toBeNull();
      const https = await get(path, { cookie, "x-forwarded-proto": "https" });
      expect(https.headers.get("strict-transport-security"), `${path} over https`).toBe("max-age=63072000; includeSubDomains");
    }
  });
});

describe("security headers with an https public URL", () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startApiServer({ HOOKLINE_PUBLIC_URL: "https://hooks.example.test" });
  });

  it("HSTS on every response, whatever the proxy forwarded", async () => {
    for (const path of ["/sign-in", "/api/v1/endpoints", "/no-such-page"]) {
      const response = await fetch(`${server.origin}${path}`, { redirect: "manual" });
      expect(response.headers.get("strict-transport-security"), path).toBe("max-age=63072000; includeSubDomains");
    }
  });
});
