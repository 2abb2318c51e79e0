/**
 * One Prisma schema, two providers. prisma/schema.prisma (provider "sqlite") is the only schema
 * anyone edits; the PostgreSQL schema is derived from it mechanically: the datasource provider
 * becomes "postgresql" and the client is generated into lib/generated/prisma-postgres. Nothing
 * else changes, so both clients have the same models, fields and types.
 *
 * The derived file (prisma/postgres/schema.prisma) is gitignored and rewritten before every
 * generation (scripts/prisma-generate.ts: `postinstall`, `npm start`, `npm test`): a committed
 * copy could go stale or be edited by mistake, and the migrator derives the same text in memory,
 * so migrations never depend on it being current.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..", "..");
export const SQLITE_SCHEMA_PATH = path.join(ROOT, "prisma", "schema.prisma");
export const POSTGRES_SCHEMA_PATH = path.join(ROOT, "prisma", "postgres", "schema.prisma");
/** Relative to the derived schema's folder, which is how Prisma resolves `output`. */
export const POSTGRES_CLIENT_OUTPUT = "../../lib/generated/prisma-postgres";

export const DERIVED_HEADER = "// GENERATED from prisma/schema.prisma by scripts/prisma-generate.ts: do not edit, edit that file.\n";

/** Replaces `key = "…"` inside the first block matching `block`; throws when either is missing. */
function replaceInBlock(schema: string, block: RegExp, what: string, key: string, value: string): string {
  const match = block.exec(schema);
  if (!match) throw new Error(`prisma/schema.prisma has no ${what} block`);
  const line = new RegExp(`^(\\s*${key}\\s*=\\s*)"[^"]*"`, "m");
  if (!line.test(match[0])) throw new Error(`prisma/schema.prisma: the ${what} block has no ${key}`);
  const replaced = match[0].replace(line, `$1"${value}"`);
  return schema.slice(0, match.index) + replaced + schema.slice(match.index + match[0].length);
}

/** The PostgreSQL schema for the SQLite schema's text (pure). */
export function derivePostgresSchema(sqliteSchema: string): string {
  let schema = replaceInBlock(sqliteSchema, /^datasource\s+\w+\s*\{[^}]*\}/m, "datasource", "provider", "postgresql");
  schema = replaceInBlock(schema, /^generator\s+client\s*\{[^}]*\}/m, "generator client", "output", POSTGRES_CLIENT_OUTPUT);
  return DERIVED_HEADER + schema;
}

export function readSqliteSchema(): string {
  return readFileSync(SQLITE_SCHEMA_PATH, "utf8");
}

/** Writes prisma/postgres/schema.prisma from prisma/schema.prisma; returns its path. */
export function writePostgresSchema(): string {
  mkdirSync(path.dirname(POSTGRES_SCHEMA_PATH), { recursive: true });
  writeFileSync(POSTGRES_SCHEMA_PATH, derivePostgresSchema(readSqliteSchema()));
  return POSTGRES_SCHEMA_PATH;
}
