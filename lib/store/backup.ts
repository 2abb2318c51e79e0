/**
 * The copy behind `npm run backup` (scripts/backup.ts), SQLite only.
 *
 * Contract: `vacuumInto(source, target)` writes into `target` (an existing, empty file) the
 * SQLite database at `source` exactly as it was at one instant, whatever the web server and
 * workers write meanwhile, without changing `source`. It uses SQLite's `VACUUM INTO`, which
 * copies the database as one read transaction (in WAL mode readers and writers do not block each
 * other, so deliveries keep flowing). The online backup API was the other candidate, but it
 * starts over whenever another process writes during the copy, so under a steady delivery load it
 * may never finish. The copy is compacted and in rollback-journal mode: one self-contained file
 * that `sqlite3` opens as is.
 *
 * PostgreSQL has its own tool for this, `pg_dump` (a consistent snapshot too, taken in one
 * repeatable-read transaction); `backupRefusal` says so instead of copying anything.
 */
import Database from "better-sqlite3";
import { parseDatabaseUrl } from "./engine";

/** Why `npm run backup` will not copy the database at `url`, or null when it can (SQLite). */
export function backupRefusal(url: string): string | null {
  if (parseDatabaseUrl(url).engine === "sqlite") return null;
  return (
    "npm run backup copies SQLite databases only, and DATABASE_URL names a PostgreSQL database. " +
    'Back it up with PostgreSQL\'s own tool, e.g. pg_dump --format=custom --file hookline.dump "$DATABASE_URL" ' +
    "(restore with pg_restore)."
  );
}

/** The SQLite file DATABASE_URL names (":memory:" is refused by the caller's existence check). */
export function sqliteSource(url: string): string {
  const target = parseDatabaseUrl(url);
  if (target.engine !== "sqlite") throw new Error(backupRefusal(url)!);
  return target.file;
}

export function vacuumInto(source: string, target: string): void {
  // Read-only: a backup must never change the database it copies. The busy timeout rides out
  // the moments a checkpoint holds the file.
  const db = new Database(source, { readonly: true, fileMustExist: true, timeout: 10_000 });
  try {
    db.prepare("VACUUM INTO ?").run(target);
  } finally {
    db.close();
  }
}
