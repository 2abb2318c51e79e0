/**
 * What `npm start` runs (through scripts/start.mjs): applies pending migrations, then starts the
 * server (scripts/server.ts: Next with the worker inside, the body gate, the ingest route).
 * In this order because the server's modules open the database as they load (lib/db.ts), and a
 * SQLite migration needs the file to itself; in this process because a process of its own cost
 * every start ~1.5 s of CPU just to find nothing pending.
 */
import { env } from "../lib/env";
import { migrateDatabase } from "../lib/store/migrate";

async function main() {
  const applied = await migrateDatabase(env.DATABASE_URL);
  if (applied.length) console.log(`Applied migrations: ${applied.join(", ")}`);
  await import("./server");
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
