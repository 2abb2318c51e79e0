import path from "node:path";
import { defineConfig } from "prisma/config";

// Prisma 7 downloads a native schema engine for every CLI command, and these machines cannot
// reach its host. `prisma generate` does not really need it, so point the CLI at a script that
// fails loudly instead; migrations run through scripts/db-migrate.ts (WebAssembly engine).
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.join(__dirname, "scripts", "schema-engine-unavailable");

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "file:./data/hookline.db" },
});
