#!/usr/bin/env node
// `npm start`: everything a fresh checkout needs to serve Hookline, in order:
// generate the Prisma clients if missing, build the app when the sources are newer than the
// last build (migrating the database first, which also validates the configuration, so a
// mistake stops the start before a minute of building), then run scripts/serve.ts, which applies
// any pending migration and starts scripts/server.ts (Next with the worker inside). Signals go
// to the server, whose worker drains in-flight deliveries before exiting (NEXT_MANUAL_SIG_HANDLE
// leaves that to us).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => path.join(root, "node_modules", ".bin", name);

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** Newest modification time of any source file the build depends on. */
function newestSource() {
  let newest = 0;
  const visit = (target) => {
    if (!existsSync(target)) return;
    const stat = statSync(target);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(target)) if (entry !== "generated") visit(path.join(target, entry));
    } else newest = Math.max(newest, stat.mtimeMs);
  };
  for (const entry of ["app", "components", "lib", "prisma/schema.prisma", "proxy.ts", "instrumentation.ts", "next.config.js", "package.json", "postcss.config.mjs"]) {
    visit(path.join(root, entry));
  }
  return newest;
}

function buildIsCurrent() {
  const buildId = path.join(root, ".next", "BUILD_ID");
  return existsSync(buildId) && statSync(buildId).mtimeMs >= newestSource();
}

// Both clients (SQLite and PostgreSQL), generated from the one schema by scripts/prisma-generate.ts.
const clientsGenerated = ["prisma", "prisma-postgres"].every((dir) => existsSync(path.join(root, "lib", "generated", dir, "client.ts")));
if (!clientsGenerated) run(bin("tsx"), ["scripts/prisma-generate.ts"]);
if (process.env.HOOKLINE_SKIP_BUILD !== "1" && !buildIsCurrent()) {
  run(bin("tsx"), ["scripts/db-migrate.ts", "deploy"]);
  run(bin("next"), ["build"]);
}

// scripts/serve.ts → scripts/server.ts: Next with the worker inside, plus the direct event-ingest
// route. It prints "Hookline is running: open …" once it listens.
// HOOKLINE_MAX_HEAP_MB is passed on only when well formed: anything else is left to the server's
// configuration check, which stops it with a message naming the variable (node's own is cryptic).
const maxHeapMb = process.env.HOOKLINE_MAX_HEAP_MB ?? "256";
const heapLimit = /^[1-9]\d*$/.test(maxHeapMb) ? [`--max-old-space-size=${maxHeapMb}`] : [];
// A young generation of 8 MB semi-spaces instead of Node's 16: under ingest the server's peak RSS
// was 397–405 MB with 16 and 323–347 MB with 8, at the same ingest rate and latency
// (`npm run bench -- --only ingest` and `--only latency`, 2026-12-01); 4 saved no more.
const youngGeneration = ["--max-semi-space-size=8"];
const server = spawn(process.execPath, [...heapLimit, ...youngGeneration, "--import", "tsx", "scripts/serve.ts"], {
  cwd: root,
  stdio: ["ignore", "inherit", "inherit"],
  env: { ...process.env, NODE_ENV: "production", NEXT_MANUAL_SIG_HANDLE: "true" },
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
