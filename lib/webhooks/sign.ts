/**
 * Standard Webhooks 1.0 signing.
 *
 * Contract: the signature is `v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`, where
 * key is the base64-decoded part of the secret after `whsec_`. Several secrets (during a
 * rotation) give several signatures separated by spaces. Pure: the timestamp is passed in.
 */
import { createHmac, randomBytes } from "node:crypto";

const SECRET_PREFIX = "whsec_";

/** A new endpoint signing secret: `whsec_` + base64 of 32 random bytes. */
export function generateSigningSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString("base64");
}

function secretKey(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  return Buffer.from(encoded, "base64");
}

/** One `v1,<base64>` signature of `body` for message `id` at Unix-seconds `timestamp`. */
export function signPayload(secret: string, id: string, timestamp: number, body: string): string {
  const mac = createHmac("sha256", secretKey(secret)).update(`${id}.${timestamp}.${body}`).digest("base64");
  return `v1,${mac}`;
}

/** The three Standard Webhooks headers for one attempt, signed with every given secret. */
export function signatureHeaders(
  secrets: string[],
  id: string,
  timestamp: number,
  body: string,
): { "webhook-id": string; "webhook-timestamp": string; "webhook-signature": string } {
  return {
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": secrets.map((secret) => signPayload(secret, id, timestamp, body)).join(" "),
  };
}
