import { existsSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";

// This file is evaluated by the runner and again by each worker: keep values chosen once in
// process.env so every evaluation agrees (workers inherit the runner's environment).
process.env.HOOKLINE_E2E_DIR ??= mkdtempSync(path.join(os.tmpdir(), "hookline-e2e-"));
process.env.HOOKLINE_E2E_PORT ??= String(41000 + (process.pid % 9000));
const port = Number(process.env.HOOKLINE_E2E_PORT);
const baseURL = `http://127.0.0.1:${port}`;

// Debian's Chromium where it is installed (CI, these machines); Playwright's own browser elsewhere.
const executablePath = process.env.CHROMIUM_PATH ?? (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results/e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
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
  webServer: {
    command: "node scripts/start.mjs",
    url: `${baseURL}/sign-in`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      PORT: String(port),
      DATABASE_URL: `file:${path.join(process.env.HOOKLINE_E2E_DIR, "e2e.db")}`,
      HOOKLINE_ALLOWED_CIDRS: "127.0.0.0/8,::1/128",
      HOOKLINE_RETRY_SCHEDULE: "0s,1s,2s",
      HOOKLINE_ATTEMPT_TIMEOUT_MS: "5000",
      // Every spec signs up from 127.0.0.1; the per-address sign-up limit is for the real world.
      HOOKLINE_SIGN_UP_MAX_PER_ADDRESS: "10000",
    },
  },
});
