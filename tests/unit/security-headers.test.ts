import { describe, expect, it } from "vitest";
import { API_CSP, HSTS, pageCsp, securityHeaders, servedOverHttps } from "@/lib/security/headers";

describe("security headers", () => {
  it("pages allow scripts only with this request's nonce, and no framing", () => {
    const csp = pageCsp("abc123");
    expect(csp).toContain("script-src 'self' 'nonce-abc123' 'strict-dynamic'");
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(pageCsp("abc123", true)).toContain("'unsafe-eval'");
  });

  it("API responses get a policy that allows nothing", () => {
    const headers = securityHeaders({ api: true, nonce: "n", https: false });
    expect(headers["Content-Security-Policy"]).toBe(API_CSP);
    expect(headers["X-Content-Type-Options"]).toBe("nosniff");
    expect(headers["X-Frame-Options"]).toBe("DENY");
    expect(headers["Referrer-Policy"]).toBe("strict-origin-when-cross-origin");
  });

  it("HSTS only over https", () => {
    expect(securityHeaders({ api: false, nonce: "n", https: true })["Strict-Transport-Security"]).toBe(HSTS);
    expect(securityHeaders({ api: false, nonce: "n", https: false })).not.toHaveProperty("Strict-Transport-Security");
  });

  it("https is what the public URL says, else what the proxy forwarded", () => {
    expect(servedOverHttps("https://hooks.example.com", null)).toBe(true);
    expect(servedOverHttps("http://hooks.example.com", "https")).toBe(false);
    expect(servedOverHttps(undefined, "https")).toBe(true);
    expect(servedOverHttps(undefined, "HTTPS, http")).toBe(true);
    expect(servedOverHttps(undefined, "http")).toBe(false);
    expect(servedOverHttps(undefined, null)).toBe(false);
  });
});

describe("portal pages (SPEC §12)", () => {
  const portal = { frameAncestors: ["https://app.example.com", "https://*.example.org"], imageOrigins: ["https://cdn.example.com"] };

  it("may be framed by the allowed origins only, with no X-Frame-Options to contradict them", () => {
    const headers = securityHeaders({ api: false, nonce: "n", https: true, portal });
    expect(headers["Content-Security-Policy"]).toContain("frame-ancestors https://app.example.com https://*.example.org");
    expect(headers["Content-Security-Policy"]).toContain("img-src 'self' data: blob: https://cdn.example.com");
    expect(headers).not.toHaveProperty("X-Frame-Options");
    expect(headers["Referrer-Policy"]).toBe("no-referrer");
  });

  it("with no allowed origin, are never framed", () => {
    const headers = securityHeaders({ api: false, nonce: "n", https: true, portal: { frameAncestors: [], imageOrigins: [] } });
    expect(headers["Content-Security-Policy"]).toContain("frame-ancestors 'none'");
    expect(headers["X-Frame-Options"]).toBe("DENY");
  });
});
