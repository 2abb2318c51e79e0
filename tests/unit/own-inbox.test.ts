import { describe, expect, it } from "vitest";
import { isOwnInboxUrl } from "@/lib/inbox/own-inbox";
import { verifyInboxSignature } from "@/lib/inbox/queries";
import { generateSigningSecret, signatureHeaders } from "@/lib/webhooks/sign";

describe("isOwnInboxUrl: the only loopback URL the SSRF guard lets through", () => {
  it("accepts this server's inbox on loopback at its own port, or at its public origin", () => {
    expect(isOwnInboxUrl("http://localhost:3000/api/inbox/abc_DEF-123", undefined, 3000)).toBe(true);
    expect(isOwnInboxUrl("http://127.0.0.1:3000/api/inbox/abc", undefined, 3000)).toBe(true);
    expect(isOwnInboxUrl("https://hooks.example.com/api/inbox/abc", "https://hooks.example.com", 3000)).toBe(true);
  });

  it("refuses other ports, other paths, other hosts and tricks", () => {
    expect(isOwnInboxUrl("http://localhost:3001/api/inbox/abc", undefined, 3000)).toBe(false);
    expect(isOwnInboxUrl("http://localhost:3000/api/v1/endpoints", undefined, 3000)).toBe(false);
    expect(isOwnInboxUrl("http://localhost:3000/api/inbox/abc/../../v1/endpoints", undefined, 3000)).toBe(false);
    expect(isOwnInboxUrl("http://localhost:3000/api/inbox/", undefined, 3000)).toBe(false);
    expect(isOwnInboxUrl("http://user:pw@localhost:3000/api/inbox/abc", undefined, 3000)).toBe(false);
    expect(isOwnInboxUrl("http://10.0.0.1:3000/api/inbox/abc", undefined, 3000)).toBe(false);
    expect(isOwnInboxUrl("http://169.254.169.254/api/inbox/abc", undefined, 80)).toBe(false);
    expect(isOwnInboxUrl("https://evil.example.com/api/inbox/abc", "https://hooks.example.com", 3000)).toBe(false);
    expect(isOwnInboxUrl("not a url", undefined, 3000)).toBe(false);
  });
});

describe("verifyInboxSignature", () => {
  const secret = generateSigningSecret();
  const body = '{"type":"webhook.test","timestamp":"2026-11-28T09:00:00.000Z","data":{}}';
  const receivedAt = "2026-11-28T09:00:01.000Z";
  const signed = signatureHeaders([secret], "msg_1", Date.parse(receivedAt) / 1000 - 1, body);

  it("accepts the endpoint's own signature, including one of two during a rotation", () => {
    expect(verifyInboxSignature({ headers: signed, body, receivedAt }, secret)).toEqual({ valid: true });
    const rotated = signatureHeaders([generateSigningSecret(), secret], "msg_1", Date.parse(receivedAt) / 1000, body);
    expect(verifyInboxSignature({ headers: rotated, body, receivedAt }, secret)).toEqual({ valid: true });
  });

  it("refuses another secret, a changed body, a stale timestamp and missing headers", () => {
    expect(verifyInboxSignature({ headers: signed, body, receivedAt }, generateSigningSecret()).valid).toBe(false);
    expect(verifyInboxSignature({ headers: signed, body: body.replace("test", "tset"), receivedAt }, secret).valid).toBe(false);
    expect(verifyInboxSignature({ headers: signed, body, receivedAt: "2026-11-28T10:00:00.000Z" }, secret)).toMatchObject({ valid: false, reason: /timestamp/ });
    expect(verifyInboxSignature({ headers: {}, body, receivedAt }, secret)).toMatchObject({ valid: false, reason: /missing/ });
  });
});
