import { describe, expect, it } from "vitest";
import { isOwnInboxUrl, ownInboxEndpoint } from "@/lib/inbox/own-inbox";
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

describe("ownInboxEndpoint: the endpoint the inbox checks signatures with by default", () => {
  const token = "Xy7_abcdefghijklmnopqrst";
  const endpoint = (id: string, url: string, enabled = true) => ({ id, url, enabled });

  it("finds the endpoint pointing at this account's inbox, under any host name", () => {
    const list = [endpoint("ep_3", "https://shop.example.com/hooks"), endpoint("ep_2", `http://127.0.0.1:3000/api/inbox/${token}`), endpoint("ep_1", "http://localhost:3000/x")];
    expect(ownInboxEndpoint(list, token)?.id).toBe("ep_2");
    expect(ownInboxEndpoint([endpoint("ep_9", `https://hooks.example.com/api/inbox/${token}`)], token)?.id).toBe("ep_9");
  });

  it("prefers an enabled one, then the newest (the list's order)", () => {
    const list = [endpoint("ep_3", `http://localhost:3000/api/inbox/${token}`, false), endpoint("ep_2", `http://localhost:3000/api/inbox/${token}`), endpoint("ep_1", `http://localhost:3000/api/inbox/${token}`)];
    expect(ownInboxEndpoint(list, token)?.id).toBe("ep_2");
    expect(ownInboxEndpoint([list[0]], token)?.id).toBe("ep_3");
  });

  it("is null when no endpoint points at this inbox", () => {
    expect(ownInboxEndpoint([], token)).toBeNull();
    expect(ownInboxEndpoint([endpoint("ep_1", "http://localhost:3000/api/inbox/someone-else")], token)).toBeNull();
    expect(ownInboxEndpoint([endpoint("ep_1", `http://localhost:3000/api/inbox/${token}/more`)], token)).toBeNull();
    expect(ownInboxEndpoint([endpoint("ep_1", `http://localhost:3000/other?next=/api/inbox/${token}`)], token)).toBeNull();
    expect(ownInboxEndpoint([endpoint("ep_1", "not a url")], token)).toBeNull();
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
