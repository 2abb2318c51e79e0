import { existsSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";
import { e2ePort } from "./scripts/bench/harness";

// This file is evaluated by the runner and again by each worker: keep values chosen once in
// process.env so every evaluation agrees (workers inherit the runner's environment).
process.env.HOOKLINE_E2E_DIR ??= mkdtempSync(path.join(os.tmpdir(), "hookline-e2e-"));
// Below the ephemeral range, and in a range of its own per engine (scripts/bench/harness.ts
// e2ePort: no listen(0), outgoing connection or freePort() of the runs beside this one can take it).
process.env.HOOKLINE_E2E_PORT ??= String(e2ePort());
const port = Number(process.env.HOOKLINE_E2E_PORT);
const baseURL = `http://127.0.0.1:${port}`;

// Debian's Chromium where it is installed (CI, these machines); Playwright's own browser elsewhere.
const executablePath = process.env.CHROMIUM_PATH ?? (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);

export default defineConfig({
  testDir: "e2e",
  // One folder per engine: npm test runs the SQLite and PostgreSQL passes side by side.
  outputDir: `test-results/e2e-${process.env.HOOKLINE_TEST_ENGINE === "postgres" ? "postgres" : "sqlite"}`,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  // A guard against hangs, not a measure of speed: `npm test` runs the SQLite and PostgreSQL passes
  // side by side, and on a loaded 2-core machine (load average 11) multi-page tests took 45–78 s
  // (accessibility: 8 pages, each checked by axe). Each step's own wait is `expect.timeout`.
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: process.env.CI ? "list" : [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  // Starts the shared server on SQLite or PostgreSQL (HOOKLINE_TEST_ENGINE) at baseURL; not a
  // `webServer`, which Playwright starts before any global setup, so before its database exists.
  globalSetup: "./e2e/support/global-setup.ts",
});
