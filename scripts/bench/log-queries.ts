/**
 * `npm run bench:log`'s in-process timings, in a process of its own on the database DATABASE_URL
 * names (seeded by seed-log.ts): the log's queries as the dashboard and the API run them
 * (lib/deliveries/queries.ts: keyset pagination, never OFFSET or COUNT) and the lib functions
 * behind the other dashboard pages, without the server around them, to tell a slow query from a
 * slow page. Median and worst of `runs` each. Sends the results to its parent over IPC.
 */
import { parseArgs } from "node:util";

export interface QueryTiming {
  median_ms: number;
  max_ms: number;
  rows: number;
}

async function main() {
  const { values } = parseArgs({ options: { email: { type: "string" }, runs: { type: "string", default: "20" } }, strict: false });
  const runs = Number(values.runs);
  const { prisma } = await import("../../lib/db");
  const { listDeliveries } = await import("../../lib/deliveries/queries");
  const { listEventLog } = await import("../../lib/events/queries");
  const { getEndpointStats, getOverview } = await import("../../lib/stats/queries");
  const user = await prisma.user.findUniqueOrThrow({ where: { email: String(values.email) }, select: { id: true } });
  const userId = user.id;
  const endpoints = (await prisma.endpoint.findMany({ where: { userId }, select: { id: true }, orderBy: { createdAt: "asc" } })).map((row) => row.id);

  const day = 86_400_000;
  const logCases: Array<[string, Parameters<typeof listDeliveries>[1]]> = [
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
    // Search (SPEC §11). The demo data is {id, amount, currency}: "EUR" is in every event,
    // an amount such as 4242 in one event of 10,000.
    ["search: a word every event has", { q: "EUR" }],
    ["search: a rare payload word", { q: "4242" }],
    ["search: every event's word, failed", { q: "EUR", status: "failed" }],
    ["search: a type, one endpoint", { q: "order.refunded", endpointId: endpoints[3] }],
    // Filters that leave few or none of a common word's matches: the search must not read them all.
    ["search: every event's word, one endpoint", { q: "EUR", endpointId: endpoints[3] }],
    ["search: every event's word, pending (rare)", { q: "EUR", status: "pending" }],
    ["search: every event's word, one day 15 days ago", { q: "EUR", since: new Date(Date.now() - 15 * day).toISOString(), until: new Date(Date.now() - 14 * day).toISOString() }],
    ["search: every event's word, a type", { q: "EUR", eventType: "invoice.paid" }],
  ];
  const cases: Array<[string, (i: number) => Promise<number>]> = [];
  for (const [name, filter] of logCases) {
    const first = await listDeliveries(userId, filter);
    // Every other run takes the second page: the cursor path is what "Older deliveries" uses.
    cases.push([name, async (i) => (await listDeliveries(userId, { ...filter, ...(i % 2 && first.nextCursor ? { cursor: first.nextCursor } : {}) })).data.length]);
  }
  cases.push(
    ["overview (24 h figures)", async () => (await getOverview(userId)).lastHour.length],
    ["endpoint stats (24 h)", async () => (await getEndpointStats(userId, endpoints[3])).succeeded],
    ["events, first page", async () => (await listEventLog(userId, {})).data.length],
    ["events, search: a word every event has", async () => (await listEventLog(userId, { q: "EUR" })).data.length],
    ["events, search: a rare payload word", async () => (await listEventLog(userId, { q: "4242" })).data.length],
  );

  const results: Record<string, QueryTiming> = {};
  for (const [name, run] of cases) {
    const timings: number[] = [];
    let rows = 0;
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      rows = await run(i);
      timings.push(performance.now() - started);
    }
    timings.sort((a, b) => a - b);
    results[name] = { median_ms: Number(timings[Math.floor(runs / 2)].toFixed(1)), max_ms: Number(timings[runs - 1].toFixed(1)), rows };
  }
  process.send!(results, () => process.exit(0));
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
