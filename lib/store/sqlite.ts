import type Database from "better-sqlite3";

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
