/**
 * `npm run seed-demo -- [--deliveries 1000000] [--endpoints 20] [--days 30] [--email demo@hookline.test]`
 * Fills DATABASE_URL with realistic history for demos and for measuring the delivery log: one
 * account (password "demo-password"), endpoints, events spread over the last days, one
 * delivery per event and endpoint pair drawn from a few, mostly succeeded, some retried or failed,
 * each with its attempts. Bulk inserts in large transactions (lib/store/bulk-insert.ts): ~1M
 * deliveries a minute on SQLite.
 */
import { parseArgs } from "node:util";
import { env } from "../lib/env";
import { migrateDatabase } from "../lib/store/migrate";

const { values } = parseArgs({
  options: {
    deliveries: { type: "string", default: "1000000" },
    endpoints: { type: "string", default: "20" },
    days: { type: "string", default: "30" },
    email: { type: "string", default: "demo@hookline.test" },
  },
});

const TYPES = ["order.created", "order.paid", "order.shipped", "order.refunded", "invoice.created", "invoice.paid", "customer.updated", "subscription.renewed"];

export async function seedDemo(options: { deliveries: number; endpoints: number; days: number; email: string }) {
  await migrateDatabase(env.DATABASE_URL);
  const { store } = await import("../lib/store/connection");
  const { insertRows } = await import("../lib/store/bulk-insert");
  const { query } = await import("../lib/store/postgres");
  type Rows = import("../lib/store/bulk-insert").Rows;
  const { nextStatus } = await import("../lib/store/delivery-states");
  const { idFromTime } = await import("../lib/ids");
  const { createAccount } = await import("../lib/auth/accounts");
  const { createEndpoint } = await import("../lib/endpoints/queries");

  const account = await createAccount(options.email, "demo-password");
  if ("emailTaken" in account) throw new Error(`${options.email} already exists in this database`);
  const endpoints: string[] = [];
  for (let i = 0; i < options.endpoints; i++) {
    const endpoint = await createEndpoint(account.id, {
      name: `Customer ${i + 1}`,
      url: `https://hooks.customer-${i + 1}.example.com/webhooks`,
      description: "",
      eventTypes: i % 3 === 0 ? [] : [`${TYPES[i % TYPES.length].split(".")[0]}.*`],
    });
    endpoints.push(endpoint.id);
  }

  // History as the worker leaves it: created pending, claimed, then succeeded or failed for good.
  const live = { deleted: false };
  const delivering = nextStatus("pending", "claim", live)!;
  const succeeded = nextStatus(delivering, "succeed", live)!;
  const failed = nextStatus(delivering, "fail", live)!;

  const now = Date.now();
  const span = options.days * 86_400_000;
  const fanOut = 2;
  const events = Math.ceil(options.deliveries / fanOut);
  const batch = 20_000;
  let made = 0;
  const started = Date.now();
  for (let first = 0; first < events; first += batch) {
    const rows: Required<Rows> = { events: [], deliveries: [], attempts: [] };
    for (let i = first; i < Math.min(events, first + batch); i++) {
      // Oldest first, so ids (time-sortable) grow like real traffic.
      const at = now - span + Math.floor((i / events) * span);
      const type = TYPES[i % TYPES.length];
      const eventId = idFromTime("msg", at);
      rows.events.push({ id: eventId, userId: account.id, type, payload: JSON.stringify({ id: i, amount: (i * 37) % 10_000, currency: "EUR" }), createdAt: at });
      for (let k = 0; k < fanOut && made < options.deliveries; k++, made++) {
        const endpointId = endpoints[(i * 7 + k * 3) % endpoints.length];
        const deliveryId = idFromTime("dlv", at);
        const roll = (i * 31 + k * 17) % 100;
        const failedForGood = roll < 2;
        const attempts = failedForGood ? 3 : roll < 8 ? 2 : 1;
        rows.deliveries.push({
          id: deliveryId,
          userId: account.id,
          eventId,
          endpointId,
          status: failedForGood ? failed : succeeded,
          attempts,
          nextAttemptAt: null,
          lastStatusCode: failedForGood ? 503 : 200,
          lastError: failedForGood ? "HTTP 503" : null,
          createdAt: at,
          updatedAt: at + attempts * 5000,
          completedAt: at + attempts * 5000,
        });
        for (let n = 1; n <= attempts; n++) {
          const last = n === attempts;
          const ok = last && !failedForGood;
          rows.attempts.push({
            id: idFromTime("att", at + n * 5000),
            deliveryId,
            number: n,
            startedAt: at + (n - 1) * 5000,
            durationMs: 20 + ((i + n) % 180),
            requestHeaders: `{"content-type":"application/json","webhook-id":"${eventId}"}`,
            responseStatus: ok ? 200 : 503,
            responseHeaders: '{"content-type":"text/plain"}',
            responseBody: ok ? "ok" : "Service Unavailable",
            error: ok ? null : "HTTP 503",
          });
        }
      }
    }
    await insertRows(store(), rows);
    process.stdout.write(`\rseeded ${made.toLocaleString("en")} deliveries…`);
  }
  // A bulk load leaves PostgreSQL's planner statistics and visibility map behind the data until
  // autovacuum's first pass over it (it starts once inserts pass a fifth of a table): done now,
  // the database is as it would be a minute later, and counts read indexes alone from the start.
  const database = store();
  if (database.engine === "postgres") await query(database, database.pool, `VACUUM (ANALYZE) "Event", "Delivery", "Attempt"`);
  console.log(`\nSeeded ${made.toLocaleString("en")} deliveries (${events.toLocaleString("en")} events, ${options.endpoints} endpoints) in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
  console.log(`Sign in as ${options.email} / demo-password.`);
  return { userId: account.id, endpoints };
}

if (require.main === module) {
  seedDemo({ deliveries: Number(values.deliveries), endpoints: Number(values.endpoints), days: Number(values.days), email: values.email! }).catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
