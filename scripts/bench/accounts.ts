/**
 * Benchmark set-up, in its own process so each scenario can start from a fresh database: migrates
 * the database named by DATABASE_URL, then creates one account per email given as an argument,
 * each with an API key, through the same lib functions sign-up and the dashboard's "Create key"
 * use; with HOOKLINE_BENCH_ENDPOINT_URL, each also gets one endpoint at that URL, so the first
 * request a scenario sends can be an event. Sends `[{ email, userId, key }]` to its parent over
 * IPC and exits.
 */
import { migrateDatabase } from "../../lib/store/migrate";

async function main() {
  await migrateDatabase(process.env.DATABASE_URL!);
  const { createAccount } = await import("../../lib/auth/accounts");
  const { createApiKey } = await import("../../lib/auth/api-keys");
  const { createEndpoint } = await import("../../lib/endpoints/queries");
  const endpointUrl = process.env.HOOKLINE_BENCH_ENDPOINT_URL;
  const accounts = [];
  for (const email of process.argv.slice(2)) {
    const user = await createAccount(email, "bench password");
    if ("emailTaken" in user) throw new Error(`${email} already has an account`);
    const { key } = await createApiKey(user.id, "bench");
    if (endpointUrl) await createEndpoint(user.id, { name: "bench", url: endpointUrl, description: "" });
    accounts.push({ email, userId: user.id, key });
  }
  process.send!(accounts, () => process.exit(0));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
