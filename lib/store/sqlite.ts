import Database from "better-sqlite3";

/** How long a connection waits for another's write lock before SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5000;

/**
 * A raw connection that writes: every one of them (this process's, the worker's writer thread's)
 * opens the file the same way. WAL lets readers (the dashboard) run while the worker writes.
 * FULL syncs the WAL at every commit, so an event answered 202 survives a power loss, not only
 * a process crash; group commit (insert-events.ts) and batched outcomes (record-outcomes.ts)
 * share each sync.
 */
export function openSqliteConnection(file: string, synchronous: "FULL" | "NORMAL"): Database.Database {
  const db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
  db.pragma("journal_mode = WAL");
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma("foreign_keys = ON");
  return db;
}

/**
 * Prepared statements for the raw connection's hot paths, made once per connection on first
 * use: `const statementsFor = preparedStatements((db) => ({ byId: db.prepare(…) }))`.
 * Preparing costs more than running most of these statements; keyed by connection because
 * tests and tools open more than one database in a process.
 */
export function preparedStatements<T>(prepare: (db: Database.Database) => T): (db: Database.Database) => T {
  const cache = new WeakMap<Database.Database, T>();
  return (db) => {
    let statements = cache.get(db);
    if (!statements) cache.set(db, (statements = prepare(db)));
    return statements;
  };
}
