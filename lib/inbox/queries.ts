/**
 * The built-in inbox: every account has a secret URL on this server that records what it
 * receives, so webhooks can be tried without an outside service.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { prisma } from "../db";
import { newId } from "../ids";
import { signPayload } from "../webhooks/sign";

export const INBOX_KEEP = 100;
export const INBOX_MAX_BODY = 256 * 1024;
/** Standard Webhooks receivers refuse timestamps further than this from the time of receipt. */
const TIMESTAMP_TOLERANCE_S = 5 * 60;

export interface InboxRequestDto {
  id: string;
  method: string;
  headers: Record<string, string>;
  body: string;
  receivedAt: string;
}

/** The account's inbox token, made on first use. */
export async function inboxToken(userId: string): Promise<string> {
  const user = await prisma.user.findUnique({ where: { id: userId }, select: { inboxToken: true } });
  if (user?.inboxToken) return user.inboxToken;
  const token = randomBytes(18).toString("base64url");
  await prisma.user.updateMany({ where: { id: userId, inboxToken: null }, data: { inboxToken: token } });
  return (await prisma.user.findUnique({ where: { id: userId }, select: { inboxToken: true } }))!.inboxToken!;
}

/** The account whose inbox has this token, or null: asked before the request's body is read. */
export async function inboxOwner(token: string): Promise<string | null> {
  const user = await prisma.user.findUnique({ where: { inboxToken: token }, select: { id: true } });
  return user?.id ?? null;
}

/**
 * Records a request received by this account's inbox (its body cut to INBOX_MAX_BODY; U+0000,
 * which PostgreSQL text cannot hold, as U+FFFD, as attempts' response bodies are), keeping the
 * newest INBOX_KEEP.
 */
export async function recordInboxRequest(userId: string, request: { method: string; headers: Record<string, string>; body: string }): Promise<void> {
  await prisma.inboxRequest.create({
    data: { id: newId("inb"), userId, method: request.method, headers: JSON.stringify(request.headers), body: request.body.slice(0, INBOX_MAX_BODY).replaceAll("\u0000", "\uFFFD") },
  });
  const stale = await prisma.inboxRequest.findMany({ where: { userId }, orderBy: { id: "desc" }, skip: INBOX_KEEP, select: { id: true } });
  if (stale.length) await prisma.inboxRequest.deleteMany({ where: { id: { in: stale.map((row) => row.id) } } });
}

/** Records a request for the inbox with this token; false when no account has it. */
export async function receiveInboxRequest(token: string, request: { method: string; headers: Record<string, string>; body: string }): Promise<boolean> {
  const userId = await inboxOwner(token);
  if (!userId) return false;
  await recordInboxRequest(userId, request);
  return true;
}

export async function listInboxRequests(userId: string): Promise<InboxRequestDto[]> {
  const rows = await prisma.inboxRequest.findMany({ where: { userId }, orderBy: { id: "desc" }, take: 50 });
  return rows.map((row) => ({
    id: row.id,
    method: row.method,
    headers: JSON.parse(row.headers) as Record<string, string>,
    body: row.body,
    receivedAt: row.receivedAt.toISOString(),
  }));
}

export type SignatureCheck = { valid: true } | { valid: false; reason: string };

/**
 * Verifies a received request the way a Standard Webhooks receiver would (any `v1,` signature
 * made with `secret`, timestamp within 5 minutes of when it was received). Pure.
 */
export function verifyInboxSignature(request: Pick<InboxRequestDto, "headers" | "body" | "receivedAt">, secret: string): SignatureCheck {
  const id = request.headers["webhook-id"];
  const timestamp = request.headers["webhook-timestamp"];
  const signatures = request.headers["webhook-signature"];
  if (!id || !timestamp || !signatures) return { valid: false, reason: "missing webhook-id, webhook-timestamp or webhook-signature" };
  const seconds = Number(timestamp);
  if (!Number.isInteger(seconds) || Math.abs(Date.parse(request.receivedAt) / 1000 - seconds) > TIMESTAMP_TOLERANCE_S) {
    return { valid: false, reason: "timestamp too far from the time of receipt" };
  }
  const expected = Buffer.from(signPayload(secret, id, seconds, request.body));
  const matches = signatures.split(" ").some((candidate) => {
    const given = Buffer.from(candidate);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return matches ? { valid: true } : { valid: false, reason: "no signature matches this endpoint's secret" };
}
