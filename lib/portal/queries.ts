/**
 * The endpoint portal (SPEC §12): links an account hands to one of its consumers, the session
 * such a link opens, and the account's settings for how the portal looks and who may embed it.
 *
 * A session is its link: the token in the portal's URL is checked on every request (signature
 * under the consumer's current key, then expiry), so revoking, which drops the key, ends every
 * session at once, and deleting the consumer or the account ends them too.
 */
import { prisma } from "../db";
import type { PortalSettingsInput } from "../validations/portal";
import { generatePortalKey, parsePortalToken, portalTokenSignedWith, signPortalToken } from "./token";

export interface PortalBranding {
  brandName: string | null;
  accentColor: string | null;
  logoUrl: string | null;
}

export interface PortalSettingsDto extends PortalBranding {
  allowedOrigins: string[];
}

export interface PortalSession {
  token: string;
  userId: string;
  consumer: { id: string; uid: string; name: string };
  expiresAt: Date;
  settings: PortalSettingsDto;
}

const NO_SETTINGS: PortalSettingsDto = { brandName: null, accentColor: null, logoUrl: null, allowedOrigins: [] };

const settingsSelect = { brandName: true, accentColor: true, logoUrl: true, allowedOrigins: true } as const;

function toSettings(row: { brandName: string | null; accentColor: string | null; logoUrl: string | null; allowedOrigins: string } | null): PortalSettingsDto {
  if (!row) return NO_SETTINGS;
  return { ...row, allowedOrigins: row.allowedOrigins.split(" ").filter(Boolean) };
}

/**
 * The session a token opens, or null: not a token, a consumer that no longer exists, a
 * signature that does not verify under its current key. An expired link still says whose it
 * was (`expired: true`), so its page can be framed by the account's origins and say so there.
 */
export async function verifyPortalToken(token: string, now = Date.now()): Promise<(PortalSession & { expired: boolean }) | null> {
  const parsed = parsePortalToken(token);
  if (!parsed) return null;
  const consumer = await prisma.consumer.findUnique({
    where: { id: parsed.consumerId },
    select: { id: true, uid: true, name: true, userId: true, portalKey: true, user: { select: { portalSettings: { select: settingsSelect } } } },
  });
  if (!consumer?.portalKey || !portalTokenSignedWith(consumer.portalKey, parsed)) return null;
  return {
    token,
    userId: consumer.userId,
    consumer: { id: consumer.id, uid: consumer.uid, name: consumer.name },
    expiresAt: parsed.expiresAt,
    expired: parsed.expiresAt.getTime() <= now,
    settings: toSettings(consumer.user.portalSettings),
  };
}

/** The live session a token opens, or null (expired links included). */
export async function portalSession(token: string, now = Date.now()): Promise<PortalSession | null> {
  const verified = await verifyPortalToken(token, now);
  return verified && !verified.expired ? verified : null;
}

/**
 * A link to the consumer's portal valid for `expiresInSeconds`, under `origin` (where browsers
 * reach this Hookline); null when the account has no consumer `uid`.
 */
export async function createPortalLink(userId: string, uid: string, expiresInSeconds: number, origin: string, now = Date.now()): Promise<{ url: string; expiresAt: string } | null> {
  const consumer = await prisma.consumer.findUnique({ where: { userId_uid: { userId, uid } }, select: { id: true, portalKey: true, updatedAt: true } });
  if (!consumer) return null;
  let key = consumer.portalKey;
  if (!key) {
    // The first link (or the first since a revocation) makes the key. Two at once: one write
    // wins and both links are signed with the winner's key. `updatedAt` stays the consumer's.
    await prisma.consumer.updateMany({ where: { id: consumer.id, portalKey: null }, data: { portalKey: generatePortalKey(), updatedAt: consumer.updatedAt } });
    key = (await prisma.consumer.findUnique({ where: { id: consumer.id }, select: { portalKey: true } }))?.portalKey ?? null;
    if (!key) return null;
  }
  const expiresAt = new Date(Math.floor((now + expiresInSeconds * 1000) / 1000) * 1000);
  return { url: `${origin}/portal/${signPortalToken(key, consumer.id, expiresAt)}`, expiresAt: expiresAt.toISOString() };
}

/** Ends every link and portal session of the consumer; false when the account has no consumer `uid`. */
export async function revokePortalLinks(userId: string, uid: string): Promise<boolean> {
  const consumer = await prisma.consumer.findUnique({ where: { userId_uid: { userId, uid } }, select: { id: true, updatedAt: true } });
  if (!consumer) return false;
  const { count } = await prisma.consumer.updateMany({ where: { id: consumer.id }, data: { portalKey: null, updatedAt: consumer.updatedAt } });
  return count > 0;
}

export async function getPortalSettings(userId: string): Promise<PortalSettingsDto> {
  return toSettings(await prisma.portalSettings.findUnique({ where: { userId }, select: settingsSelect }));
}

export async function updatePortalSettings(userId: string, input: PortalSettingsInput): Promise<PortalSettingsDto> {
  const data = { ...input, allowedOrigins: input.allowedOrigins.join(" ") };
  return toSettings(await prisma.portalSettings.upsert({ where: { userId }, create: { userId, ...data }, update: data, select: settingsSelect }));
}

/** Whether the endpoint (deleted ones included: their deliveries stay in the log) is the session's consumer's. */
export async function portalOwnsEndpoint(session: PortalSession, endpointId: string): Promise<boolean> {
  const count = await prisma.endpoint.count({ where: { id: endpointId, userId: session.userId, consumerId: session.consumer.id } });
  return count > 0;
}

/** The endpoint a delivery of the session's consumer went to, or null for any other delivery id. */
export async function portalDeliveryEndpoint(session: PortalSession, deliveryId: string): Promise<string | null> {
  const delivery = await prisma.delivery.findFirst({
    where: { id: deliveryId, userId: session.userId, endpoint: { consumerId: session.consumer.id } },
    select: { endpointId: true },
  });
  return delivery?.endpointId ?? null;
}
