/**
 * `npm run bench:log [-- --deliveries 1000000] [--small 1000] [--runs 20] [--db sqlite|postgres]`:
 * the dashboard at scale. In one run:
 * 1. seeds two databases with the demo history (scripts/seed-demo.ts: 20 endpoints over 30 days),
 *    one with `--small` deliveries and one with `--deliveries` (scripts/bench/seed-log.ts);
 * 2. times the log's queries and the other pages' lib functions in-process on the large one
 *    (scripts/bench/log-queries.ts);
 * 3. starts the real server on each (scripts/start.mjs, as `npm start` does, with its worker off:
 *    HOOKLINE_WORKER=off), signs in through the sign-in form and GETs every dashboard page (the
 *    lists and one detail page of each kind) `--runs` times on both, interleaved.
 * Targets: the log's first page and filtered pages ≤ 50 ms in-process (SPEC §8); every page's
 * median ≤ 100 ms on the large database and ≤ 2 × its median on the small one, so a page's cost
 * does not grow with the log. Ends with one `BENCH_LOG {json}` line.
 */
import { fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { benchDatabases, defaultServerEnv, startServer, type BenchServer } from "./bench/harness";
import { dashboardPages, timePages, type PageTiming } from "./bench/dashboard-pages";
import { signIn } from "../tests/helpers/forms";
import type { QueryTiming } from "./bench/log-queries";

const { values } = parseArgs({
  options: {
    deliveries: { type: "string", default: "1000000" },
    small: { type: "string", default: "1000" },
    runs: { type: "string", default: "20" },
    db: { type: "string", default: "sqlite" },
  },
});
const large = Number(values.deliveries);
const small = Number(values.small);
const runs = Number(values.runs);
const engine = values.db === "postgres" ? "postgres" : "sqlite";

/** A page's median on the large database: at most this… */
const PAGE_TARGET_MS = 100;
/** …and at most this many times its median on the small one. */
const PAGE_MAX_RATIO = 2;

/** Runs one of scripts/bench/'s set-up children on `databaseUrl` and returns what it sends back. */
function child<T>(script: string, args: string[], databaseUrl: string): Promise<T> {
  const process_ = fork(path.join(__dirname, "bench", script), args, {
    execArgv: ["--import", "tsx"],
    env: defaultServerEnv(databaseUrl),
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return new Promise((resolve, reject) => {
    process_.once("message", (message) => resolve(message as T));
    process_.once("exit", (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

async function main() {
  const workDir = mkdtempSync(path.join(os.tmpdir(), "hookline-log-bench-"));
  const databases = await benchDatabases(engine, workDir);
  const servers: BenchServer[] = [];
  try {
    const loadBefore = os.loadavg();
    const sizes = [small, large];
    const seeded: Array<{ size: number; url: string; email: string; password: string }> = [];
    for (const size of sizes) {
      const url = await databases.newDatabase(`log_${size}`);
      console.log(`\nSeeding ${size.toLocaleString("en")} deliveries (${engine})…`);
      const account = await child<{ email: string; password: string }>("seed-log.ts", ["--deliveries", String(size)], url);
      seeded.push({ size, url, ...account });
    }

    console.log(`\nQueries in-process over ${large.toLocaleString("en")} deliveries, ${runs} runs each:`);
    const queries = await child<Record<string, QueryTiming>>("log-queries.ts", ["--email", seeded[1].email, "--runs", String(runs)], seeded[1].url);
    console.log(`${"query".padEnd(34)} ${"median".padStart(9)} ${"worst".padStart(9)}  rows`);
    for (const [name, result] of Object.entries(queries)) {
      console.log(`${name.padEnd(34)} ${fmt(result.median_ms).padStart(9)} ${fmt(result.max_ms).padStart(9)}  ${result.rows}`);
    }

    console.log("\nStarting a server on each database (worker off)…");
    const sites = [];
    for (const { size, url, email, password } of seeded) {
      const server = await startServer(defaultServerEnv(url, { HOOKLINE_WORKER: "off" }));
      servers.push(server);
      const cookie = await signIn(server.origin, email, password);
      sites.push({ name: String(size), origin: server.origin, cookie, pages: await dashboardPages(server.origin, cookie) });
    }
    const [smallTimes, largeTimes] = await timePages(sites, runs);

    const label = (page: string) => page.replace(/_[0-9A-Z]+$/, "_…");
    const sizeName = (n: number) => (n >= 1_000_000 ? `${n / 1_000_000}M` : n.toLocaleString("en"));
    console.log(`\nDashboard pages through the server (${engine}), ${runs} GETs each, signed in; median (worst):`);
    console.log(`${"page".padEnd(20)} ${sizeName(small).padStart(20)} ${sizeName(large).padStart(20)}   ratio  verdict`);
    const pages: Record<string, { small: PageTiming; large: PageTiming; ratio: number; pass: boolean }> = {};
    for (const [i, page] of sites[0].pages.entries()) {
      const [s, l] = [smallTimes[i], largeTimes[i]];
      const ratio = Number((l.median_ms / s.median_ms).toFixed(2));
      const pass = l.median_ms <= PAGE_TARGET_MS && l.median_ms <= PAGE_MAX_RATIO * s.median_ms;
      pages[label(page)] = { small: s, large: l, ratio, pass };
      const cell = (t: PageTiming) => `${fmt(t.median_ms)} (${fmt(t.max_ms)})`;
      console.log(`${label(page).padEnd(20)} ${cell(s).padStart(20)} ${cell(l).padStart(20)}   ${ratio.toFixed(2).padStart(5)}  ${pass ? "PASS" : "MISS"}`);
    }
    const loadAfter = os.loadavg();
    const allPass = Object.values(pages).every((page) => page.pass);
    console.log(`\nTarget: each page's median ≤ ${PAGE_TARGET_MS} ms at ${sizeName(large)} and ≤ ${PAGE_MAX_RATIO} × at ${sizeName(small)}: ${allPass ? "met" : "MISSED"}.`);
    console.log(`Load average (1 min) before / after: ${loadBefore[0].toFixed(2)} / ${loadAfter[0].toFixed(2)} on ${os.cpus().length} cores.`);
    const worstQuery = Math.max(...Object.values(queries).map((query) => query.median_ms));
    console.log(
      `\nBENCH_LOG ${JSON.stringify({ engine, deliveries: { small, large }, runs, pages, all_pages_pass: allPass, queries, worst_query_median_ms: worstQuery, load_avg_1m: { before: loadBefore[0], after: loadAfter[0] } })}`,
    );
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    await databases.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
