/**
 * The account of each endpoint, for the worker's fair share (an endpoint woken by a
 * notification arrives without one). Endpoints that no longer exist are left out.
 */
import type { Store } from "./connection";
import { query } from "./postgres";
import { preparedStatements } from "./sqlite";

const sqliteStatements = preparedStatements((db) => ({
  accountOf: db.prepare(`SELECT userId FROM "Endpoint" WHERE id = ?`).pluck(),
}));

export async function accountsOfEndpoints(store: Store, endpointIds: string[]): Promise<Map<string, string>> {
  if (endpointIds.length === 0) return new Map();
  if (store.engine === "sqlite") {
    const sql = sqliteStatements(store.sqlite);
    const found = new Map<string, string>();
    for (const endpointId of endpointIds) {
      const accountId = sql.accountOf.get(endpointId) as string | undefined;
      if (accountId !== undefined) found.set(endpointId, accountId);
    }
    return found;
  }
  const { rows } = await query<{ id: string; userId: string }>(store, store.pool, `SELECT id, "userId" FROM "Endpoint" WHERE id = ANY($1::text[])`, [endpointIds]);
  return new Map(rows.map((row) => [row.id, row.userId]));
}
