/**
 * lib/store/search-index.ts on SQLite: an event is queued for the index in its own transaction
 * and indexed in bulk later, by the writer thread between its jobs or by the next search first,
 * so a search finds every event written before it; a deleted event's rowid reused by a new event
 * is indexed anew; a database indexed the old way (in each event's transaction) is remade.
 */
import { describe, expect, it } from "vitest";
import { store, type SqliteStore } from "@/lib/store/connection";
import { insertEvent } from "@/lib/store/insert-events";
import { dropSqliteSearchIndex, ensureSqliteSearchIndex, PENDING_TABLE, SEARCH_TABLE } from "@/lib/store/search-index";
import { searchEvents } from "@/lib/store/search";
import { acquireSqliteWriter } from "@/lib/store/sqlite-writer";
import { onSqlite, searchIndexEntries } from "../helpers/db";
import { newAccount } from "../helpers/harness";
import { waitFor } from "../helpers/receiver";

const sqlite = () => (store() as SqliteStore).sqlite;
const count = (table: string) => (sqlite().prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n;

async function send(userId: string, payload: unknown): Promise<string> {
  const inserted = await insertEvent(store(), { userId, type: "note.added", payload: JSON.stringify(payload), now: new Date() });
  if (inserted.duplicate) throw new Error("unexpected duplicate");
  return inserted.eventId;
}

const found = async (userId: string, word: string) => (await searchEvents(store(), { userId, terms: [word], limit: 10 })).map((event) => event.id);

describe.skipIf(!onSqlite)("the SQLite search index", () => {
  it("queues each event written, and a search indexes the queue before it reads", async () => {
    const account = await newAccount("search-queue");
    const indexedBefore = count(SEARCH_TABLE);
    const first = await send(account.id, { note: "quokka sighting" });
    const second = await send(account.id, { note: "quokka again" });
    // Written, not yet indexed (no writer thread runs in this process).
    expect(count(PENDING_TABLE)).toBeGreaterThanOrEqual(2);
    expect(count(SEARCH_TABLE)).toBe(indexedBefore);

    expect(await found(account.id, "quokka")).toEqual([second, first]);
    expect(count(PENDING_TABLE)).toBe(0);
    expect(searchIndexEntries()).toEqual({ entries: count("Event"), events: count("Event") });
  });

  it("indexes a new event that reuses a deleted event's rowid, and forgets the deleted one", async () => {
    const account = await newAccount("search-rowid");
    const old = await send(account.id, { note: "wombat" });
    expect(await found(account.id, "wombat")).toEqual([old]);
    const rowid = (sqlite().prepare(`SELECT rowid AS r FROM "Event" WHERE id = ?`).get(old) as { r: number }).r;
    // The newest event gone: SQLite gives the next one its rowid.
    sqlite().prepare(`DELETE FROM "Event" WHERE id = ?`).run(old);
    const reusing = await send(account.id, { note: "platypus" });
    expect((sqlite().prepare(`SELECT rowid AS r FROM "Event" WHERE id = ?`).get(reusing) as { r: number }).r).toBe(rowid);

    expect(await found(account.id, "wombat")).toEqual([]);
    expect(await found(account.id, "platypus")).toEqual([reusing]);
  });

  it("is indexed by the writer thread between its jobs, without a search", async () => {
    const account = await newAccount("search-thread");
    const writer = acquireSqliteWriter(store() as SqliteStore, (message) => {
      throw new Error(message);
    })!;
    try {
      await writer.ready;
      const id = await send(account.id, { note: "numbat" });
      await waitFor(() => count(PENDING_TABLE) === 0, { timeoutMs: 5000, what: "the writer thread to index the queue" });
      // Indexed: the search finds it with nothing left to index first.
      expect(await found(account.id, "numbat")).toEqual([id]);
    } finally {
      await writer.release();
    }
  });

  it("remakes an index kept the old way (in each event's transaction), with every event", async () => {
    const account = await newAccount("search-upgrade");
    const id = await send(account.id, { note: "echidna" });
    const db = sqlite();
    dropSqliteSearchIndex(db);
    db.exec(`
      CREATE VIRTUAL TABLE "${SEARCH_TABLE}" USING fts5(body, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2');
      CREATE TRIGGER "Event_search_insert" AFTER INSERT ON "Event" BEGIN
        INSERT INTO "${SEARCH_TABLE}"(rowid, body) VALUES (new.rowid, new.userId || ' ' || new.type || ' ' || new.id || ' ' || new.payload);
      END;
      CREATE TRIGGER "Event_search_delete" AFTER DELETE ON "Event" BEGIN
        DELETE FROM "${SEARCH_TABLE}" WHERE rowid = old.rowid;
      END;
    `);
    ensureSqliteSearchIndex(db.name);
    const triggers = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'Event' ORDER BY name`).all() as { name: string }[]).map((row) => row.name);
    expect(triggers).toEqual(["Event_search_delete", "Event_search_queue_v2"]);
    expect(count(SEARCH_TABLE)).toBe(count("Event"));
    expect(await found(account.id, "echidna")).toEqual([id]);
  });
});
