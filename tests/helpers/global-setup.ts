// Migrates one template database per test run; each test file then starts from a copy of it
// (tests/helpers/setup-database.ts), which is much faster than migrating per file.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { migrateDatabase } from "../../lib/store/migrate";

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "hookline-test-"));
  const template = path.join(dir, "template.db");
  await migrateDatabase(`file:${template}`);
  project.provide("templateDatabase", template);
  return () => rmSync(dir, { recursive: true, force: true });
}

declare module "vitest" {
  export interface ProvidedContext {
    templateDatabase: string;
  }
}
