/**
 * API keys: `hl_` + 32 random bytes in base64url (43 chars). Shown once; stored as SHA-256.
 * A revoked key stops authenticating at once and stays listed with its revocation time.
 */
import { createHash, randomBytes } from "node:crypto";
import { prisma } from "../db";
import { env } from "../env";
import { newId } from "../ids";
import { QuotaExceededError } from "../quotas";
import { lookUpApiKey } from "../store/api-key-lookup";
import { store } from "../store/connection";
import { insertApiKeyWithinQuota } from "../store/insert-within-quota";

export const API_KEY_PREFIX = "hl_";
/** Writing lastUsedAt on every request would turn every API read into a write. */
const LAST_USED_RESOLUTION_MS = 60_000;

export interface ApiKeyDto {
  id: string;
  name: string;
  /** `hl_AbCd…`: enough to recognise the key, useless to use it. */
  prefix: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  createdAt: string;
}

export interface ApiKeyIdentity {
  userId: string;
  keyId: string;
}

function hashKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

const dtoSelect = { id: true, name: true, prefix: true, lastUsedAt: true, revokedAt: true, createdAt: true } as const;

function toDto(row: { id: string; name: string; prefix: string; lastUsedAt: Date | null; revokedAt: Date | null; createdAt: Date }): ApiKeyDto {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

/**
 * Creates a key; the returned `key` is the only time the secret exists outside the caller.
 * Throws QuotaExceededError when the account has HOOKLINE_MAX_API_KEYS unrevoked keys already.
 */
export async function createApiKey(userId: string, name: string, now = new Date()): Promise<{ key: string; apiKey: ApiKeyDto }> {
  const key = API_KEY_PREFIX + randomBytes(32).toString("base64url");
  const id = newId("key");
  const prefix = `${key.slice(0, 7)}…`;
  const limit = env.HOOKLINE_MAX_API_KEYS;
  const inserted = await insertApiKeyWithinQuota(store(), { id, userId, name, keyHash: hashKey(key), prefix, createdAt: now.getTime() }, limit);
  if (!inserted) throw new QuotaExceededError("apiKeys", limit);
  return { key, apiKey: toDto({ id, name, prefix, lastUsedAt: null, revokedAt: null, createdAt: now }) };
}

export async function listApiKeys(userId: string): Promise<ApiKeyDto[]> {
  const rows = await prisma.apiKey.findMany({ where: { userId }, select: dtoSelect, orderBy: { id: "desc" } });
  return rows.map(toDto);
}

/** Revokes the key; false for an unknown or foreign id. Revoking twice keeps the first time. */
export async function revokeApiKey(userId: string, id: string, now = new Date()): Promise<boolean> {
  const key = await prisma.apiKey.findFirst({ where: { id, userId }, select: { revokedAt: true } });
  if (!key) return false;
  if (!key.revokedAt) await prisma.apiKey.updateMany({ where: { id, userId, revokedAt: null }, data: { revokedAt: now } });
  return true;
}

/**
 * The account behind a Bearer key, or null for a malformed, unknown or revoked key. Every API
 * request passes here: one prepared statement on SQLite, one round trip on PostgreSQL
 * (lib/store/api-key-lookup.ts).
 */
export async function authenticateApiKey(key: string, now = new Date()): Promise<ApiKeyIdentity | null> {
  if (!key.startsWith(API_KEY_PREFIX) || key.length < 35 || key.length > 100) return null;
  const row = await lookUpApiKey(store(), hashKey(key), now.getTime(), now.getTime() - LAST_USED_RESOLUTION_MS);
  if (!row) return null;
  return { userId: row.userId, keyId: row.id };
}
