/**
 * Prisma's model API for ordinary reads and writes, on whichever engine DATABASE_URL names.
 * Anything that needs SQL, a driver, or changes a delivery's status goes through lib/store/.
 */
import { store } from "./store/connection";

export const prisma = store().prisma;

/**
 * @deprecated Transitional (issue 11): the raw SQLite connection, for code not yet moved into
 * lib/store/. Throws on PostgreSQL.
 */
export function sqlite() {
  const current = store();
  if (current.engine !== "sqlite") throw new Error("This code path still needs SQLite: not yet moved into lib/store/");
  return current.sqlite;
}

/** @deprecated Transitional (issue 11): the SQLite file DATABASE_URL names. */
export function databasePath(): string {
  const current = store();
  if (current.engine !== "sqlite") throw new Error("DATABASE_URL is not a SQLite file");
  return current.file;
}
