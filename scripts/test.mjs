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

ensureChromium();
if (!existsSync(path.join(root, "lib", "generated", "prisma", "client.ts"))) step("Generating the Prisma client", bin("prisma"), ["generate"]);
step("Type check", bin("tsc"), ["--noEmit", "-p", "."]);
step("Lint", bin("eslint"), ["."]);
step("Building the app", bin("next"), ["build"]);
step("Unit and integration tests", bin("vitest"), ["run"]);
step("End-to-end tests", bin("playwright"), ["test"]);
console.log("\n✔ All test suites passed");
