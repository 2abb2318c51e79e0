/**
 * Playwright's global setup: the shared server every spec (but quotas.spec.ts) talks to, on the
 * engine HOOKLINE_TEST_ENGINE names (e2e/support/hookline.ts). Started here rather than by
 * Playwright's `webServer`, which starts before any global setup: on PostgreSQL the server's
 * database (and, without HOOKLINE_TEST_POSTGRES_URL, a throw-away cluster) must exist first.
 * Returns the teardown: stop the server, drop its database, stop the cluster if started here.
 */
import type { FullConfig } from "@playwright/test";
import { startThrowawayCluster } from "../../lib/store/postgres/cluster";
import { createE2eDatabase, e2eEngine, startHookline } from "./hookline";

export default async function globalSetup(config: FullConfig) {
  const cleanups: Array<() => Promise<void>> = [];
  const teardown = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    if (e2eEngine() === "postgres" && !process.env.HOOKLINE_TEST_POSTGRES_URL) {
      const cluster = await startThrowawayCluster();
      cleanups.push(() => cluster.stop());
      // Workers inherit the runner's environment: quotas.spec.ts makes its database there too.
      process.env.HOOKLINE_TEST_POSTGRES_URL = cluster.url;
      cleanups.push(async () => void delete process.env.HOOKLINE_TEST_POSTGRES_URL);
    }
    const database = await createE2eDatabase("e2e");
    cleanups.push(() => database.drop());
    const port = Number(new URL(config.projects[0].use.baseURL!).port);
    console.log(`e2e: starting Hookline on port ${port} with ${e2eEngine() === "postgres" ? "PostgreSQL" : "SQLite"}`);
    const server = await startHookline(
      port,
      {
      DATABASE_URL: database.url,
      HOOKLINE_ALLOWED_CIDRS: "127.0.0.0/8,::1/128",
      HOOKLINE_RETRY_SCHEDULE: "0s,1s,2s",
      HOOKLINE_ATTEMPT_TIMEOUT_MS: "5000",
      // Every spec signs up from 127.0.0.1; the per-address sign-up limit is for the real world.
      HOOKLINE_SIGN_UP_MAX_PER_ADDRESS: "10000",
      },
      { echo: true },
    );
    cleanups.push(() => server.stop());
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
