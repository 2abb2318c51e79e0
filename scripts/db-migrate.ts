/**
 * Database migrations from the command line (see lib/store/migrate/ for why not `prisma migrate`):
 *   tsx scripts/db-migrate.ts deploy          apply pending migrations to DATABASE_URL (SQLite or PostgreSQL)
 *   tsx scripts/db-migrate.ts create <name>   write the migration from the schema's changes, for both engines
 */
import path from "node:path";
import { env } from "../lib/env";
import { createMigration, migrateDatabase } from "../lib/store/migrate";

async function main() {
  const [command, name] = process.argv.slice(2);
  if (command === "deploy") {
    const applied = await migrateDatabase(env.DATABASE_URL);
    console.log(applied.length ? `Applied migrations: ${applied.join(", ")}` : "Database is up to date.");
  } else if (command === "create" && name) {
    const dirs = await createMigration(name, { shadowPostgresUrl: env.HOOKLINE_SHADOW_POSTGRES_URL });
    console.log(dirs.length ? dirs.map((dir) => `Created ${path.relative(process.cwd(), dir)}`).join("\n") : "The schema matches the migrations: nothing to create.");
  } else {
    console.error("usage: tsx scripts/db-migrate.ts deploy | create <name>");
    process.exit(2);
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
