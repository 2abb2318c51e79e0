/**
 * Portal link tokens (SPEC §12): `<consumer id>.<expiry, Unix seconds in base 36>.<mac>`, where
 * mac is the base64url HMAC-SHA256 of the first two parts under the consumer's own portal key.
 *
 * - Signed, so a changed consumer or expiry does not verify; nothing is stored per link.
 * - One key per consumer: a token can only ever open its own consumer's portal, and replacing the
 *   key (revoking the links) invalidates every token signed with the old one at once.
 * - URL-safe, so the token is a path segment: `/portal/<token>/…`. The portal works inside a
 *   third-party iframe, where browsers withhold cookies, because the session is the URL.
 * Pure: keys and clocks are passed in.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** Default and longest link lifetime, in seconds. */
export const PORTAL_LINK_DEFAULT_SECONDS = 60 * 60;
export const PORTAL_LINK_MAX_SECONDS = 7 * 24 * 60 * 60;
export const PORTAL_LINK_MIN_SECONDS = 60;

// Consumer ids are `con_` + 26 Crockford base32 characters (lib/ids.ts); the pattern is anchored
// and has no nested repetition, so a hostile token costs linear time at most.
const TOKEN_PATTERN = /^(con_[0-9A-Z]{26})\.([0-9a-z]{1,8})\.([A-Za-z0-9_-]{43})$/;

/** A new random portal key for a consumer. */
export function generatePortalKey(): string {
  return randomBytes(32).toString("base64url");
}

function mac(key: string, consumerId: string, expiry: string): Buffer {
  return createHmac("sha256", Buffer.from(key, "base64url")).update(`hookline-portal.${consumerId}.${expiry}`).digest();
}

/** The token for `consumerId` valid until `expiresAt` (rounded down to the second). */
export function signPortalToken(key: string, consumerId: string, expiresAt: Date): string {
  const expiry = Math.floor(expiresAt.getTime() / 1000).toString(36);
  return `${consumerId}.${expiry}.${mac(key, consumerId, expiry).toString("base64url")}`;
}

export interface ParsedPortalToken {
  consumerId: string;
  expiresAt: Date;
  expiry: string;
  mac: string;
}

/** The token's parts, or null when it is not shaped like a token (nothing is verified yet). */
export function parsePortalToken(token: string): ParsedPortalToken | null {
  const match = token.length <= 128 ? TOKEN_PATTERN.exec(token) : null;
  if (!match) return null;
  const [, consumerId, expiry, signature] = match;
  return { consumerId, expiry, mac: signature, expiresAt: new Date(parseInt(expiry, 36) * 1000) };
}

/** Whether the parsed token was signed with `key` (constant-time comparison). */
export function portalTokenSignedWith(key: string, token: ParsedPortalToken): boolean {
  const expected = mac(key, token.consumerId, token.expiry);
  const given = Buffer.from(token.mac, "base64url");
  // The 43rd character carries 2 bits that decoding drops: only the canonical spelling counts,
  // so a token has exactly one valid form.
  return given.length === expected.length && timingSafeEqual(given, expected) && given.toString("base64url") === token.mac;
}
