#!/usr/bin/env node
// `npm test`: everything the tests need, then every suite on both engines, stopping at the first
// failure:
//   1. Debian's Chromium for the browser tests (installed with apt-get when missing and root).
//   2. The Prisma clients, type check, lint and a production build (the e2e tests run it).
//   3. On SQLite: unit + integration + API tests (vitest), then e2e tests (Playwright).
//   4. On PostgreSQL, in one throw-away cluster (Debian's postgresql package, installed with
//      apt-get when missing and root; started while the SQLite pass runs): the vitest suites
//      but the pure unit tests, which touch no database, then the e2e tests again.
// The cluster is stopped and its folder removed whatever happens: a failed step, Ctrl-C, SIGTERM.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => path.join(root, "node_modules", ".bin", name);

// tests/unit: pure functions and module-level checks, no database (HOOKLINE_TEST_ENGINE changes
// nothing for them), so they run on the first pass only.
const DATABASE_SUITES = ["tests/integration", "tests/api"];

let running = null; // the child process of the current step, to pass signals on to

function step(title, command, args, options = {}) {
  console.log(`\n▶ ${title}`);
  const startedAt = Date.now();
  return new Promise((resolve) => {
    running = spawn(command, args, { cwd: root, stdio: "inherit", ...options });
    running.once("error", (error) => {
      console.error(error);
      process.exit(1);
    });
    running.once("exit", (code, signal) => {
      running = null;
      const seconds = Math.round((Date.now() - startedAt) / 1000);
      if (code !== 0) {
        console.error(`✖ ${title} failed after ${seconds} s${signal ? ` (${signal})` : ""}`);
        // process.exit runs the cluster's exit handler: the PostgreSQL server is stopped too.
        process.exit(code ?? 1);
      }
      console.log(`✔ ${title} (${seconds} s)`);
      resolve();
    });
  });
}

// Ctrl-C reaches the whole foreground group; SIGTERM (a CI timeout) may reach only us. Either way
// let the current step end first, then exit: the cluster's exit handler stops the server.
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping`);
    if (!running) process.exit(signal === "SIGINT" ? 130 : 143);
    running.kill(signal);
    running.once("exit", () => process.exit(signal === "SIGINT" ? 130 : 143));
    setTimeout(() => running?.kill("SIGKILL"), 20_000).unref();
  });
}

async function ensureChromium() {
  if (process.env.CHROMIUM_PATH || existsSync("/usr/bin/chromium")) return;
  if (process.getuid?.() === 0 && existsSync("/usr/bin/apt-get")) {
    await step("Installing Chromium (Debian package)", "sh", ["-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium"]);
    return;
  }
  console.log("No /usr/bin/chromium: Playwright will use its own browser if installed (set CHROMIUM_PATH to choose one).");
}

/**
 * Starts one throw-away PostgreSQL cluster for the whole PostgreSQL pass
 * (lib/store/postgres/cluster.ts: Debian's postgresql package, installed with apt-get when
 * missing and root). Every suite's global setup makes its databases there
 * (HOOKLINE_TEST_POSTGRES_URL) instead of starting a cluster each. The cluster's own handlers
 * stop it when this process exits, so a failed step cannot leave it running.
 */
async function startPostgres() {
  const { tsImport } = await import("tsx/esm/api");
  const { startThrowawayCluster } = await tsImport("../lib/store/postgres/cluster.ts", import.meta.url);
  const startedAt = Date.now();
  const cluster = await startThrowawayCluster();
  console.log(`\n✔ Throw-away PostgreSQL cluster on port ${cluster.port} (${Math.round((Date.now() - startedAt) / 1000)} s)`);
  return cluster;
}

/** The two suites on one engine: vitest (`vitestPaths`, all when empty), then Playwright. */
async function runSuites(engine, vitestPaths, env) {
  const name = engine === "postgres" ? "PostgreSQL" : "SQLite";
  const options = { env: { ...process.env, ...env } };
  const which = vitestPaths.length ? `(${vitestPaths.join(", ")})` : "(unit, integration, API)";
  await step(`[${name}] vitest ${which}`, bin("vitest"), ["run", ...vitestPaths], options);
  await step(`[${name}] End-to-end tests (Playwright)`, bin("playwright"), ["test"], options);
}

const startedAt = Date.now();
await ensureChromium();
const clientsGenerated = ["prisma", "prisma-postgres"].every((dir) => existsSync(path.join(root, "lib", "generated", dir, "client.ts")));
if (!clientsGenerated) await step("Generating the Prisma clients (SQLite and PostgreSQL)", bin("tsx"), ["scripts/prisma-generate.ts"]);
await step("Type check", bin("tsc"), ["--noEmit", "-p", "."]);
await step("Lint", bin("eslint"), ["."]);
await step("Building the app", bin("next"), ["build"]);

// Started now so that installing the package (a fresh machine) and initdb overlap the SQLite
// pass; a failure here is reported after it, not lost.
// A server given in HOOKLINE_TEST_POSTGRES_URL (a superuser, or a user allowed to CREATE
// DATABASE) is used instead of a throw-away cluster: for machines where we are not root.
const external = process.env.HOOKLINE_TEST_POSTGRES_URL;
const postgres = external
  ? Promise.resolve({ cluster: null })
  : startPostgres().then(
      (cluster) => ({ cluster }),
      (error) => ({ error }),
    );
await runSuites("sqlite", [], { HOOKLINE_TEST_ENGINE: "sqlite" });

const { cluster, error } = await postgres;
if (error) {
  console.error(`✖ Starting the throw-away PostgreSQL cluster failed: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
try {
  await runSuites("postgres", DATABASE_SUITES, { HOOKLINE_TEST_ENGINE: "postgres", HOOKLINE_TEST_POSTGRES_URL: external ?? cluster.url });
} finally {
  await cluster?.stop();
}
console.log(`\n✔ All test suites passed on SQLite and PostgreSQL (${Math.round((Date.now() - startedAt) / 60_000)} min)`);
