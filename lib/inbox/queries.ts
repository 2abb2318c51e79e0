/**
 * The built-in inbox: every account has a secret URL on this server that records what it
 * receives, so webhooks can be tried without an outside service.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { prisma } from "../db";
import { newId } from "../ids";
import { pageWithinBudget } from "../page-budget";
import { store } from "../store/connection";
import { payloadSizes } from "../store/payload-sizes";
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

/** Requests the inbox page shows at most, and the most body text they hold together (at least one). */
export const INBOX_PAGE = 50;
/**
 * The page refreshes itself every 2 s: 50 bodies of 256 KiB were 12.8 MB read, signature-checked
 * and rendered at each refresh, for as long as the page stayed open.
 */
export const INBOX_PAGE_BODY_BYTES = 1024 * 1024;

/**
 * The inbox's latest requests (or those before the request `before`), newest first, within
 * INBOX_PAGE_BODY_BYTES of body; `olderCursor` leads on to the older ones.
 */
export async function listInboxRequests(userId: string, page: { before?: string } = {}): Promise<{ requests: InboxRequestDto[]; olderCursor: string | null }> {
  const sizes = await payloadSizes(store(), "InboxRequest", { userId, cursor: page.before, limit: INBOX_PAGE + 1 });
  const { ids, nextCursor } = pageWithinBudget(sizes, INBOX_PAGE, INBOX_PAGE_BODY_BYTES);
  const rows = ids.length ? await prisma.inboxRequest.findMany({ where: { userId, id: { in: ids } }, orderBy: { id: "desc" } }) : [];
  const requests = rows.map((row) => ({
    id: row.id,
    method: row.method,
    headers: JSON.parse(row.headers) as Record<string, string>,
    body: row.body,
    receivedAt: row.receivedAt.toISOString(),
  }));
  return { requests, olderCursor: nextCursor };
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
