import { createHmac } from "node:crypto";
import { Webhook, WebhookVerificationError } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { generateSigningSecret, signatureHeaders, signPayload } from "@/lib/webhooks/sign";

// Test vector used by the Standard Webhooks reference libraries; checked against the installed
// `standardwebhooks` package's own `sign` and against a plain node:crypto HMAC below.
const VECTOR = {
  secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
};

const nowSeconds = () => Math.floor(Date.now() / 1000);

describe("signPayload", () => {
  it("matches the Standard Webhooks test vector", () => {
    expect(signPayload(VECTOR.secret, VECTOR.id, VECTOR.timestamp, VECTOR.body)).toBe(VECTOR.signature);
  });

  it("agrees with the standardwebhooks package's own signer on the vector", () => {
    const reference = new Webhook(VECTOR.secret).sign(VECTOR.id, new Date(VECTOR.timestamp * 1000), VECTOR.body);
    expect(reference).toBe(VECTOR.signature);
    expect(signPayload(VECTOR.secret, VECTOR.id, VECTOR.timestamp, VECTOR.body)).toBe(reference);
  });

  it("is HMAC-SHA256 keyed with the base64-decoded secret over id.timestamp.body", () => {
    const secret = generateSigningSecret();
    const key = Buffer.from(secret.slice("whsec_".length), "base64");
    const expected = createHmac("sha256", key).update("msg_abc.1700000000.{\"a\":1}").digest("base64");
    expect(signPayload(secret, "msg_abc", 1700000000, '{"a":1}')).toBe(`v1,${expected}`);
  });

  it("changes when any signed part changes", () => {
    const base = signPayload(VECTOR.secret, VECTOR.id, VECTOR.timestamp, VECTOR.body);
    expect(signPayload(VECTOR.secret, "msg_other", VECTOR.timestamp, VECTOR.body)).not.toBe(base);
    expect(signPayload(VECTOR.secret, VECTOR.id, VECTOR.timestamp + 1, VECTOR.body)).not.toBe(base);
    expect(signPayload(VECTOR.secret, VECTOR.id, VECTOR.timestamp, '{"test": 2432232315}')).not.toBe(base);
    expect(signPayload(generateSigningSecret(), VECTOR.id, VECTOR.timestamp, VECTOR.body)).not.toBe(base);
  });

  it("signs non-ASCII bodies as UTF-8, like the verifier", () => {
    const body = '{"name":"Zoë 🚀 naïve"}';
    const ts = nowSeconds();
    const secret = generateSigningSecret();
    const headers = signatureHeaders([secret], "msg_utf8", ts, body);
    expect(new Webhook(secret).verify(body, headers)).toEqual({ name: "Zoë 🚀 naïve" });
  });
});

describe("signatureHeaders", () => {
  it("returns the three Standard Webhooks headers", () => {
    const headers = signatureHeaders([VECTOR.secret], VECTOR.id, VECTOR.timestamp, VECTOR.body);
    expect(headers).toEqual({
      "webhook-id": VECTOR.id,
      "webhook-timestamp": "1614265330",
      "webhook-signature": VECTOR.signature,
    });
  });

  it("round-trips through the real standardwebhooks verifier", () => {
    const secret = generateSigningSecret();
    const body = JSON.stringify({ type: "order.created", timestamp: new Date().toISOString(), data: { id: 42 } });
    const headers = signatureHeaders([secret], "msg_roundtrip", nowSeconds(), body);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it("gives two space-separated signatures for two secrets, and each secret verifies alone", () => {
    const current = generateSigningSecret();
    const previous = generateSigningSecret();
    const body = '{"type":"x","timestamp":"2024-01-01T00:00:00.000Z","data":{}}';
    const ts = nowSeconds();
    const headers = signatureHeaders([current, previous], "msg_rotate", ts, body);

    const parts = headers["webhook-signature"].split(" ");
    expect(parts).toHaveLength(2);
    expect(parts[0]).toBe(signPayload(current, "msg_rotate", ts, body));
    expect(parts[1]).toBe(signPayload(previous, "msg_rotate", ts, body));
    for (const part of parts) expect(part).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);

    expect(() => new Webhook(current).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(previous).verify(body, headers)).not.toThrow();
    // A third, unrelated secret must not verify.
    expect(() => new Webhook(generateSigningSecret()).verify(body, headers)).toThrow(WebhookVerificationError);
  });

  it("fails verification when the body is tampered with", () => {
    const secret = generateSigningSecret();
    const body = '{"type":"invoice.paid","timestamp":"2024-01-01T00:00:00.000Z","data":{"amount":100}}';
    const headers = signatureHeaders([secret], "msg_tamper", nowSeconds(), body);
    const tampered = body.replace('"amount":100', '"amount":999');
    expect(tampered).not.toBe(body);
    expect(() => new Webhook(secret).verify(tampered, headers)).toThrow(WebhookVerificationError);
  });

  it("fails verification when the id or timestamp header is changed", () => {
    const secret = generateSigningSecret();
    const body = '{"a":1}';
    const ts = nowSeconds();
    const headers = signatureHeaders([secret], "msg_hdr", ts, body);
    expect(() => new Webhook(secret).verify(body, { ...headers, "webhook-id": "msg_other" })).toThrow(
      WebhookVerificationError,
    );
    expect(() => new Webhook(secret).verify(body, { ...headers, "webhook-timestamp": String(ts - 1) })).toThrow(
      WebhookVerificationError,
    );
  });

  it("signs with no secrets as an empty signature (which never verifies)", () => {
    const headers = signatureHeaders([], "msg_none", nowSeconds(), "{}");
    expect(headers["webhook-signature"]).toBe("");
  });
});

describe("generateSigningSecret", () => {
  it("is whsec_ + base64 of 32 bytes", () => {
    const secret = generateSigningSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const encoded = secret.slice("whsec_".length);
    const raw = Buffer.from(encoded, "base64");
    expect(raw).toHaveLength(32);
    // Canonical base64: re-encoding gives back the same text.
    expect(raw.toString("base64")).toBe(encoded);
  });

  it("is accepted by the standardwebhooks package", () => {
    expect(() => new Webhook(generateSigningSecret())).not.toThrow();
  });

  it("is different every time", () => {
    const secrets = new Set(Array.from({ length: 200 }, () => generateSigningSecret()));
    expect(secrets.size).toBe(200);
  });
});
