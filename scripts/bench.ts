/**
 * `npm run bench [-- --quick]`: Hookline's delivery engine measured against the machine's
 * limit, every process local (127.0.0.1). Figures are ratios against baselines measured in the
 * same run, because these machines are shared and noisy.
 *
 *   raw        undici Pool request() loop of signed POSTs, keep-alive, no database (baseline)
 *   durable    Hookline's worker (own process) delivering the same POSTs, every attempt
 *              recorded in SQLite; ratio = durable / raw at the same concurrency
 *   bullmq     the same load through a minimal BullMQ + Redis dispatcher (own process, Redis
 *              with AOF on, appendfsync everysec), what a Node team would write instead;
 *              bullmq_ratio = durable / bullmq. Needs redis-server (installed with apt-get when
 *              root), else skipped with a line saying so and null figures; see scripts/bench/bullmq.ts
 *   isolation  healthy throughput beside a dead endpoint (never answers, 10 s timeout) that
 *              holds a backlog; slow_penalty = 1 − with / mean(without, just before and after)
 *   memory     peak RSS of the worker process
 *   ingest     the real server (scripts/start.mjs: Next with its worker inside) taking
 *              POST /api/v1/events over INGEST_CONNECTIONS keep-alive connections: events no
 *              endpoint subscribes to (accepting alone), then events fanned out to two
 *              endpoints that it delivers meanwhile; baseline = the same client loop against
 *              the bare receiver; and the server's peak RSS through it all (web + worker)
 *   fifo       one FIFO endpoint (SPEC §11): FIFO_EVENTS events over 10 ordering keys, then over
 *              one, each drained by a new worker process; fifo_keys_vs_one = 10 keys / one
 *   latency    end to end as a user sees it: the real server started from cold on a fresh
 *              database, events sent through POST /api/v1/events at OFFERED_RATE from this
 *              process; request sent → webhook arrived at the receiver, p50/p99 for the first
 *              10 s after the server is ready and for steady state (scripts/bench/latency.ts)
 *   noisy-neighbour, dead-endpoint
 *              one account beside another's hanging endpoints, and a 500 events/s soak beside a
 *              dead endpoint, through the real server with its defaults; see
 *              scripts/bench/tenant-scenarios.ts. They print PASS or MISS and never fail the run.
 *
 * raw, durable, bullmq, isolation and memory run as one scenario, `engine`. `--only a,b` (or
 * HOOKLINE_BENCH_ONLY) runs just the named scenarios (engine, ingest, fifo, latency,
 * noisy-neighbour, dead-endpoint); `--quick` shortens every phase;
 * `--noisy-seconds N` / HOOKLINE_BENCH_NOISY_SECONDS (default 30, quick 15) and
 * `--soak-seconds N` / HOOKLINE_BENCH_SOAK_SECONDS (default 60, quick 15) set how long the
 * tenant scenarios send events.
 *
 * `--db postgres` runs every phase on PostgreSQL instead of SQLite: a throw-away cluster on
 * 127.0.0.1 with PostgreSQL's durable defaults (fsync on, synchronous_commit on), one database
 * per phase. It adds `round_trips_per_delivery` (database round trips the worker's store made
 * per delivered attempt in the durable phase). Both engines report deliveries/s with one and
 * with two worker processes (`durable_per_s`, `durable_two_workers_per_s`).
 *
 * Ends with one line `BENCH {json}`.
 */
import { fork } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Pool } from "undici";
import { bullmqThroughput, REDIS_SETTING } from "./bench/bullmq";
import { benchDatabases, peakRssMb, startReceiver, startServer, until, untilDrained, type BenchReceiver } from "./bench/harness";
import { endToEndLatency } from "./bench/latency";
import { engineProfiles, printTimeByThread, type ProfileWindow } from "./bench/profile-parts";
import { deadEndpointSoak, noisyNeighbour, type Row } from "./bench/tenant-scenarios";

const args = process.argv.slice(2);
/** The value after `--name` (or in `--name=value`), else the environment variable's. */
function option(name: string, envName: string): string | undefined {
  const at = args.findIndex((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`));
  if (at === -1) return process.env[envName];
  return args[at].includes("=") ? args[at].slice(args[at].indexOf("=") + 1) : args[at + 1];
}
function usageError(message: string): never {
  console.error(`npm run bench: ${message}`);
  process.exit(2);
}
function seconds(name: string, envName: string, fallback: number): number {
  const text = option(name, envName);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!(value > 0)) usageError(`--${name} must be a positive number of seconds, not "${text}"`);
  return value;
}

const quick = args.includes("--quick");
const dbText = option("db", "HOOKLINE_BENCH_DB") ?? "sqlite";
if (dbText !== "sqlite" && dbText !== "postgres") usageError(`--db must be sqlite or postgres, not "${dbText}"`);
const DB: "sqlite" | "postgres" = dbText;
const SCENARIOS = ["engine", "ingest", "fifo", "latency", "noisy-neighbour", "dead-endpoint"] as const;
type Scenario = (typeof SCENARIOS)[number];
const onlyText = option("only", "HOOKLINE_BENCH_ONLY");
const selected = new Set<Scenario>(onlyText === undefined ? SCENARIOS : (onlyText.split(",").map((name) => name.trim()) as Scenario[]));
for (const name of selected) {
  if (!SCENARIOS.includes(name)) usageError(`--only: unknown scenario "${name}" (one of ${SCENARIOS.join(", ")})`);
}
const NOISY_SECONDS = seconds("noisy-seconds", "HOOKLINE_BENCH_NOISY_SECONDS", quick ? 15 : 30);
const SOAK_SECONDS = seconds("soak-seconds", "HOOKLINE_BENCH_SOAK_SECONDS", quick ? 15 : 60);
const SIZES = quick
  ? { raw: 10_000, durable: 10_000, latencySeconds: 20, slowBacklog: 300, ingest: 5_000 }
  : { raw: 50_000, durable: 50_000, latencySeconds: 40, slowBacklog: 1_000, ingest: 20_000 };
/** Events per FIFO round (one round over 10 ordering keys, one over a single key). */
const FIFO_EVENTS = quick ? 500 : 2_000;
const FIFO_KEYS = 10;
/** Clients posting events at once in the ingest phase. */
const INGEST_CONNECTIONS = 32;
const ENDPOINT_CONCURRENCY = 16;
const HEALTHY_ENDPOINTS = 8;
/** In flight towards the healthy endpoints: the raw loop uses exactly as many connections. */
const CONCURRENCY = HEALTHY_ENDPOINTS * ENDPOINT_CONCURRENCY;
/** The worker's global cap (its default): room for the healthy load and a dead endpoint's share. */
const WORKER_CONCURRENCY = 256;
const OFFERED_RATE = 200;
/** HOOKLINE_BENCH_PROFILE=<dir>: profile one extra durable round in the engine and say where its time goes. */
const PROFILE_DIR = process.env.HOOKLINE_BENCH_PROFILE;
if (PROFILE_DIR) mkdirSync(PROFILE_DIR, { recursive: true });

const workDir = mkdtempSync(path.join(os.tmpdir(), "hookline-bench-"));
Object.assign(process.env, {
  HOOKLINE_ALLOWED_CIDRS: "127.0.0.0/8",
  HOOKLINE_ATTEMPT_TIMEOUT_MS: "10000",
  HOOKLINE_POLL_INTERVAL_MS: "100",
  HOOKLINE_WORKER_CONCURRENCY: String(WORKER_CONCURRENCY),
  HOOKLINE_ENDPOINT_CONCURRENCY: String(ENDPOINT_CONCURRENCY),
});

/** `count` POSTs of `body(i)` to origin+path over `connections` keep-alive connections; requests/s. */
async function postLoop(origin: string, path: string, headers: Record<string, string>, count: number, body: (i: number) => string, connections: number): Promise<number> {
  const pool = new Pool(origin, { connections });
  let sent = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (sent < count) {
        const i = sent++;
        const response = await pool.request({ path, method: "POST", headers: { "content-type": "application/json", ...headers }, body: body(i) });
        await response.body.dump();
        if (response.statusCode >= 300) throw new Error(`POST ${path} answered ${response.statusCode}`);
      }
    }),
  );
  const rate = count / ((performance.now() - started) / 1000);
  await pool.close();
  return rate;
}

type Engine = ReturnType<typeof startEngine>;

/** The engine process and a request/response helper over IPC. */
function startEngine() {
  // HOOKLINE_BENCH_PROFILE: every thread of the engine writes a CPU profile there when it exits.
  const profileDir = PROFILE_DIR ? mkdtempSync(path.join(PROFILE_DIR, "engine-")) : null;
  const profiling = profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [];
  const child = fork(path.join(__dirname, "bench", "engine.ts"), [], { execArgv: ["--import", "tsx", ...profiling], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const replies: Array<(message: Record<string, unknown>) => void> = [];
  child.on("message", (message) => replies.shift()?.(message as Record<string, unknown>));
  const next = () => new Promise<Record<string, unknown>>((resolve) => replies.push(resolve));
  return {
    child,
    ready: next(),
    async send(command: Record<string, unknown>) {
      const reply = next();
      child.send(command);
      return reply;
    },
    peakRssMb: () => peakRssMb(child.pid!),
    profileDir,
  };
}

/**
 * The standalone-worker phases (raw, durable, isolation, memory: scenario `engine`) and
 * the ingest phase, on the bench's own database with the bench's worker settings.
 */
async function engineAndIngest(receiver: BenchReceiver): Promise<{ json: Record<string, number | null>; rows: Row[] }> {
  const { migrateDatabase } = await import("../lib/store/migrate");
  await migrateDatabase(process.env.DATABASE_URL!);
  const { prisma } = await import("../lib/db");
  const { store } = await import("../lib/store/connection");
  const { insertRows } = await import("../lib/store/bulk-insert");
  const { newId } = await import("../lib/ids");
  const { createAccount } = await import("../lib/auth/accounts");
  const { createEndpoint } = await import("../lib/endpoints/queries");
  const { signatureHeaders, generateSigningSecret } = await import("../lib/webhooks/sign");
  const { webhookBody } = await import("../lib/webhooks/body");
  const { USER_AGENT } = await import("../lib/version");

  let accounts = 0;
  async function account(endpointPaths: string[], ordering: "unordered" | "fifo" = "unordered") {
    const user = await createAccount(`bench-${++accounts}@example.test`, "bench password");
    if ("emailTaken" in user) throw new Error("bench account exists");
    const endpoints = [];
    for (const endpointPath of endpointPaths) {
      endpoints.push(await createEndpoint(user.id, { name: endpointPath, url: `${receiver.origin}${endpointPath}`, description: "", ordering }));
    }
    return { userId: user.id, endpointIds: endpoints.map((endpoint) => endpoint.id) };
  }

  /** Inserts `perEndpoint` events × endpoints deliveries, new (pending) and due now, in one transaction. */
  async function seed(userId: string, endpointIds: string[], events: number): Promise<void> {
    const now = Date.now();
    const rows = { events: [] as Array<{ id: string; userId: string; type: string; payload: string; createdAt: number }>, deliveries: [] as Array<{ id: string; userId: string; eventId: string; endpointId: string; attempts: number; nextAttemptAt: number; createdAt: number; updatedAt: number }> };
    for (let i = 0; i < events; i++) {
      const eventId = newId("msg", now);
      rows.events.push({ id: eventId, userId, type: "bench.delivery", payload: `{"order":${i},"amount":4200,"currency":"EUR"}`, createdAt: now });
      for (const endpointId of endpointIds) rows.deliveries.push({ id: newId("dlv", now), userId, eventId, endpointId, attempts: 0, nextAttemptAt: now, createdAt: now, updatedAt: now });
    }
    await insertRows(store(), rows);
  }

  const remaining = (endpointIds: string[]) => prisma.delivery.count({ where: { endpointId: { in: endpointIds }, status: { in: ["pending", "delivering"] } } });

  /** Deliveries/s to healthy endpoints, optionally beside a dead endpoint with a backlog; `engines` are all woken. */
  async function healthyThroughput(engine: Engine | Engine[], withDeadEndpoint: boolean, deliveries = SIZES.durable): Promise<number> {
    const engines = Array.isArray(engine) ? engine : [engine];
    const wake = (endpointIds: string[]) => Promise.all(engines.map((each) => each.send({ cmd: "wake", endpointIds })));
    const paths = Array.from({ length: HEALTHY_ENDPOINTS }, (_, i) => `/healthy/${i}`);
    const { userId, endpointIds } = await account(withDeadEndpoint ? ["/slow", ...paths] : paths);
    const healthy = withDeadEndpoint ? endpointIds.slice(1) : endpointIds;
    if (withDeadEndpoint) {
      await seed(userId, [endpointIds[0]], SIZES.slowBacklog);
      await wake([endpointIds[0]]);
      // Let the dead endpoint take its slots before the healthy work arrives.
      await until(async () => (await prisma.delivery.count({ where: { endpointId: endpointIds[0], status: "delivering" } })) > 0);
    }
    await seed(userId, healthy, deliveries / HEALTHY_ENDPOINTS);
    const started = performance.now();
    await wake(healthy);
    await untilDrained(() => remaining(healthy));
    return deliveries / ((performance.now() - started) / 1000);
  }

  // 1. Raw baseline: the fastest keep-alive client, signing each POST, nothing stored. A first
  //    uncounted round warms up the receiver (JIT), so the baseline is not flattered low.
  async function rawLoop(requests: number): Promise<number> {
    const pool = new Pool(receiver.origin, { connections: CONCURRENCY });
    const secret = generateSigningSecret();
    let sent = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (sent < requests) {
          const id = `msg_raw${sent++}`;
          const body = webhookBody("bench.raw", Date.now(), `{"order":${sent},"amount":4200,"currency":"EUR"}`);
          const response = await pool.request({
            path: "/raw",
            method: "POST",
            headers: { "content-type": "application/json", "user-agent": USER_AGENT, ...signatureHeaders([secret], id, Math.floor(Date.now() / 1000), body) },
            body,
          });
          await response.body.dump();
        }
      }),
    );
    const rate = requests / ((performance.now() - started) / 1000);
    await pool.close();
    return rate;
  }

  /**
   * Where the time goes: one more durable round (not counted: profiling slows it) with its
   * window marked on the engine's clock; the engine runs under --cpu-prof (startEngine), and
   * once it exits each of its threads' samples in that window are summed by part (profile-parts.ts).
   */
  async function profiledRound(engine: Engine): Promise<ProfileWindow> {
    const from = (await engine.send({ cmd: "clock" })).micros as number;
    await healthyThroughput(engine, false);
    const to = (await engine.send({ cmd: "clock" })).micros as number;
    return { from, to, deliveries: SIZES.durable };
  }

  /** 1–4 and the worker's memory, in the standalone engine process. */
  async function engineScenario(engine: Engine) {
    await rawLoop(SIZES.raw / 5);
    const rawPerS = await rawLoop(SIZES.raw);

    // 2. Durable throughput, after a warm-up round (JIT, page cache) that is not counted, with
    //    the store's round trips counted around it (PostgreSQL).
    await healthyThroughput(engine, false, SIZES.durable / 5);
    const tripsBefore = (await engine.send({ cmd: "roundTrips" })).count as number | null;
    const durablePerS = await healthyThroughput(engine, false);
    const tripsAfter = (await engine.send({ cmd: "roundTrips" })).count as number | null;
    const roundTripsPerDelivery = tripsBefore === null || tripsAfter === null ? null : (tripsAfter - tripsBefore) / SIZES.durable;
    const profiled = PROFILE_DIR ? await profiledRound(engine) : null;

    // 2a. The same load through a minimal BullMQ + Redis dispatcher, when redis-server is there.
    const bullmq = await bullmqThroughput(receiver, SIZES.durable, HEALTHY_ENDPOINTS, CONCURRENCY);

    // 2b. The same with a second worker process sharing the database.
    const second = startEngine();
    await second.ready;
    await second.send({ cmd: "start" });
    await healthyThroughput([engine, second], false, SIZES.durable / 5);
    const twoWorkersPerS = await healthyThroughput([engine, second], false);
    await second.send({ cmd: "stop" }).catch(() => undefined);

    // 3. Isolation: the same healthy load beside a dead endpoint, compared with the mean of the
    //    runs without it just before and just after (the database grows during the run, so a
    //    single earlier baseline would charge that growth to the dead endpoint).
    const withoutBefore = await healthyThroughput(engine, false);
    const withDeadPerS = await healthyThroughput(engine, true);
    const withoutAfter = await healthyThroughput(engine, false);
    const slowPenalty = Math.max(0, 1 - withDeadPerS / ((withoutBefore + withoutAfter) / 2));

    const rssMb = engine.peakRssMb();
    await engine.send({ cmd: "stop" }).catch(() => undefined);
    if (profiled) printTimeByThread(await engineProfiles(engine), profiled);
    return {
      raw_per_s: Math.round(rawPerS),
      durable_per_s: Math.round(durablePerS),
      durable_two_workers_per_s: Math.round(twoWorkersPerS),
      two_workers_vs_one: Number((twoWorkersPerS / durablePerS).toFixed(3)),
      ...(roundTripsPerDelivery === null ? {} : { round_trips_per_delivery: Number(roundTripsPerDelivery.toFixed(3)) }),
      ratio: Number((durablePerS / rawPerS).toFixed(3)),
      bullmq_per_s: bullmq.perS === null ? null : Math.round(bullmq.perS),
      bullmq_ratio: bullmq.perS === null ? null : Number((durablePerS / bullmq.perS).toFixed(3)),
      with_dead_per_s: Math.round(withDeadPerS),
      slow_penalty: Number(slowPenalty.toFixed(3)),
      rss_mb: Math.round(rssMb),
    };
  }

  /**
   * What keeping the search index costs ingest (SPEC §11, target ≤ 15 % slower): the accept loop
   * again on the same warm server without the index, then once more with it, made again as
   * `migrateDatabase` makes it; the two runs with it (before and after) against the one without.
   */
  async function searchIndexCost(acceptLoop: () => Promise<number>, withIndexPerS: number) {
    const { dropPostgresSearchIndex, dropSqliteSearchIndex } = await import("../lib/store/search-index");
    const { migrateDatabase } = await import("../lib/store/migrate");
    const current = store();
    if (current.engine === "sqlite") dropSqliteSearchIndex(current.sqlite);
    else await dropPostgresSearchIndex(current.pool);
    const withoutPerS = await acceptLoop();
    await migrateDatabase(process.env.DATABASE_URL!);
    const againPerS = await acceptLoop();
    const withPerS = (withIndexPerS + againPerS) / 2;
    return { ingest_without_search_index_per_s: Math.round(withoutPerS), search_index_ingest_cost: Number((1 - withPerS / withoutPerS).toFixed(3)) };
  }

  // 5. Ingest through the real server, which also delivers what it takes in (its worker is
  //    the only one running now). The API rate limit is lifted: it is a per-account abuse
  //    guard, not what is measured. Logging stays at its default, as in production. Then the
  //    accept path again on a server with synchronous = NORMAL: what durability against power
  //    loss (FULL, the default) costs, in the same run.
  async function ingest() {
    const { createApiKey } = await import("../lib/auth/api-keys");
    const { userId } = await account([]);
    // Two endpoints for order.* events: `audit.logged` events are accepted and stored but fan
    // out to nobody (the accept path alone); `order.created` ones make two deliveries each,
    // which the server's worker delivers while the requests keep coming.
    const endpointIds: string[] = [];
    for (const name of ["a", "b"]) {
      endpointIds.push((await createEndpoint(userId, { name, url: `${receiver.origin}/ingest/${name}`, description: "", eventTypes: ["order.*"] })).id);
    }
    const { key } = await createApiKey(userId, "bench");
    const server = await startServer({ ...process.env, HOOKLINE_API_RATE_LIMIT: "1000000000" });
    const origin = server.origin;
    const eventOf = (type: string) => (i: number) => `{"type":"${type}","data":{"order":${i},"amount":4200,"currency":"EUR"}}`;
    const auth = { authorization: `Bearer ${key}` };
    await postLoop(origin, "/api/v1/events", auth, SIZES.ingest / 5, eventOf("audit.logged"), INGEST_CONNECTIONS);
    await postLoop(receiver.origin, "/ingest-baseline", {}, SIZES.ingest / 5, eventOf("order.created"), INGEST_CONNECTIONS);
    const baselinePerS = await postLoop(receiver.origin, "/ingest-baseline", {}, SIZES.ingest, eventOf("order.created"), INGEST_CONNECTIONS);
    const acceptPerS = await postLoop(origin, "/api/v1/events", auth, SIZES.ingest, eventOf("audit.logged"), INGEST_CONNECTIONS);
    const searchIndex = await searchIndexCost(() => postLoop(origin, "/api/v1/events", auth, SIZES.ingest, eventOf("audit.logged"), INGEST_CONNECTIONS), acceptPerS);
    const perS = await postLoop(origin, "/api/v1/events", auth, SIZES.ingest, eventOf("order.created"), INGEST_CONNECTIONS);
    await until(async () => (await remaining(endpointIds)) === 0);
    const rss = server.peakRss();
    await server.stop();
    // SQLite only: the same accept path with synchronous = NORMAL (what FULL costs).
    const syncNormal = DB === "sqlite" ? await (async () => {
      const normal = await startServer({ ...process.env, HOOKLINE_API_RATE_LIMIT: "1000000000", HOOKLINE_SQLITE_SYNCHRONOUS: "normal" });
      await postLoop(normal.origin, "/api/v1/events", auth, SIZES.ingest / 5, eventOf("audit.logged"), INGEST_CONNECTIONS);
      const normalAcceptPerS = await postLoop(normal.origin, "/api/v1/events", auth, SIZES.ingest, eventOf("audit.logged"), INGEST_CONNECTIONS);
      await normal.stop();
      return { ingest_sync_normal_per_s: Math.round(normalAcceptPerS), ingest_full_vs_normal: Number((acceptPerS / normalAcceptPerS).toFixed(3)) };
    })() : {};
    return {
      ...syncNormal,
      ...searchIndex,
      ingest_per_s: Math.round(acceptPerS),
      ingest_delivering_per_s: Math.round(perS),
      ingest_baseline_per_s: Math.round(baselinePerS),
      ingest_ratio: Number((acceptPerS / baselinePerS).toFixed(3)),
      server_rss_mb: Math.round(rss.largest),
      server_tree_rss_mb: Math.round(rss.tree),
    };
  }

  /**
   * 6. FIFO endpoints (SPEC §11): `events` events to one FIFO endpoint, over `keys` ordering keys,
   *    written as ingest writes them (group commits, each numbered in its key's queue) while no
   *    worker runs, then drained by a new worker process (as `npm run worker`), timed from its
   *    start. A key is one delivery at a time (each waits for the previous one's answer and its
   *    recording), so keys proceeding in parallel show as 10 keys ≈ up to 10 × one key.
   */
  async function fifoThroughput(keys: number, events: number): Promise<number> {
    const { insertEvent } = await import("../lib/store/insert-events");
    const { userId, endpointIds } = await account(["/fifo"], "fifo");
    await Promise.all(
      Array.from({ length: events }, (_, i) =>
        insertEvent(store(), { userId, type: "bench.fifo", payload: `{"order":${i},"amount":4200,"currency":"EUR"}`, orderingKey: `key-${i % keys}`, now: new Date() }),
      ),
    );
    const engine = startEngine();
    await engine.ready;
    const started = performance.now();
    await engine.send({ cmd: "start" });
    await untilDrained(() => remaining(endpointIds));
    const perS = events / ((performance.now() - started) / 1000);
    await engine.send({ cmd: "stop" }).catch(() => undefined);
    return perS;
  }

  const json: Record<string, number | null> = {};
  const rows: Row[] = [];
  if (selected.has("engine")) {
    const engine = startEngine();
    await engine.ready;
    await engine.send({ cmd: "start" });
    Object.assign(json, await engineScenario(engine));
    rows.push(
      ["raw signed POSTs/s (baseline, no database)", String(json.raw_per_s), ""],
      [`durable deliveries/s (every attempt in ${DB === "sqlite" ? "SQLite" : "PostgreSQL"})`, String(json.durable_per_s), ""],
      ["durable / raw", String(json.ratio), "target ≥ 0.5"],
      ["  with two worker processes", String(json.durable_two_workers_per_s), ""],
      ["  two workers / one", String(json.two_workers_vs_one), ""],
      ...(json.round_trips_per_delivery === undefined ? [] : ([["database round trips per delivered attempt", String(json.round_trips_per_delivery), ""]] as Row[])),
      ["BullMQ + Redis deliveries/s, same load", json.bullmq_per_s === null ? "skipped" : String(json.bullmq_per_s), json.bullmq_per_s === null ? "see the line above" : REDIS_SETTING],
      ["durable / BullMQ (bullmq_ratio)", String(json.bullmq_ratio ?? "—"), ""],
      ["healthy deliveries/s beside a dead endpoint", String(json.with_dead_per_s), ""],
      ["slow-endpoint penalty", `${(Number(json.slow_penalty) * 100).toFixed(1)} %`, "target ≤ 10 %"],
      ["worker peak RSS (standalone worker process)", `${json.rss_mb} MB`, ""],
    );
  }
  if (selected.has("ingest")) {
    Object.assign(json, await ingest());
    rows.push(
      [`bare receiver POSTs/s (ingest baseline, ${INGEST_CONNECTIONS} connections)`, String(json.ingest_baseline_per_s), ""],
      ["POST /api/v1/events accepted/s (no fan-out)", String(json.ingest_per_s), "target ≥ 1,500"],
      ["  …fanned out to 2 endpoints, server delivering too", String(json.ingest_delivering_per_s), ""],
      ["ingest / bare receiver", String(json.ingest_ratio), ""],
      ["  accepted/s without the search index", String(json.ingest_without_search_index_per_s), ""],
      ["  what the search index costs ingest", `${(100 * (json.search_index_ingest_cost ?? 0)).toFixed(1)} %`, "target ≤ 15 %"],
      ...(DB === "sqlite"
        ? ([
            ["  accepted/s with synchronous = NORMAL (not power-loss safe)", String(json.ingest_sync_normal_per_s), ""],
            ["  FULL (default) / NORMAL", String(json.ingest_full_vs_normal), ""],
          ] as Row[])
        : []),
      ["server peak RSS (web + worker, one process)", `${json.server_rss_mb} MB`, "target ≤ 400 MB"],
      ["  with the start script around it", `${json.server_tree_rss_mb} MB`, ""],
    );
  }
  if (selected.has("fifo")) {
    // A first round warms the page cache; each round's worker process starts cold alike.
    await fifoThroughput(FIFO_KEYS, FIFO_EVENTS / 5);
    const manyKeysPerS = await fifoThroughput(FIFO_KEYS, FIFO_EVENTS);
    const oneKeyPerS = await fifoThroughput(1, FIFO_EVENTS);
    Object.assign(json, {
      fifo_keys_per_s: Math.round(manyKeysPerS),
      fifo_one_key_per_s: Math.round(oneKeyPerS),
      fifo_keys_vs_one: Number((manyKeysPerS / oneKeyPerS).toFixed(2)),
    });
    rows.push(
      [`FIFO deliveries/s, ${FIFO_KEYS} ordering keys (one endpoint)`, String(json.fifo_keys_per_s), ""],
      ["FIFO deliveries/s, one ordering key", String(json.fifo_one_key_per_s), ""],
      [`  ${FIFO_KEYS} keys / one key`, String(json.fifo_keys_vs_one), "keys in parallel: > 1"],
    );
  }
  return { json, rows };
}

/** 1-minute load average: these machines are shared, and figures mean little when it is far above the core count. */
const loadAverage = () => os.loadavg()[0].toFixed(1);

async function main() {
  const loadAtStart = loadAverage();
  const databases = await benchDatabases(DB, workDir);
  process.env.DATABASE_URL = await databases.newDatabase("bench");
  const receiver = await startReceiver();
  const json: Record<string, number | string | null> = { db: DB };
  const rows: Row[] = [];
  if (selected.has("engine") || selected.has("ingest") || selected.has("fifo")) {
    const result = await engineAndIngest(receiver);
    Object.assign(json, result.json);
    rows.push(...result.rows);
  }
  if (selected.has("latency")) {
    const result = await endToEndLatency(receiver, databases.newDatabase, OFFERED_RATE, SIZES.latencySeconds);
    Object.assign(json, result.json);
    rows.push(...result.rows);
  }
  for (const [name, run, duration] of [
    ["noisy-neighbour", noisyNeighbour, NOISY_SECONDS],
    ["dead-endpoint", deadEndpointSoak, SOAK_SECONDS],
  ] as const) {
    if (!selected.has(name)) continue;
    const result = await run(receiver, databases.newDatabase, duration);
    Object.assign(json, result.json);
    rows.push(...result.rows);
  }
  receiver.child.kill("SIGTERM");
  await databases.stop();
  rmSync(workDir, { recursive: true, force: true });

  const cpu = os.cpus();
  const scenarios = selected.size === SCENARIOS.length ? "" : ` [${[...selected].join(", ")}]`;
  console.log(`\nHookline benchmark${quick ? " (quick)" : ""}${scenarios} on ${DB === "sqlite" ? "SQLite" : "PostgreSQL"}: ${cpu.length} × ${cpu[0]?.model ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, load average ${loadAtStart} at start, ${loadAverage()} at end`);
  if (selected.has("engine")) {
    console.log(
      `${CONCURRENCY} requests in flight (raw: ${CONCURRENCY} connections; worker: ${HEALTHY_ENDPOINTS} endpoints × ${ENDPOINT_CONCURRENCY}, global cap ${WORKER_CONCURRENCY}), receiver in its own process`,
    );
  }
  console.log("");
  for (const [name, value, target] of rows) console.log(`${name.padEnd(52)} ${value.padStart(10)}   ${target}`);
  console.log(`\nBENCH ${JSON.stringify(json)}`);
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
