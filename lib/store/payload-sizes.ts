/**
 * The API's event and schedule lists, and the inbox page, read a page's ids and data sizes first
 * (lib/page-budget.ts), so that a page of large rows is cut to a byte budget before any row's data
 * is read.
 *
 * Contract: the account's rows of `table` newest first (keyset on the time-sortable id,
 * `id < cursor`), optionally of one type, with the size in bytes (UTF-8) of each one's data (its
 * DATA_COLUMN), at most `limit`. `octet_length` takes the size from the row's header on both engines (SQLite
 * 3.43 and later: the record header; PostgreSQL: the stored length, compressed or not), without
 * reading the data.
 */
import type { Store } from "./connection";
import { query } from "./postgres";

export interface PayloadSize {
  id: string;
  payloadBytes: number;
}

/** Each listed table's column of large data. */
const DATA_COLUMN = { Event: "payload", Schedule: "payload", InboxRequest: "body" } as const;

export async function payloadSizes(store: Store, table: keyof typeof DATA_COLUMN, page: { userId: string; type?: string; cursor?: string; limit: number }): Promise<PayloadSize[]> {
  const values: unknown[] = [];
  // Each value once, in order: `?` on SQLite, `$n` on PostgreSQL.
  const param = (value: unknown) => (store.engine === "sqlite" ? (values.push(value), "?") : `$${values.push(value)}`);
  const filters = [`"userId" = ${param(page.userId)}`];
  if (page.type !== undefined) filters.push(`type = ${param(page.type)}`);
  if (page.cursor !== undefined) filters.push(`id < ${param(page.cursor)}`);
  const sql = `SELECT id, octet_length(${DATA_COLUMN[table]}) AS "payloadBytes" FROM "${table}" WHERE ${filters.join(" AND ")} ORDER BY id DESC LIMIT ${param(page.limit)}`;
  if (store.engine === "sqlite") return store.sqlite.prepare(sql).all(...values) as PayloadSize[];
  const { rows } = await query<PayloadSize>(store, store.pool, sql, values);
  return rows;
}
