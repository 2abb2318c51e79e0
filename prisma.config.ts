import path from "node:path";
import { defineConfig } from "prisma/config";

// Prisma 7 downloads a native schema engine for every CLI command, and these machines cannot
// reach its host. `prisma generate` does not really need it, so point the CLI at a script that
// fails loudly instead; migrations run through scripts/db-migrate.ts (WebAssembly engine).
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.join(__dirname, "scripts", "schema-engine-unavailable");

// Where the native engine is available, plain `prisma migrate …` must use the folder of the
// engine DATABASE_URL names: PostgreSQL has its own derived schema and migrations
// (lib/store/migrate/schema.ts), never the SQLite ones.
const url = process.env.DATABASE_URL ?? "file:./data/hookline.db";
const postgres = /^postgres(ql)?:\/\//.test(url);

export default defineConfig({
  schema: postgres ? "prisma/postgres/schema.prisma" : "prisma/schema.prisma",
  migrations: { path: postgres ? "prisma/postgres/migrations" : "prisma/migrations" },
  datasource: { url },
});
