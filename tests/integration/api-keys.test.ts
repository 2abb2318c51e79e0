// SPEC §1: API keys are `hl_` + 32+ random chars, shown once, stored hashed, revocable, with a
// name and last-used time, and scoped to their account like everything else.
import { createHash, randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db";
import { authenticateApiKey, createApiKey, listApiKeys, revokeApiKey } from "@/lib/auth/api-keys";
import { newAccount } from "../helpers/harness";
import { databaseFilesContain, tableNames, tableRows } from "../helpers/db";

const KEY_FORMAT = /^hl_[A-Za-z0-9_-]{43}$/;
const MINUTE = 60_000;

/** Every row of every table, as text. */
async function everyRow(): Promise<string> {
  const dump: unknown[] = [];
  for (const table of await tableNames()) dump.push(table, await tableRows(table));
  return JSON.stringify(dump);
}

describe("API keys", () => {
  let alice: { id: string };
  let bob: { id: string };

  beforeAll(async () => {
    alice = await newAccount("alice");
    bob = await newAccount("bob");
  });

  it("creates an `hl_` key with 43 random base64url characters and a recognisable prefix", async () => {
    const { key, apiKey } = await createApiKey(alice.id, "CI");
    expect(key).toMatch(KEY_FORMAT);
    expect(apiKey).toEqual({
      id: expect.stringMatching(/^key_[0-9A-Z]{26}$/),
      name: "CI",
      prefix: `${key.slice(0, 7)}…`,
      lastUsedAt: null,
      revokedAt: null,
      createdAt: expect.any(String),
    });
    // Nothing in the DTO can stand in for the key.
    expect(JSON.stringify(apiKey)).not.toContain(key.slice(7));
    const other = await createApiKey(alice.id, "CI");
    expect(other.key).not.toBe(key);
  });

  it("stores only the key's SHA-256: the database never contains the key", async () => {
    const { key, apiKey } = await createApiKey(alice.id, "stored");
    const row = await prisma.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } });
    expect(row.keyHash).toBe(createHash("sha256").update(key).digest("hex"));
    expect(JSON.stringify(row)).not.toContain(key.slice(7));
    // Not in any column of any row…
    const rows = await everyRow();
    expect(rows).toContain(row.keyHash); // control: the dump sees this key's row
    expect(rows).not.toContain(key.slice(7));
    // …nor anywhere else in the database's files (indexes, free pages, write-ahead log).
    expect(await databaseFilesContain(row.keyHash)).toBe(true); // control: the scan sees this key's row
    expect(await databaseFilesContain(key.slice(7))).toBe(false);
  });

  it("authenticates a key as its account", async () => {
    const { key, apiKey } = await createApiKey(alice.id, "auth");
    expect(await authenticateApiKey(key)).toEqual({ userId: alice.id, keyId: apiKey.id });
  });

  it("rejects unknown and malformed keys", async () => {
    const { key } = await createApiKey(alice.id, "real");
    const rejected = [
      `hl_${randomBytes(32).toString("base64url")}`, // well-formed, never issued
      `${key}x`,
      key.slice(0, -1),
      key.toUpperCase().replace(/^HL_/, "hl_"),
      `xx_${key.slice(3)}`,
      key.slice(3),
      `Bearer ${key}`,
      `${key} `,
      "",
      "hl_",
      "hl_short",
      `hl_${"a".repeat(200)}`,
    ];
    for (const candidate of rejected) expect(await authenticateApiKey(candidate), JSON.stringify(candidate)).toBeNull();
    expect(await authenticateApiKey(key)).not.toBeNull(); // control
  });

  it("rejects a revoked key at once, and keeps it listed with its revocation time", async () => {
    const { key, apiKey } = await createApiKey(alice.id, "to revoke");
    expect(await authenticateApiKey(key)).not.toBeNull();
    const revokedAt = new Date("2031-03-04T05:06:07.000Z");
    expect(await revokeApiKey(alice.id, apiKey.id, revokedAt)).toBe(true);
    expect(await authenticateApiKey(key)).toBeNull();
    // Revoking again succeeds but keeps the first time.
    expect(await revokeApiKey(alice.id, apiKey.id, new Date("2032-01-01T00:00:00.000Z"))).toBe(true);
    const listed = (await listApiKeys(alice.id)).find((row) => row.id === apiKey.id);
    expect(listed).toMatchObject({ name: "to revoke", revokedAt: revokedAt.toISOString() });
    expect(await authenticateApiKey(key)).toBeNull();
  });

  it("records the last use at most once a minute", async () => {
    const { key, apiKey } = await createApiKey(alice.id, "last used");
    const lastUsedAt = async () => (await listApiKeys(alice.id)).find((row) => row.id === apiKey.id)!.lastUsedAt;
    expect(await lastUsedAt()).toBeNull();

    const t0 = new Date("2031-01-01T00:00:00.000Z");
    await authenticateApiKey(key, t0);
    expect(await lastUsedAt()).toBe(t0.toISOString());

    // Within the minute: still authenticates, but no write.
    for (const offset of [1, 30_000, MINUTE - 1]) {
      expect(await authenticateApiKey(key, new Date(t0.getTime() + offset))).not.toBeNull();
      expect(await lastUsedAt()).toBe(t0.toISOString());
    }

    const t1 = new Date(t0.getTime() + MINUTE + 1000);
    await authenticateApiKey(key, t1);
    expect(await lastUsedAt()).toBe(t1.toISOString());
    await authenticateApiKey(key, new Date(t1.getTime() + 10_000));
    expect(await lastUsedAt()).toBe(t1.toISOString());
  });

  it("revoking another account's key (or an unknown id) returns false and leaves it working", async () => {
    const { key, apiKey } = await createApiKey(alice.id, "alice's");
    expect(await revokeApiKey(bob.id, apiKey.id)).toBe(false);
    expect(await revokeApiKey(alice.id, "key_00000000000000000000000000")).toBe(false);
    expect(await authenticateApiKey(key)).toEqual({ userId: alice.id, keyId: apiKey.id });
    expect((await listApiKeys(alice.id)).find((row) => row.id === apiKey.id)?.revokedAt).toBeNull();
  });

  it("lists only the account's own keys, newest first", async () => {
    const carol = await newAccount("carol");
    const dave = await newAccount("dave");
    expect(await listApiKeys(carol.id)).toEqual([]);
    const first = await createApiKey(carol.id, "first");
    const second = await createApiKey(carol.id, "second");
    const daves = await createApiKey(dave.id, "dave's");
    expect((await listApiKeys(carol.id)).map((row) => row.id)).toEqual([second.apiKey.id, first.apiKey.id]);
    expect((await listApiKeys(dave.id)).map((row) => row.id)).toEqual([daves.apiKey.id]);
    expect((await listApiKeys(bob.id)).map((row) => row.id)).not.toContain(first.apiKey.id);
  });
});
