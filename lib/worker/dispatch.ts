/**
 * Turns a claimed delivery into one signed HTTP attempt (Standard Webhooks 1.0): the body is
 * `{"type","timestamp","data"}`, `webhook-id` is the event id (the same on every retry),
 * `webhook-timestamp` is this attempt's time, and every live secret signs (two signatures
 * during a rotation's overlap).
 */
import { webhookBody } from "../webhooks/body";
import { signatureHeaders } from "../webhooks/sign";
import { sendWebhook, type Interruption, type NetworkPolicy } from "../webhooks/send";
import { env } from "../env";
import { isOwnInboxUrl } from "../inbox/own-inbox";
import { USER_AGENT } from "../version";
import { parseCidrList } from "../webhooks/ssrf-guard";
import type { ClaimedDelivery } from "../store/claim-due";
import type { AttemptRecord } from "../store/record-outcomes";

export type { AttemptRecord };

/** Secrets that sign now: the current one, plus the previous one until its overlap ends. */
export function signingSecrets(delivery: Pick<ClaimedDelivery, "secret" | "previousSecret" | "previousSecretUntil">, now: number): string[] {
  const secrets = [delivery.secret];
  if (delivery.previousSecret && delivery.previousSecretUntil && delivery.previousSecretUntil > now) {
    secrets.push(delivery.previousSecret);
  }
  return secrets;
}

export function buildRequestHeaders(delivery: ClaimedDelivery, body: string, now: number): Record<string, string> {
  // Most endpoints have none: "{}" is not parsed at every attempt.
  const custom = delivery.headers && delivery.headers !== "{}" ? (JSON.parse(delivery.headers) as Record<string, string>) : {};
  const contract: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": USER_AGENT,
    ...signatureHeaders(signingSecrets(delivery, now), delivery.eventId, Math.floor(now / 1000), body),
  };
  // Header names are case-insensitive and undici sends `Content-Type` and `content-type` both,
  // so a custom header whose name matches a contract header in any case is dropped.
  const extra = Object.fromEntries(Object.entries(custom).filter(([name]) => !Object.hasOwn(contract, name.toLowerCase())));
  return { ...extra, ...contract };
}

/** The server's own inbox is loopback when Hookline runs locally: let exactly that through. */
const LOOPBACK = parseCidrList("127.0.0.0/8,::1/128");
function networkFor(url: string, network: NetworkPolicy): NetworkPolicy {
  return isOwnInboxUrl(url, env.HOOKLINE_PUBLIC_URL, env.PORT) ? { ...network, allowedCidrs: [...network.allowedCidrs, ...LOOPBACK] } : network;
}

export async function attemptDelivery(
  delivery: ClaimedDelivery,
  options: { timeoutMs: number; network: NetworkPolicy; interruption?: Interruption; now?: number },
): Promise<AttemptRecord> {
  const startedAt = options.now ?? Date.now();
  const body = webhookBody(delivery.eventType, delivery.eventCreatedAt, delivery.payload);
  const requestHeaders = buildRequestHeaders(delivery, body, startedAt);
  const result = await sendWebhook(
    { url: delivery.url, headers: requestHeaders, body, timeoutMs: options.timeoutMs, interruption: options.interruption },
    networkFor(delivery.url, options.network),
  );
  return { startedAt, requestHeaders, result };
}
