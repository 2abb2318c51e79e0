/**
 * `npm run bench:log [-- --deliveries 1000000]`: the delivery log at scale. Seeds a temporary
 * database with the demo data (scripts/seed-demo.ts), then times the log's queries as the
 * dashboard and API run them (lib/deliveries/queries.ts: keyset pagination, never OFFSET or
 * COUNT): median and worst of 20 runs each. Target: ≤ 50 ms for the first page and filtered pages.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({ options: { deliveries: { type: "string", default: "1000000" } } });
const workDir = mkdtempSync(path.join(os.tmpdir(), "hookline-log-bench-"));
process.env.DATABASE_URL = `file:${path.join(workDir, "log.db")}`;

async function main() {
  const { seedDemo } = await import("./seed-demo");
  const { listDeliveries } = await import("../lib/deliveries/queries");
  const { userId, endpoints } = await seedDemo({ deliveries: Number(values.deliveries), endpoints: 20, days: 30, email: "bench@hookline.test" });

  const day = 86_400_000;
  const cases: Array<[string, Parameters<typeof listDeliveries>[1]]> = [
    ["first page", {}],
    ["status = failed (2 % of rows)", { status: "failed" }],
    ["one endpoint", { endpointId: endpoints[3] }],
    ["event type = invoice.paid", { eventType: "invoice.paid" }],
    ["one day, 15 days ago", { since: new Date(Date.now() - 15 * day).toISOString(), until: new Date(Date.now() - 14 * day).toISOString() }],
    ["one endpoint, failed", { endpointId: endpoints[3], status: "failed" }],
    // Statuses with few or no rows: the page must not walk the whole log to find nothing.
    ["status = pending (rare)", { status: "pending" }],
    ["status = delivering (rare)", { status: "delivering" }],
    ["one endpoint, delivering (rare)", { endpointId: endpoints[5], status: "delivering" }],
  ];
  const results: Record<string, { median_ms: number; max_ms: number; rows: number }> = {};
  console.log(`\n${"query".padEnd(34)} ${"median".padStart(8)} ${"worst".padStart(8)}  rows`);
  for (const [name, filter] of cases) {
    const first = await listDeliveries(userId, filter);
    // The second page too: the cursor path is what "Older deliveries" uses.
    const timings: number[] = [];
    for (let i = 0; i < 20; i++) {
      const started = performance.now();
      await listDeliveries(userId, { ...filter, ...(i % 2 && first.nextCursor ? { cursor: first.nextCursor } : {}) });
      timings.push(performance.now() - started);
    }
    timings.sort((a, b) => a - b);
    results[name] = { median_ms: Number(timings[10].toFixed(1)), max_ms: Number(timings[19].toFixed(1)), rows: first.data.length };
    console.log(`${name.padEnd(34)} ${`${results[name].median_ms} ms`.padStart(8)} ${`${results[name].max_ms} ms`.padStart(8)}  ${first.data.length}`);
  }
  const worst = Math.max(...Object.values(results).map((result) => result.median_ms));
  console.log(`\nBENCH_LOG ${JSON.stringify({ deliveries: Number(values.deliveries), worst_median_ms: worst, results })}`);
  rmSync(workDir, { recursive: true, force: true });
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
