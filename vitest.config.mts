import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  resolve: { alias: { "@": root } },
  test: {
    include: ["tests/**/*.test.ts"],
    globalSetup: ["tests/helpers/global-setup.ts"],
    setupFiles: ["tests/helpers/setup-database.ts"],
    // Each file gets its own SQLite file and its own copy of the modules (isolation is on).
    // Generous: many tests start real servers and worker processes, which take long on a loaded machine.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // server-only is a Next.js build-time guard; outside Next it is an empty module.
    alias: { "server-only": path.join(root, "tests/helpers/empty-module.ts") },
  },
});
