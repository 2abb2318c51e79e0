/**
 * Account writes that must be atomic beyond what one Prisma call gives.
 *
 * Contracts:
 * - `insertFirstAccount`: inserts the account only if there is no account at all, and says
 *   whether it did; however many first sign-ups race, at most one gets in (HOOKLINE_SIGN_UP=closed
 *   still lets a fresh install make its first account).
 *   SQLite: one `INSERT … WHERE NOT EXISTS` statement (one writer at a time).
 *   PostgreSQL: that statement alone lets two concurrent transactions both see an empty table
 *   under READ COMMITTED, so it runs after `LOCK TABLE "User" IN SHARE ROW EXCLUSIVE MODE`, a
 *   lock that conflicts with itself and with every other insert into "User" but not with reads
 *   (sign-in keeps working); the second sign-up's statement then sees the first's row. It is
 *   taken only while no account exists (the caller checks first), so it costs nothing later.
 * - `setPasswordAndEndOtherSessions`: the new password hash and the deletion of every other
 *   session of the account (all but `keepTokenHash`) happen together or not at all; returns how
 *   many sessions were ended.
 * - `deleteAccountRow`: deletes the User row, and with it, by ON DELETE CASCADE in the same
 *   statement, everything the account owns; all or nothing. Returns whether it existed.
 *
 * On SQLite these run synchronously on the raw connection in IMMEDIATE transactions: a Prisma
 * transaction would hold the write lock across awaits, and the worker of this process would
 * block the thread waiting for it (connection.ts).
 */
import type { Store } from "./connection";
import { at, query, transaction } from "./postgres";
import { preparedStatements } from "./sqlite";

const statementsFor = preparedStatements((db) => ({
  insertFirst: db.prepare(`INSERT INTO "User" (id, email, passwordHash, createdAt) SELECT ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM "User")`),
  setPassword: db.prepare(`UPDATE "User" SET passwordHash = ? WHERE id = ?`),
  endOtherSessions: db.prepare(`DELETE FROM "Session" WHERE userId = ? AND tokenHash <> ?`),
  deleteUser: db.prepare(`DELETE FROM "User" WHERE id = ?`),
}));

export async function insertFirstAccount(store: Store, user: { id: string; email: string; passwordHash: string; createdAt: number }): Promise<boolean> {
  if (store.engine === "sqlite") {
    return statementsFor(store.sqlite).insertFirst.run(user.id, user.email, user.passwordHash, user.createdAt).changes === 1;
  }
  return transaction(store, async (client) => {
    await query(store, client, `LOCK TABLE "User" IN SHARE ROW EXCLUSIVE MODE`);
    const { rowCount } = await query(
      store,
      client,
      `INSERT INTO "User" (id, email, "passwordHash", "createdAt")
       SELECT $1, $2, $3, $4::timestamp WHERE NOT EXISTS (SELECT 1 FROM "User")`,
      [user.id, user.email, user.passwordHash, at(user.createdAt)],
    );
    return rowCount === 1;
  });
}

export async function setPasswordAndEndOtherSessions(store: Store, userId: string, passwordHash: string, keepTokenHash: string): Promise<number> {
  if (store.engine === "sqlite") {
    const sql = statementsFor(store.sqlite);
    return store.sqlite
      .transaction(() => {
        sql.setPassword.run(passwordHash, userId);
        return sql.endOtherSessions.run(userId, keepTokenHash).changes;
      })
      .immediate();
  }
  return transaction(store, async (client) => {
    await query(store, client, `UPDATE "User" SET "passwordHash" = $1 WHERE id = $2`, [passwordHash, userId]);
    return (await query(store, client, `DELETE FROM "Session" WHERE "userId" = $1 AND "tokenHash" <> $2`, [userId, keepTokenHash])).rowCount;
  });
}

export async function deleteAccountRow(store: Store, userId: string): Promise<boolean> {
  if (store.engine === "sqlite") {
    const sql = statementsFor(store.sqlite);
    return store.sqlite.transaction(() => sql.deleteUser.run(userId).changes === 1).immediate();
  }
  // One statement is one transaction: the cascades commit with the User row or not at all.
  return (await query(store, store.pool, `DELETE FROM "User" WHERE id = $1`, [userId])).rowCount === 1;
}
