/**
 * Generates both Prisma clients from the one schema (see lib/store/migrate/schema.ts):
 * lib/generated/prisma (SQLite) and lib/generated/prisma-postgres (PostgreSQL, from the derived
 * prisma/postgres/schema.prisma written first). Run by `postinstall`, and by `npm start` and
 * `npm test` when a client is missing. Nothing is downloaded (see prisma.config.ts).
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { SQLITE_SCHEMA_PATH, writePostgresSchema } from "../lib/store/migrate/schema";

const ROOT = path.resolve(__dirname, "..");
const prisma = path.join(ROOT, "node_modules", ".bin", "prisma");

for (const schema of [SQLITE_SCHEMA_PATH, writePostgresSchema()]) {
  const result = spawnSync(prisma, ["generate", "--schema", path.relative(ROOT, schema)], { cwd: ROOT, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
