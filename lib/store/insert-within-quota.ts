/**
 * Insert within quota: an account's endpoints, schedules, API keys and event types are capped
 * (HOOKLINE_MAX_ENDPOINTS, HOOKLINE_MAX_SCHEDULES, HOOKLINE_MAX_API_KEYS,
 * HOOKLINE_MAX_EVENT_TYPES; lib/quotas.ts), and so is the size of its event types' schemas and
 * examples together (HOOKLINE_MAX_CATALOG_BYTES), on insert and on update alike.
 *
 * Contract: the row is inserted only if the account holds fewer than `limit` counted rows
 * (live endpoints, schedules, unrevoked keys), and returns whether it was. However many
 * creates race for one account, on however many processes or machines, the count never ends
 * above the limit.
 *
 * - SQLite: the count and the insert are one statement (`INSERT … SELECT … WHERE (SELECT
 *   count(*) …) < limit`); SQLite runs one writer at a time, so no other insert lands between
 *   them.
 * - PostgreSQL: that statement alone is NOT safe. Under READ COMMITTED each of two concurrent
 *   transactions counts from its own snapshot, neither sees the other's uncommitted row, and both
 *   insert. So creates for one account are serialized on the account's row: the transaction
 *   first takes `SELECT … FROM "User" WHERE id = $1 FOR NO KEY UPDATE` (a second create waits
 *   there until the first commits), and only then runs the count-and-insert, whose snapshot,
 *   taken after the lock was granted, sees the first create's row. It cannot be folded into one
 *   statement: a statement's snapshot is taken before it waits for a row lock, and a lock on a
 *   row that was not modified does not refresh it. NO KEY UPDATE rather than UPDATE: the foreign
 *   key checks of other inserts for this account (events, deliveries, sessions) take KEY SHARE
 *   on the same row, which NO KEY UPDATE does not block, so ingest is not held up by a create.
 */
import type { PostgresStore, SqliteStore, Store } from "./connection";
import { at, query, transaction } from "./postgres";
import { preparedStatements } from "./sqlite";

export interface EndpointInsert {
  id: string;
  userId: string;
  name: string;
  url: string;
  description: string;
  secret: string;
  enabled: boolean;
  /** JSON text, as stored. */
  eventTypes: string;
  /** JSON text, as stored. */
  headers: string;
  ordering: string;
  consumerId: string | null;
  /** Also: fewer than this many live endpoints of `consumerId` (a portal's create, SPEC §12). */
  consumerLimit: number | null;
  /** Unix ms: createdAt and updatedAt. */
  now: number;
}

export interface ScheduleInsert {
  id: string;
  userId: string;
  name: string;
  cron: string;
  timezone: string;
  type: string;
  /** JSON text, as stored. */
  payload: string;
  endpointId: string | null;
  paused: boolean;
  /** Unix ms, null while paused or when the cron has no next run. */
  nextRunAt: number | null;
  /** Unix ms: createdAt and updatedAt. */
  now: number;
}

export interface ApiKeyInsert {
  id: string;
  userId: string;
  name: string;
  keyHash: string;
  prefix: string;
  /** Unix ms. */
  createdAt: number;
}

export interface EventTypeInsert {
  id: string;
  userId: string;
  name: string;
  description: string;
  /** JSON text, as stored. */
  schema: string | null;
  /** JSON text, as stored. */
  example: string | null;
  deprecated: boolean;
  /** Unix ms: createdAt and updatedAt. */
  now: number;
}

export interface ConsumerInsert {
  id: string;
  userId: string;
  uid: string;
  name: string;
  /** Unix ms: createdAt and updatedAt. */
  now: number;
}

const statementsFor = preparedStatements((db) => ({
  endpoint: db.prepare(
    `INSERT INTO "Endpoint" (id, userId, name, url, description, secret, enabled, eventTypes, headers, ordering, consumerId, createdAt, updatedAt)
     SELECT @id, @userId, @name, @url, @description, @secret, @enabled, @eventTypes, @headers, @ordering, @consumerId, @now, @now
     WHERE (SELECT count(*) FROM "Endpoint" WHERE userId = @userId AND deletedAt IS NULL) < @limit
       AND (@consumerLimit IS NULL OR (SELECT count(*) FROM "Endpoint" WHERE userId = @userId AND consumerId = @consumerId AND deletedAt IS NULL) < @consumerLimit)`,
  ),
  schedule: db.prepare(
    `INSERT INTO "Schedule" (id, userId, name, cron, timezone, type, payload, endpointId, paused, nextRunAt, createdAt, updatedAt)
     SELECT @id, @userId, @name, @cron, @timezone, @type, @payload, @endpointId, @paused, @nextRunAt, @now, @now
     WHERE (SELECT count(*) FROM "Schedule" WHERE userId = @userId) < @limit`,
  ),
  // A name the account already has inserts nothing too (the caller tells which it was).
  eventType: db.prepare(
    `INSERT INTO "EventType" (id, userId, name, description, schema, example, deprecated, createdAt, updatedAt)
     SELECT @id, @userId, @name, @description, @schema, @example, @deprecated, @now, @now
     WHERE (SELECT count(*) FROM "EventType" WHERE userId = @userId) < @limit
       AND ${catalogBytesOf("userId = @userId")} + ${entryBytes("@schema", "@example")} <= @maxCatalogBytes
     ON CONFLICT (userId, name) DO NOTHING`,
  ),
  eventTypeUpdate: db.prepare(
    `UPDATE "EventType" SET ${EVENT_TYPE_CHANGES.map((column) => `${column} = CASE WHEN @set_${column} THEN @${column} ELSE ${column} END`).join(", ")}, updatedAt = @now
     WHERE id = @id AND userId = @userId
       AND ${withinCatalogBytes("userId = @userId AND id <> @id", entryBytes("CASE WHEN @set_schema THEN @schema ELSE schema END", "CASE WHEN @set_example THEN @example ELSE example END"), "@maxCatalogBytes")}`,
  ),
  // A uid the account already has inserts nothing too (the caller tells which it was).
  consumer: db.prepare(
    `INSERT INTO "Consumer" (id, userId, uid, name, createdAt, updatedAt)
     SELECT @id, @userId, @uid, @name, @now, @now
     WHERE (SELECT count(*) FROM "Consumer" WHERE userId = @userId) < @limit
     ON CONFLICT (userId, uid) DO NOTHING`,
  ),
  apiKey: db.prepare(
    `INSERT INTO "ApiKey" (id, userId, name, keyHash, prefix, createdAt)
     SELECT @id, @userId, @name, @keyHash, @prefix, @createdAt
     WHERE (SELECT count(*) FROM "ApiKey" WHERE userId = @userId AND revokedAt IS NULL) < @limit`,
  ),
}));

/** Runs `insert` (a count-and-insert statement, or a write checked against the account's other rows) after locking the account's row; see the contract. */
async function writeForAccount(store: PostgresStore, userId: string, text: string, values: unknown[]): Promise<boolean> {
  return transaction(store, async (client) => {
    await query(store, client, `SELECT 1 FROM "User" WHERE id = $1 FOR NO KEY UPDATE`, [userId]);
    return (await query(store, client, text, values)).rowCount === 1;
  });
}

export async function insertEndpointWithinQuota(store: Store, row: EndpointInsert, limit: number): Promise<boolean> {
  if (store.engine === "sqlite") return insertEndpointOnSqlite(store, row, limit);
  return writeForAccount(
    store,
    row.userId,
    `INSERT INTO "Endpoint" (id, "userId", name, url, description, secret, enabled, "eventTypes", headers, ordering, "consumerId", "createdAt", "updatedAt")
     SELECT $1, $2, $3, $4, $5, $6, $7::boolean, $8, $9, $12, $13, $10::timestamp, $10::timestamp
     WHERE (SELECT count(*) FROM "Endpoint" WHERE "userId" = $2 AND "deletedAt" IS NULL) < $11
       AND ($14::int IS NULL OR (SELECT count(*) FROM "Endpoint" WHERE "userId" = $2 AND "consumerId" = $13 AND "deletedAt" IS NULL) < $14::int)`,
    [row.id, row.userId, row.name, row.url, row.description, row.secret, row.enabled, row.eventTypes, row.headers, at(row.now), limit, row.ordering, row.consumerId, row.consumerLimit],
  );
}

function insertEndpointOnSqlite(store: SqliteStore, row: EndpointInsert, limit: number): boolean {
  return statementsFor(store.sqlite).endpoint.run({ ...row, enabled: row.enabled ? 1 : 0, limit }).changes === 1;
}

export async function insertScheduleWithinQuota(store: Store, row: ScheduleInsert, limit: number): Promise<boolean> {
  if (store.engine === "sqlite") {
    return statementsFor(store.sqlite).schedule.run({ ...row, paused: row.paused ? 1 : 0, limit }).changes === 1;
  }
  return writeForAccount(
    store,
    row.userId,
    `INSERT INTO "Schedule" (id, "userId", name, cron, timezone, type, payload, "endpointId", paused, "nextRunAt", "createdAt", "updatedAt")
     SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9::boolean, $10::timestamp, $11::timestamp, $11::timestamp
     WHERE (SELECT count(*) FROM "Schedule" WHERE "userId" = $2) < $12`,
    [row.id, row.userId, row.name, row.cron, row.timezone, row.type, row.payload, row.endpointId, row.paused, at(row.nextRunAt), at(row.now), limit],
  );
}

export async function insertApiKeyWithinQuota(store: Store, row: ApiKeyInsert, limit: number): Promise<boolean> {
  if (store.engine === "sqlite") return statementsFor(store.sqlite).apiKey.run({ ...row, limit }).changes === 1;
  return writeForAccount(
    store,
    row.userId,
    `INSERT INTO "ApiKey" (id, "userId", name, "keyHash", prefix, "createdAt")
     SELECT $1, $2, $3, $4, $5, $6::timestamp
     WHERE (SELECT count(*) FROM "ApiKey" WHERE "userId" = $2 AND "revokedAt" IS NULL) < $7`,
    [row.id, row.userId, row.name, row.keyHash, row.prefix, at(row.createdAt), limit],
  );
}

/** The bytes of JSON an entry's schema and example hold (SQL over two text expressions: same on both engines). */
const entryBytes = (schema: string, example: string) => `coalesce(octet_length(${schema}), 0) + coalesce(octet_length(${example}), 0)`;

/** The bytes of the account's entries matching `where` (SQL), from the rows' headers: no schema is read. */
const catalogBytesOf = (where: string) => `(SELECT coalesce(sum(${entryBytes("schema", "example")}), 0) FROM "EventType" WHERE ${where})`;

/**
 * False when the account has `limit` event types already, or one of this name, or when this
 * entry's schema and example would take the catalog past `maxCatalogBytes`
 * (HOOKLINE_MAX_CATALOG_BYTES).
 */
export async function insertEventTypeWithinQuota(store: Store, row: EventTypeInsert, limit: number, maxCatalogBytes: number): Promise<boolean> {
  if (store.engine === "sqlite") return statementsFor(store.sqlite).eventType.run({ ...row, deprecated: row.deprecated ? 1 : 0, limit, maxCatalogBytes }).changes === 1;
  return writeForAccount(
    store,
    row.userId,
    `INSERT INTO "EventType" (id, "userId", name, description, schema, example, deprecated, "createdAt", "updatedAt")
     SELECT $1, $2, $3, $4, $5, $6, $7::boolean, $8::timestamp, $8::timestamp
     WHERE (SELECT count(*) FROM "EventType" WHERE "userId" = $2) < $9
       AND ${catalogBytesOf(`"userId" = $2`)} + ${entryBytes("$5::text", "$6::text")} <= $10
     ON CONFLICT ("userId", name) DO NOTHING`,
    [row.id, row.userId, row.name, row.description, row.schema, row.example, row.deprecated, at(row.now), limit, maxCatalogBytes],
  );
}

/**
 * An updated entry of `newBytes` keeps the catalog within the limit, or does not grow: a catalog
 * over it (the limit lowered, or rows written before it existed) can still be made smaller.
 */
const withinCatalogBytes = (others: string, newBytes: string, limit: string) => `(${catalogBytesOf(others)} + ${newBytes} <= ${limit} OR ${newBytes} <= ${entryBytes("schema", "example")})`;

/** The fields of an event type a change may set (schema and example as JSON text, as stored). */
const EVENT_TYPE_CHANGES = ["description", "deprecated", "schema", "example"] as const;

export type EventTypeChanges = Partial<{ description: string; deprecated: boolean; schema: string | null; example: string | null }>;

/**
 * Sets the given fields of the account's entry `id`, only if its schema and example would keep
 * the catalog within `maxCatalogBytes`; fields not given keep their value (a concurrent change
 * to them stands). False when nothing was changed: no such entry (any more), or over the limit
 * (the caller tells which). Serialized with the account's other catalog writes as inserts are
 * (see the contract above), so two changes cannot pass the limit together.
 */
export async function updateEventTypeWithinQuota(store: Store, target: { id: string; userId: string; now: number }, changes: EventTypeChanges, maxCatalogBytes: number): Promise<boolean> {
  const given = (column: (typeof EVENT_TYPE_CHANGES)[number]) => changes[column] !== undefined;
  if (store.engine === "sqlite") {
    const values: Record<string, unknown> = { ...target, maxCatalogBytes };
    for (const column of EVENT_TYPE_CHANGES) {
      values[`set_${column}`] = given(column) ? 1 : 0;
      const value = changes[column];
      values[column] = typeof value === "boolean" ? (value ? 1 : 0) : (value ?? null);
    }
    return statementsFor(store.sqlite).eventTypeUpdate.run(values).changes === 1;
  }
  const values: unknown[] = [target.id, target.userId, at(target.now), maxCatalogBytes];
  const types: Record<(typeof EVENT_TYPE_CHANGES)[number], string> = { description: "text", deprecated: "boolean", schema: "text", example: "text" };
  // Each column: its new value when given, else itself.
  const valueOf = Object.fromEntries(EVENT_TYPE_CHANGES.map((column) => [column, given(column) ? `$${values.push(changes[column])}::${types[column]}` : `"${column}"`]));
  return writeForAccount(
    store,
    target.userId,
    `UPDATE "EventType" SET ${EVENT_TYPE_CHANGES.map((column) => `"${column}" = ${valueOf[column]}`).join(", ")}, "updatedAt" = $3::timestamp
     WHERE id = $1 AND "userId" = $2
       AND ${withinCatalogBytes(`"userId" = $2 AND id <> $1`, entryBytes(valueOf.schema, valueOf.example), "$4")}`,
    values,
  );
}

export async function insertConsumerWithinQuota(store: Store, row: ConsumerInsert, limit: number): Promise<boolean> {
  if (store.engine === "sqlite") return statementsFor(store.sqlite).consumer.run({ ...row, limit }).changes === 1;
  return writeForAccount(
    store,
    row.userId,
    `INSERT INTO "Consumer" (id, "userId", uid, name, "createdAt", "updatedAt")
     SELECT $1, $2, $3, $4, $5::timestamp, $5::timestamp
     WHERE (SELECT count(*) FROM "Consumer" WHERE "userId" = $2) < $6
     ON CONFLICT ("userId", uid) DO NOTHING`,
    [row.id, row.userId, row.uid, row.name, at(row.now), limit],
  );
}
