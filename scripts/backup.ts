/**
 * `npm run backup -- <file> [--force]`: a consistent snapshot of the database in DATABASE_URL,
 * taken while Hookline runs.
 *
 * SQLite only: the copy is SQLite's `VACUUM INTO` (lib/store/backup.ts), exactly the database at
 * one instant, whatever the web server and the worker write meanwhile. On PostgreSQL it refuses,
 * pointing at `pg_dump`, before touching anything. The snapshot is written to a temporary file
 * beside the target and renamed into place, so an interrupted backup never leaves a
 * half-written file under the requested name.
 *
 * The copy holds everything the database does (signing secrets, session and key hashes), so it
 * is readable by its owner only (mode 0600) from the moment it exists: the temporary file is
 * created empty with that mode before SQLite writes into it (VACUUM INTO accepts an empty
 * file, and SQLite keeps an existing file's mode).
 */
import { closeSync, existsSync, fchmodSync, openSync, renameSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { sqliteSource, vacuumInto } from "../lib/store/backup";

const USAGE = "Usage: npm run backup -- <file> [--force]   (--force replaces an existing file)";

/** An empty file only its owner can read or write, whatever the umask. */
function createOwnerOnlyFile(file: string): void {
  const fd = openSync(file, "wx", 0o600);
  try {
    fchmodSync(fd, 0o600);
  } finally {
    closeSync(fd);
  }
}

function backupDatabase(source: string, target: string, options: { force?: boolean } = {}): { path: string; bytes: number } {
  const destination = path.resolve(target);
  if (!existsSync(source)) throw new Error(`There is no database at ${path.resolve(source)} (DATABASE_URL).`);
  if (existsSync(destination) && !options.force) throw new Error(`${destination} already exists; pass --force to replace it.`);
  if (!existsSync(path.dirname(destination))) throw new Error(`The folder ${path.dirname(destination)} does not exist.`);

  const temporary = `${destination}.partial-${process.pid}`;
  try {
    createOwnerOnlyFile(temporary);
    vacuumInto(source, temporary);
    renameSync(temporary, destination);
  } finally {
    rmSync(temporary, { force: true });
  }
  return { path: destination, bytes: statSync(destination).size };
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}

async function main() {
  const { values, positionals } = parseArgs({ options: { force: { type: "boolean", default: false } }, allowPositionals: true });
  if (positionals.length !== 1) {
    console.error(USAGE);
    process.exit(2);
  }
  // Imported here so a usage error does not first require a valid configuration.
  const { env } = await import("../lib/env");
  // On PostgreSQL this throws the refusal (pointing at pg_dump) before anything is written.
  const result = backupDatabase(sqliteSource(env.DATABASE_URL), positionals[0], { force: values.force });
  console.log(`Backup written to ${result.path} (${formatBytes(result.bytes)}, ${result.bytes} bytes).`);
}

main().catch((error) => {
  console.error(`Backup failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
