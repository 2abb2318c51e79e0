// Migrates one template database per test run; each test file then starts from a copy of it
// (tests/helpers/setup-database.ts), which is much faster than migrating per file.
// SQLite (the default): a template file, copied per file. PostgreSQL (HOOKLINE_TEST_ENGINE=
// postgres): a template database on the cluster at HOOKLINE_TEST_POSTGRES_URL (scripts/test.mjs
// starts one for the whole run) or on a throw-away cluster started here and stopped at teardown;
// each file gets CREATE DATABASE … TEMPLATE.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { createDatabase, dropDatabase, migrateDatabase } from "../../lib/store/migrate";
import { startThrowawayCluster } from "../../lib/store/postgres/cluster";

export default async function setup(project: TestProject) {
  if (process.env.HOOKLINE_TEST_ENGINE === "postgres") return setupPostgres(project);
  const dir = mkdtempSync(path.join(os.tmpdir(), "hookline-test-"));
  const template = path.join(dir, "template.db");
  await migrateDatabase(`file:${template}`);
  project.provide("templateDatabase", template);
  return () => rmSync(dir, { recursive: true, force: true });
}

async function setupPostgres(project: TestProject) {
  const external = process.env.HOOKLINE_TEST_POSTGRES_URL;
  const cluster = external ? null : await startThrowawayCluster();
  const serverUrl = external ?? cluster!.url;
  // Unique, so several runs can share one server (HOOKLINE_TEST_POSTGRES_URL).
  const template = `hookline_template_${process.pid}_${Date.now()}`;
  try {
    await migrateDatabase(await createDatabase(serverUrl, template));
  } catch (error) {
    await cluster?.stop();
    throw error;
  }
  project.provide("templateDatabase", "");
  project.provide("postgresTemplate", { serverUrl, template });
  return async () => {
    try {
      await dropDatabase(serverUrl, template);
    } finally {
      await cluster?.stop();
    }
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    /** SQLite: the migrated template file ("" on PostgreSQL). */
    templateDatabase: string;
    /** PostgreSQL only: the server and the migrated template database to copy per test file. */
    postgresTemplate?: { serverUrl: string; template: string };
  }
}
