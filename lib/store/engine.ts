/**
 * Which database engine DATABASE_URL names (SPEC §9): `file:…` is SQLite, embedded, the
 * zero-configuration default; `postgres://…` or `postgresql://…` is PostgreSQL, for many web
 * servers and workers on many machines. Anything else is refused with a message naming the
 * variable, instead of being taken for a SQLite file path (`postgres:` used to become a folder).
 */
import path from "node:path";

export type DatabaseTarget = { engine: "sqlite"; file: string } | { engine: "postgres"; url: string };

export function parseDatabaseUrl(url: string): DatabaseTarget {
  if (url.startsWith("file:")) {
    const file = url.slice("file:".length);
    if (!file) throw new Error('DATABASE_URL "file:" names no file: use e.g. file:./data/hookline.db');
    return { engine: "sqlite", file };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new Error("DATABASE_URL is not a valid postgres:// URL (postgres://user:password@host:5432/database)");
    }
    if (!parsed.hostname && !parsed.searchParams.get("host")) throw new Error("DATABASE_URL names no PostgreSQL host");
    return { engine: "postgres", url };
  }
  throw new Error(
    `DATABASE_URL must start with file: (SQLite, e.g. file:./data/hookline.db) or postgres:// (PostgreSQL); got "${url.split(":")[0]}:…"`,
  );
}

/** A SQLite target's absolute file path (":memory:" stays as is). */
export function sqliteFilePath(file: string): string {
  return file === ":memory:" ? file : path.resolve(file);
}
