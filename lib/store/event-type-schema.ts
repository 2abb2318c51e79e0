/**
 * The schema an event's type has in its account's catalog: every accepted event asks, so it is
 * one prepared statement on SQLite and one round trip on PostgreSQL (the unique index on
 * userId + name answers it).
 *
 * Contract: the type's schema as JSON text, or null when the type is not in the account's
 * catalog or has no schema.
 */
import type { Store } from "./connection";
import { query, type PreparedStatement } from "./postgres";
import { preparedStatements } from "./sqlite";

const statementsFor = preparedStatements((db) => ({
  byName: db.prepare(`SELECT schema FROM "EventType" WHERE userId = ? AND name = ? AND schema IS NOT NULL`),
}));

const BY_NAME_ON_POSTGRES: PreparedStatement = {
  name: "hookline_event_type_schema",
  text: `SELECT schema FROM "EventType" WHERE "userId" = $1 AND name = $2 AND schema IS NOT NULL`,
};

export async function eventTypeSchema(store: Store, userId: string, name: string): Promise<string | null> {
  if (store.engine === "sqlite") return (statementsFor(store.sqlite).byName.get(userId, name) as { schema: string } | undefined)?.schema ?? null;
  const { rows } = await query<{ schema: string }>(store, store.pool, BY_NAME_ON_POSTGRES, [userId, name]);
  return rows[0]?.schema ?? null;
}
