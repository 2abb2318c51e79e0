#!/usr/bin/env node
// `npm test`: everything the tests need, then every suite on both engines:
//   1. Debian's Chromium for the browser tests (installed with apt-get when missing and root).
//   2. The Prisma clients; lint beside a production build (the e2e tests run it); type check.
//   3. Two passes side by side, each vitest then Playwright:
//      - SQLite: unit + integration + API tests, then the e2e tests;
//      - PostgreSQL, on one throw-away cluster (Debian's postgresql package, installed with
//        apt-get when missing and root): the vitest suites but the pure unit tests, which touch
//        no database, then the e2e tests again.
//      Side by side because one pass alone leaves cores idle: vitest runs one file at a time on
//      a two-core machine (its default: cores − 1), and much of a file is waiting (servers
//      starting, workers and schedules on real clocks). Each line of a pass's output starts
//      with its engine.
// The first failure stops everything. The cluster is stopped and its folder removed whatever
// happens: a failed step, Ctrl-C, SIGTERM.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => path.join(root, "node_modules", ".bin", name);

// tests/unit: pure functions and module-level checks, no database (HOOKLINE_TEST_ENGINE changes
// nothing for them), so they run on the SQLite pass only.
const DATABASE_SUITES = ["tests/integration", "tests/api"];

/** The child processes of the steps running now, to pass signals on to. */
const running = new Set();

class StepFailed extends Error {
  constructor(title, code) {
    super(`${title} failed`);
    this.code = code;
  }
}

/** Prints each line of `stream` with `label` in front, so two passes' output stays readable. */
function relay(stream, label, out) {
  createInterface({ input: stream, crlfDelay: Infinity }).on("line", (line) => out.write(`${label}${line}\n`));
}

/** Runs one command; resolves when it exits 0, rejects with StepFailed otherwise. */
function step(title, command, args, { env, label = "" } = {}) {
  console.log(`\n${label}▶ ${title}`);
  const startedAt = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env: env ?? process.env, stdio: label ? ["ignore", "pipe", "pipe"] : "inherit" });
    if (label) {
      relay(child.stdout, label, process.stdout);
      relay(child.stderr, label, process.stderr);
    }
    running.add(child);
    child.once("error", (error) => {
      running.delete(child);
      reject(error);
    });
    child.once("exit", (code, signal) => {
      running.delete(child);
      const seconds = Math.round((Date.now() - startedAt) / 1000);
      if (code !== 0) {
        console.error(`${label}✖ ${title} failed after ${seconds} s${signal ? ` (${signal})` : ""}`);
        reject(new StepFailed(title, code ?? 1));
        return;
      }
      console.log(`${label}✔ ${title} (${seconds} s)`);
      resolve();
    });
  });
}

/** Ends the steps still running (the other pass, after a failure) and exits with `code`. */
function stopAllAndExit(code, signal = "SIGTERM") {
  if (running.size === 0) process.exit(code);
  let left = running.size;
  for (const child of running) {
    child.once("exit", () => {
      if (--left === 0) process.exit(code);
    });
    child.kill(signal);
  }
  setTimeout(() => {
    for (const child of running) child.kill("SIGKILL");
    process.exit(code);
  }, 20_000).unref();
}

// Ctrl-C reaches the whole foreground group; SIGTERM (a CI timeout) may reach only us. Either way
// let the current steps end first, then exit: the cluster's exit handler stops the server.
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping`);
    stopAllAndExit(signal === "SIGINT" ? 130 : 143, signal);
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
 * The server for the PostgreSQL pass: the one in HOOKLINE_TEST_POSTGRES_URL (a superuser, or a
 * user allowed to CREATE DATABASE: for machines where we are not root), or one throw-away cluster
 * (lib/store/postgres/cluster.ts) for the whole pass, where every suite's global setup makes its
 * databases. The cluster's own handlers stop it when this process exits, so a failed step cannot
 * leave it running.
 */
async function postgresServer() {
  const external = process.env.HOOKLINE_TEST_POSTGRES_URL;
  if (external) return { url: external, stop: async () => {} };
  const { tsImport } = await import("tsx/esm/api");
  const { startThrowawayCluster } = await tsImport("../lib/store/postgres/cluster.ts", import.meta.url);
  const startedAt = Date.now();
  const cluster = await startThrowawayCluster();
  console.log(`\n[postgres] ✔ Throw-away PostgreSQL cluster on port ${cluster.port} (${Math.round((Date.now() - startedAt) / 1000)} s)`);
  return cluster;
}

/** One engine's pass: vitest (`vitestPaths`, all when empty), then Playwright. */
async function runPass(engine, vitestPaths, env) {
  const label = `[${engine}] `;
  const options = { label, env: { ...process.env, ...env } };
  const which = vitestPaths.length ? `(${vitestPaths.join(", ")})` : "(unit, integration, API)";
  await step(`vitest ${which}`, bin("vitest"), ["run", ...vitestPaths], options);
  await step("End-to-end tests (Playwright)", bin("playwright"), ["test"], options);
}

async function postgresPass() {
  const server = await postgresServer();
  try {
    await runPass("postgres", DATABASE_SUITES, { HOOKLINE_TEST_ENGINE: "postgres", HOOKLINE_TEST_POSTGRES_URL: server.url });
  } finally {
    await server.stop();
  }
}

const startedAt = Date.now();
try {
  await ensureChromium();
  const clientsGenerated = ["prisma", "prisma-postgres"].every((dir) => existsSync(path.join(root, "lib", "generated", dir, "client.ts")));
  if (!clientsGenerated) await step("Generating the Prisma clients (SQLite and PostgreSQL)", bin("tsx"), ["scripts/prisma-generate.ts"]);
  // The build skips its own type check (next.config.js): the type check after it covers the
  // same files (the route types the build writes under .next/types included) and the rest.
  await Promise.all([
    step("Lint", bin("eslint"), ["."], { label: "[lint] " }),
    step("Building the app", bin("next"), ["build"], { label: "[build] ", env: { ...process.env, HOOKLINE_TYPES_CHECKED_AFTER_BUILD: "1" } }),
  ]);
  await step("Type check", bin("tsc"), ["--noEmit", "-p", "."]);
  await Promise.all([runPass("sqlite", [], { HOOKLINE_TEST_ENGINE: "sqlite" }), postgresPass()]);
} catch (error) {
  if (!(error instanceof StepFailed)) console.error(error);
  stopAllAndExit(error instanceof StepFailed ? error.code : 1);
  await new Promise(() => {}); // exits from stopAllAndExit
}
console.log(`\n✔ All test suites passed on SQLite and PostgreSQL (${Math.round((Date.now() - startedAt) / 60_000)} min)`);
