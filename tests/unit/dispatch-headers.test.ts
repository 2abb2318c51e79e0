import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import packageJson from "@/package.json";
import type { ClaimedDelivery } from "@/lib/store/claim-due";
import { buildRequestHeaders, signingSecrets } from "@/lib/worker/dispatch";
import { webhookBody } from "@/lib/webhooks/body";
import { generateSigningSecret, signPayload } from "@/lib/webhooks/sign";
import { USER_AGENT, VERSION } from "@/lib/version";

const HOUR = 3_600_000;

function delivery(overrides: Partial<ClaimedDelivery> = {}): ClaimedDelivery {
  return {
    id: "dlv_01TEST",
    userId: "usr_01TEST",
    eventId: "msg_01TESTEVENT",
    endpointId: "ep_01TEST",
    attempts: 1,
    eventType: "order.created",
    payload: '{"id":42}',
    eventCreatedAt: Date.UTC(2024, 0, 2, 3, 4, 5, 678),
    url: "https://example.com/hook",
    headers: "{}",
    secret: generateSigningSecret(),
    previousSecret: null,
    previousSecretUntil: null,
    endpointFailing: false,
    ordered: false,
    ...overrides,
  };
}

describe("webhookBody", () => {
  it("is exactly {type, timestamp, data} with the event time in ISO form", () => {
    const body = webhookBody("order.created", Date.UTC(2024, 0, 2, 3, 4, 5, 678), '{"id":42}');
    expect(body).toBe('{"type":"order.created","timestamp":"2024-01-02T03:04:05.678Z","data":{"id":42}}');
  });

  it("splices the stored data in byte for byte", () => {
    const payload = '{ "b" : 2,  "a":[1, 2.50, "é\\u00e9"], "n": null }';
    const body = webhookBody("x.y", 0, payload);
    expect(body).toBe(`{"type":"x.y","timestamp":"1970-01-01T00:00:00.000Z","data":${payload}}`);
    expect(JSON.parse(body)).toEqual({ type: "x.y", timestamp: "1970-01-01T00:00:00.000Z", data: JSON.parse(payload) });
  });

  it("works with non-object data", () => {
    expect(JSON.parse(webhookBody("t", 0, "[1,2]")).data).toEqual([1, 2]);
    expect(JSON.parse(webhookBody("t", 0, '"text"')).data).toBe("text");
    expect(JSON.parse(webhookBody("t", 0, "null")).data).toBeNull();
  });

  it("escapes the type as a JSON string", () => {
    const body = webhookBody('we"ird', 0, "{}");
    expect(JSON.parse(body).type).toBe('we"ird');
  });
});

describe("signingSecrets", () => {
  const now = Date.UTC(2024, 5, 1);

  it("is only the current secret when there is no previous one", () => {
    expect(signingSecrets({ secret: "whsec_new", previousSecret: null, previousSecretUntil: null }, now)).toEqual([
      "whsec_new",
    ]);
    expect(signingSecrets({ secret: "whsec_new", previousSecret: null, previousSecretUntil: now + HOUR }, now)).toEqual([
      "whsec_new",
    ]);
  });

  it("adds the previous secret, after the current one, while the overlap lasts", () => {
    const secrets = signingSecrets({ secret: "whsec_new", previousSecret: "whsec_old", previousSecretUntil: now + 24 * HOUR }, now);
    expect(secrets).toEqual(["whsec_new", "whsec_old"]);
    expect(
      signingSecrets({ secret: "whsec_new", previousSecret: "whsec_old", previousSecretUntil: now + 1 }, now),
    ).toEqual(["whsec_new", "whsec_old"]);
  });

  it("drops the previous secret once the overlap has ended (at or after previousSecretUntil)", () => {
    expect(signingSecrets({ secret: "whsec_new", previousSecret: "whsec_old", previousSecretUntil: now }, now)).toEqual([
      "whsec_new",
    ]);
    expect(
      signingSecrets({ secret: "whsec_new", previousSecret: "whsec_old", previousSecretUntil: now - 1 }, now),
    ).toEqual(["whsec_new"]);
    expect(
      signingSecrets({ secret: "whsec_new", previousSecret: "whsec_old", previousSecretUntil: null }, now),
    ).toEqual(["whsec_new"]);
  });
});

describe("buildRequestHeaders", () => {
  it("sets content-type, user-agent and the three webhook headers", () => {
    const d = delivery();
    const now = Date.UTC(2024, 5, 1, 0, 0, 0, 999);
    const body = webhookBody(d.eventType, d.eventCreatedAt, d.payload);
    const headers = buildRequestHeaders(d, body, now);
    const ts = Math.floor(now / 1000);
    expect(headers).toEqual({
      "content-type": "application/json",
      "user-agent": `Hookline/${packageJson.version}`,
      "webhook-id": "msg_01TESTEVENT",
      "webhook-timestamp": String(ts),
      "webhook-signature": signPayload(d.secret, d.eventId, ts, body),
    });
  });

  it("uses Hookline/<package version> as the user agent", () => {
    expect(VERSION).toBe(packageJson.version);
    expect(USER_AGENT).toBe(`Hookline/${packageJson.version}`);
    expect(buildRequestHeaders(delivery(), "{}", Date.now())["user-agent"]).toMatch(/^Hookline\/\d+\.\d+\.\d+/);
  });

  it("keeps the event id as webhook-id on every attempt, and stamps each attempt's own time", () => {
    const d = delivery();
    const body = webhookBody(d.eventType, d.eventCreatedAt, d.payload);
    const first = buildRequestHeaders({ ...d, attempts: 1 }, body, Date.UTC(2024, 5, 1));
    const retry = buildRequestHeaders({ ...d, attempts: 2 }, body, Date.UTC(2024, 5, 1, 0, 5));
    expect(first["webhook-id"]).toBe(d.eventId);
    expect(retry["webhook-id"]).toBe(d.eventId);
    expect(Number(retry["webhook-timestamp"]) - Number(first["webhook-timestamp"])).toBe(300);
    expect(retry["webhook-signature"]).not.toBe(first["webhook-signature"]);
  });

  it("verifies with the standardwebhooks package, including during a rotation", () => {
    const current = generateSigningSecret();
    const previous = generateSigningSecret();
    const now = Date.now();
    const d = delivery({ secret: current, previousSecret: previous, previousSecretUntil: now + 24 * HOUR });
    const body = webhookBody(d.eventType, d.eventCreatedAt, d.payload);
    const headers = buildRequestHeaders(d, body, now);
    expect(headers["webhook-signature"].split(" ")).toHaveLength(2);
    const expected = { type: "order.created", timestamp: "2024-01-02T03:04:05.678Z", data: { id: 42 } };
    expect(new Webhook(current).verify(body, headers)).toEqual(expected);
    expect(new Webhook(previous).verify(body, headers)).toEqual(expected);
  });

  it("signs with one secret after the overlap ends", () => {
    const now = Date.now();
    const d = delivery({ previousSecret: generateSigningSecret(), previousSecretUntil: now - 1 });
    const body = webhookBody(d.eventType, d.eventCreatedAt, d.payload);
    const headers = buildRequestHeaders(d, body, now);
    expect(headers["webhook-signature"].split(" ")).toHaveLength(1);
    expect(() => new Webhook(d.previousSecret!).verify(body, headers)).toThrow();
    expect(() => new Webhook(d.secret).verify(body, headers)).not.toThrow();
  });

  it("passes custom headers through", () => {
    const d = delivery({ headers: JSON.stringify({ authorization: "Bearer abc", "X-Tenant": "acme" }) });
    const headers = buildRequestHeaders(d, "{}", Date.now());
    expect(headers.authorization).toBe("Bearer abc");
    expect(headers["X-Tenant"]).toBe("acme");
  });

  it("treats an empty headers column as no custom headers", () => {
    const headers = buildRequestHeaders(delivery({ headers: "" }), "{}", Date.now());
    expect(Object.keys(headers).sort()).toEqual(
      ["content-type", "user-agent", "webhook-id", "webhook-signature", "webhook-timestamp"].sort(),
    );
  });

  it("never lets custom headers override the contract headers, whatever their case", () => {
    const d = delivery({
      headers: JSON.stringify({
        "content-type": "text/plain",
        "Content-Type": "text/plain",
        "USER-AGENT": "evil",
        "webhook-id": "msg_forged",
        "Webhook-Id": "msg_forged",
        "Webhook-Timestamp": "1",
        "webhook-signature": "v1,forged",
        "WEBHOOK-SIGNATURE": "v1,forged",
        "x-keep": "yes",
      }),
    });
    const now = Date.now();
    const body = webhookBody(d.eventType, d.eventCreatedAt, d.payload);
    const headers = buildRequestHeaders(d, body, now);

    // HTTP header names are case-insensitive: every header that reaches the wire under a
    // contract name must carry the contract value, with no differently-cased duplicate.
    const byName = new Map<string, string[]>();
    for (const [name, value] of Object.entries(headers)) {
      const key = name.toLowerCase();
      byName.set(key, [...(byName.get(key) ?? []), value]);
    }
    expect(byName.get("content-type")).toEqual(["application/json"]);
    expect(byName.get("user-agent")).toEqual([USER_AGENT]);
    expect(byName.get("webhook-id")).toEqual([d.eventId]);
    expect(byName.get("webhook-timestamp")).toEqual([String(Math.floor(now / 1000))]);
    expect(byName.get("webhook-signature")).toEqual([signPayload(d.secret, d.eventId, Math.floor(now / 1000), body)]);
    expect(headers["x-keep"]).toBe("yes");
    expect(() => new Webhook(d.secret).verify(body, headers)).not.toThrow();
  });
});
