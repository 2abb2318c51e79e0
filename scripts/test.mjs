#!/usr/bin/env node
// `npm test`: everything the tests need, then every suite, stopping at the first failure.
//   1. Debian's Chromium for the browser tests (installed with apt-get when missing and root).
//   2. The Prisma client and a production build of the app (the e2e tests run the built server).
//   3. Type check and lint, unit + integration tests (vitest), then e2e tests (Playwright).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => path.join(root, "node_modules", ".bin", name);

function step(title, command, args, options = {}) {
  console.log(`\n▶ ${title}`);
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", ...options });
  if (result.status !== 0) {
    console.error(`✖ ${title} failed`);
    process.exit(result.status ?? 1);
  }
}

function ensureChromium() {
  if (process.env.CHROMIUM_PATH || existsSync("/usr/bin/chromium")) return;
  if (process.getuid?.() === 0 && existsSync("/usr/bin/apt-get")) {
    step("Installing Chromium (Debian package)", "sh", ["-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium"]);
    return;
  }
  console.log("No /usr/bin/chromium: Playwright will use its own browser if installed (set CHROMIUM_PATH to choose one).");
}

/**
 * Runs `fn` with one throw-away PostgreSQL cluster for the whole run (lib/store/postgres/cluster.ts:
 * Debian's postgresql package, installed with apt-get when missing and root), exported as
 * HOOKLINE_TEST_POSTGRES_URL so every suite's global setup makes its databases there instead of
 * starting a cluster each. The cluster is stopped and its folder removed afterwards, whatever
 * `fn` did (step() exits the process on failure: the cluster's exit handler stops it then).
 * Not wired in yet: the suites pass on PostgreSQL once the storage layer speaks it.
 */
export async function withPostgres(fn) {
  const { tsImport } = await import("tsx/esm/api");
  const { startThrowawayCluster } = await tsImport("../lib/store/postgres/cluster.ts", import.meta.url);
  console.log("\n▶ Starting a throw-away PostgreSQL cluster");
  const cluster = await startThrowawayCluster();
  const previous = process.env.HOOKLINE_TEST_POSTGRES_URL;
  process.env.HOOKLINE_TEST_POSTGRES_URL = cluster.url;
  try {
    return await fn(cluster.url);
  } finally {
    if (previous === undefined) delete process.env.HOOKLINE_TEST_POSTGRES_URL;
    else process.env.HOOKLINE_TEST_POSTGRES_URL = previous;
    await cluster.stop();
  }
}

ensureChromium();
const clientsGenerated = ["prisma", "prisma-postgres"].every((dir) => existsSync(path.join(root, "lib", "generated", dir, "client.ts")));
if (!clientsGenerated) step("Generating the Prisma clients (SQLite and PostgreSQL)", bin("tsx"), ["scripts/prisma-generate.ts"]);
step("Type check", bin("tsc"), ["--noEmit", "-p", "."]);
step("Lint", bin("eslint"), ["."]);
step("Building the app", bin("next"), ["build"]);
step("Unit and integration tests", bin("vitest"), ["run"]);
step("End-to-end tests", bin("playwright"), ["test"]);
console.log("\n✔ All test suites passed");
