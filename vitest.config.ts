import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(__dirname) } },
  test: {
    include: ["tests/**/*.test.ts"],
    globalSetup: ["tests/helpers/global-setup.ts"],
    setupFiles: ["tests/helpers/setup-database.ts"],
    // Each file gets its own SQLite file and its own copy of the modules (isolation is on).
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // server-only is a Next.js build-time guard; outside Next it is an empty module.
    alias: { "server-only": path.resolve(__dirname, "tests/helpers/empty-module.ts") },
  },
});
