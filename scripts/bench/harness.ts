/**
 * What the benchmark's scenarios share: the receiver process, the real server (`npm start`'s
 * scripts/start.mjs) on a database of the scenario's choosing, accounts made in a fresh database,
 * an open-loop load generator for POST /api/v1/events, and percentiles.
 *
 * One clock for lag across processes: `clock()` (performance.timeOrigin + performance.now()) is
 * the machine's wall clock with sub-millisecond resolution, the one the receiver stamps arrivals
 * with, so "202 received here" and "webhook arrived there" can be subtracted.
 */
import { fork, spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type Socket } from "node:net";
import path from "node:path";
import { Pool } from "undici";

export const clock = () => performance.timeOrigin + performance.now();
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Nearest-rank percentile of ascending samples; Infinity stands for "never happened". */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Polls `done` until it holds; between polls it waits `nextPollMs()` (50 ms unless told). */
export async function until(
  done: () => boolean | Promise<boolean>,
  timeoutMs = 600_000,
  what = "benchmark phase",
  // Coarse by default: this process shares the two cores with the server and the receiver.
  nextPollMs: () => number = () => 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`${what} timed out`);
    await sleep(nextPollMs());
  }
}

/**
 * Waits until `remaining()` is 0: for throughput phases, whose end time is the figure. A fixed
 * 50 ms poll on a phase of under a second quantised its rate in steps of ~6 %; here the poll
 * comes sooner as the end nears (half the time the current rate says is left, 5–50 ms), so the
 * end is seen within a few ms while the count still costs a poll per 50 ms most of the time.
 */
export async function untilDrained(remaining: () => Promise<number>, timeoutMs = 600_000, what = "benchmark phase"): Promise<void> {
  let previous: { left: number; at: number } | null = null;
  let waitMs = 50;
  const drained = async () => {
    const left = await remaining();
    const at = performance.now();
    const perMs = previous && previous.left > left ? (previous.left - left) / (at - previous.at) : 0;
    previous = { left, at };
    waitMs = perMs > 0 ? Math.min(50, Math.max(5, left / perMs / 2)) : 50;
    return left === 0;
  };
  await until(drained, timeoutMs, what, () => waitMs);
}

export interface BenchReceiver {
  child: ChildProcess;
  origin: string;
  /** First arrival time (clock()) of each webhook-id POSTed to `timedPath` (under /timed/). */
  arrivals(timedPath: string): Promise<Map<string, number>>;
  arrivalCount(timedPath: string): Promise<number>;
}

/** scripts/bench/receiver.mjs in its own process. */
export async function startReceiver(): Promise<BenchReceiver> {
  const child = spawn(process.execPath, [path.join(__dirname, "receiver.mjs")], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<string>((resolve) => child.stdout!.once("data", (chunk) => resolve(String(chunk).trim())));
  const origin = `http://127.0.0.1:${port}`;
  const get = async (what: string, timedPath: string) => (await fetch(`${origin}/${what}?path=${encodeURIComponent(timedPath)}`)).json();
  return {
    child,
    origin,
    arrivals: async (timedPath) => new Map((await get("arrivals", timedPath)) as Array<[string, number]>),
    arrivalCount: async (timedPath) => (await get("arrivals/count", timedPath)) as number,
  };
}

/** Peak resident set size (the kernel's high-water mark) of a process, in MB. */
export function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

/** A process and its descendants (from /proc), to add up a server's memory. */
export function processTree(pid: number): number[] {
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    // already gone
  }
  return [pid, ...children.flatMap(processTree)];
}

/**
 * Ports for servers started later (tests, e2e, benchmark), all below Linux's ephemeral range
 * (32768–60999): the kernel hands ports from that range to `listen(0)` (receivers) and to
 * outgoing connections, so none of those can take a port between the check here and the
 * server's own listen, as they did when runs on both engines went side by side (54c4f70).
 *
 * Nor can another process of the same `npm test`: a random pick from one shared range let the
 * SQLite and PostgreSQL passes, which run side by side, now and then pick the same port in that
 * window. Each process that picks ports at the same time as others has a slice of its own:
 * - freePort(): one half of 20000–31999 per engine pass (HOOKLINE_TEST_ENGINE, as
 *   scripts/test.mjs sets it), cut in slices for vitest's workers that run at once (VITEST_POOL_ID,
 *   1 to maxWorkers; one on a two-core machine); the e2e runner's workers and the benchmark pick
 *   in slice 1 of their engine, and they never run beside that engine's vitest.
 * - e2ePort(): the e2e runner's shared server (playwright.config.ts), in 32000–32767, which
 *   freePort() never picks; one half per engine, so both passes' runners cannot meet.
 * Slices rather than starting a server again on another port after EADDRINUSE: the server starts
 * its worker on the test's database before it listens, so one that lost the race may already
 * have claimed deliveries (leased for the attempt timeout and more), and some ports have no
 * server that could move (a worker's metrics port, a server restarted on its own port).
 */
const FREE_PORTS = { from: 20_000, to: 32_000 };
const E2E_PORTS = { from: 32_000, to: 32_768 };
const POOL_SLICES = 8;

const engineHalf = (range: { from: number; to: number }) => {
  const half = Math.floor((range.to - range.from) / 2);
  const from = range.from + (process.env.HOOKLINE_TEST_ENGINE === "postgres" ? half : 0);
  return { from, size: half };
};

function freePortSlice(): { from: number; size: number } {
  const engine = engineHalf(FREE_PORTS);
  const size = Math.floor(engine.size / POOL_SLICES);
  // More workers than slices share some (the check below still skips ports in use).
  const slice = (Math.max(1, Number(process.env.VITEST_POOL_ID) || 1) - 1) % POOL_SLICES;
  return { from: engine.from + slice * size, size };
}

/** Where this process's next pick starts: a random place, then in turn, so that two picks of one process (two servers started at once) never get the same port. */
let nextPick = Math.floor(Math.random() * 1_000_000);

export async function freePort(): Promise<number> {
  const { from, size } = freePortSlice();
  for (let tried = 0; tried < size; tried++) {
    const port = from + (nextPick++ % size);
    if (await canListen(port)) return port;
  }
  throw new Error(`No free port in ${from}–${from + size - 1}`);
}

/** The e2e runner's server port: its engine's half of E2E_PORTS, by process id (runs of one engine on one machine rarely share it). */
export function e2ePort(): number {
  const { from, size } = engineHalf(E2E_PORTS);
  return from + (process.pid % size);
}

/** Whether a server could listen on `port` on every interface, as Hookline's server does. */
function canListen(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once("error", () => resolve(false));
    server.listen(port, () => server.close(() => resolve(true)));
  });
}

/**
 * A TCP server on 127.0.0.1 that accepts every connection and never answers (it reads and
 * drops what comes): a webhook endpoint that hangs until the sender's attempt timeout.
 */
export async function startBlackHole(): Promise<{ origin: string; openConnections: () => number; close: () => void }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    socket.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    origin: `http://127.0.0.1:${port}`,
    openConnections: () => sockets.size,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

export interface BenchAccount {
  email: string;
  userId: string;
  /** A working API key (`hl_…`). */
  key: string;
}

/**
 * Migrates a fresh database and creates one account with an API key per email, each with one
 * endpoint at `endpointUrl` when given (scripts/bench/accounts.ts).
 */
export async function createAccounts(databaseUrl: string, emails: string[], endpointUrl?: string): Promise<BenchAccount[]> {
  const child = fork(path.join(__dirname, "accounts.ts"), emails, {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, DATABASE_URL: databaseUrl, ...(endpointUrl ? { HOOKLINE_BENCH_ENDPOINT_URL: endpointUrl } : {}) },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return new Promise((resolve, reject) => {
    child.once("message", (accounts) => resolve(accounts as BenchAccount[]));
    child.once("exit", (code) => reject(new Error(`bench account set-up exited with ${code}`)));
  });
}

export interface BenchServer {
  origin: string;
  pid: number;
  /** Peak RSS of the process tree (start script + server) and of its largest process, MB. */
  peakRss(): { tree: number; largest: number };
  stop(): Promise<void>;
}

/**
 * Environment for a server run with Hookline's defaults: the bench's own overrides (set for its
 * standalone-worker phases) are left out, so a scenario measures what `npm start` gives a user.
 */
export function defaultServerEnv(databaseUrl: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith("HOOKLINE_")) delete env[name];
  // The worker may reach the receivers on loopback (the SSRF guard refuses it otherwise).
  return Object.assign(env, { DATABASE_URL: databaseUrl, HOOKLINE_ALLOWED_CIDRS: "127.0.0.0/8", ...extra });
}

/** `node scripts/start.mjs` (what `npm start` runs: migrate, build if stale, Next + worker) on a free port. */
export async function startServer(env: NodeJS.ProcessEnv): Promise<BenchServer> {
  const port = await freePort();
  const server = spawn(process.execPath, [path.join(__dirname, "..", "start.mjs")], {
    env: { ...env, PORT: String(port) },
    stdio: ["ignore", "pipe", "inherit"],
    // Its own process group, so stop() ends start.mjs and the server it runs.
    detached: true,
  });
  let output = "";
  server.stdout!.on("data", (chunk) => (output = (output + chunk).slice(-10_000)));
  await until(() => output.includes("Hookline is running") || server.exitCode !== null, 600_000, "server start");
  if (server.exitCode !== null) throw new Error(`the server did not start:\n${output}`);
  const exited = new Promise((resolve) => server.once("exit", resolve));
  return {
    origin: `http://127.0.0.1:${port}`,
    pid: server.pid!,
    peakRss: () => {
      const tree = processTree(server.pid!).map(peakRssMb);
      return { tree: tree.reduce((sum, mb) => sum + mb, 0), largest: Math.max(...tree) };
    },
    async stop() {
      process.kill(-server.pid!, "SIGTERM");
      await exited;
    },
  };
}

/** One JSON request to the API with a key; throws unless it answers 2xx. */
export async function api<T>(origin: string, key: string, method: string, apiPath: string, body?: unknown): Promise<T> {
  const response = await fetch(origin + apiPath, {
    method,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${apiPath} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

export interface OfferResult {
  offered: number;
  /** Events answered 202: when the request was due to be sent (clock(); the open loop's schedule) and when the answer arrived here. */
  accepted: Array<{ id: string; sentAt: number; at: number }>;
  /** Requests that did not get a 202: status code or error text → count. */
  failures: Record<string, number>;
  failed: number;
  /** Accepted events per second, from the first request's schedule to the last answer. */
  acceptedPerS: number;
  /** Scheduled send time → answer, ms, ascending (client-side queueing included). */
  responseMs: number[];
}

/**
 * Offers `perSecond` events for `seconds` on a fixed schedule (open loop): request i goes out at
 * start + i/perSecond whatever happened to earlier ones, over a pool of `connections` keep-alive
 * connections, so a slow server shows up as lag and failures, not as a lower offered rate.
 */
export async function offerEvents(
  origin: string,
  key: string,
  { perSecond, seconds, connections, body }: { perSecond: number; seconds: number; connections: number; body: (i: number) => string },
): Promise<OfferResult> {
  const pool = new Pool(origin, { connections, headersTimeout: 60_000, bodyTimeout: 60_000 });
  const total = Math.round(perSecond * seconds);
  const accepted: OfferResult["accepted"] = [];
  const failures: Record<string, number> = {};
  const responseMs: number[] = [];
  const headers = { authorization: `Bearer ${key}`, "content-type": "application/json" };
  const start = clock();
  let lastAnswer = start;

  async function send(i: number, scheduledAt: number): Promise<void> {
    let outcome: string;
    try {
      const response = await pool.request({ path: "/api/v1/events", method: "POST", headers, body: body(i) });
      const text = await response.body.text();
      if (response.statusCode === 202) {
        accepted.push({ id: (JSON.parse(text) as { id: string }).id, sentAt: scheduledAt, at: clock() });
        outcome = "202";
      } else outcome = String(response.statusCode);
    } catch (error) {
      outcome = (error as { code?: string }).code ?? (error as Error).message;
    }
    lastAnswer = clock();
    responseMs.push(lastAnswer - scheduledAt);
    if (outcome !== "202") failures[outcome] = (failures[outcome] ?? 0) + 1;
  }

  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; ) {
    // Timers fire late on a busy machine: send every request whose time has come, then sleep
    // until the next one is due, so the average rate holds whatever the timer resolution.
    for (const due = Math.min(total, Math.floor(((clock() - start) * perSecond) / 1000) + 1); i < due; i++) {
      inFlight.push(send(i, start + (i * 1000) / perSecond));
    }
    await sleep(Math.max(0, start + (i * 1000) / perSecond - clock()));
  }
  await Promise.all(inFlight);
  await pool.close();
  const failed = total - accepted.length;
  return {
    offered: total,
    accepted,
    failures,
    failed,
    acceptedPerS: accepted.length / (Math.max(seconds * 1000, lastAnswer - start) / 1000),
    responseMs: responseMs.sort((a, b) => a - b),
  };
}

/**
 * Lag from each event's `at` (when its 202 was received, or when its request was sent) to the
 * webhook's first arrival at the receiver, ascending, ms (negative ones, when the webhook beat
 * the 202 back, count as 0); `samples` pairs each lag with its `at`. Waits until every accepted
 * event has arrived, or `drainMs` passed; missing ones count as Infinity. `slowestAt`: the
 * seconds into the load (by `at`) in which the slowest 1 % happened, to tell a stall from a trend.
 */
export async function deliveryLags(receiver: BenchReceiver, timedPath: string, accepted: Array<{ id: string; at: number }>, drainMs: number, alreadyThere = 0) {
  const deadline = Date.now() + drainMs;
  while ((await receiver.arrivalCount(timedPath)) < alreadyThere + accepted.length && Date.now() < deadline) await sleep(250);
  const arrivals = await receiver.arrivals(timedPath);
  const samples = accepted.map(({ id, at }) => {
    const arrived = arrivals.get(id);
    return { at, lag: arrived === undefined ? Infinity : Math.max(0, arrived - at) };
  });
  samples.sort((a, b) => a.lag - b.lag);
  const start = Math.min(...accepted.map(({ at }) => at));
  const slowest = samples.slice(Math.floor(samples.length * 0.99)).map(({ at }) => Math.floor((at - start) / 1000));
  const lags = samples.map(({ lag }) => lag);
  return { lags, samples, missing: lags.filter((lag) => lag === Infinity).length, slowestAt: [...new Set(slowest)].sort((a, b) => a - b) };
}

/** `[3, 4, 5, 9]` → "3–5, 9" */
export function secondRanges(seconds: number[]): string {
  const ranges: string[] = [];
  for (let i = 0; i < seconds.length; ) {
    let j = i;
    while (j + 1 < seconds.length && seconds[j + 1] === seconds[j] + 1) j++;
    ranges.push(i === j ? `${seconds[i]}` : `${seconds[i]}–${seconds[j]}`);
    i = j + 1;
  }
  return ranges.join(", ");
}

/** A new, empty database for one bench phase; returns its DATABASE_URL. */
export type NewDatabase = (name: string) => Promise<string>;

/**
 * Where the bench's databases live (`--db`): SQLite files in `workDir`, or databases on a
 * throw-away PostgreSQL cluster with PostgreSQL's durable defaults (fsync on), on 127.0.0.1.
 */
export async function benchDatabases(engine: "sqlite" | "postgres", workDir: string): Promise<{ newDatabase: NewDatabase; stop(): Promise<void> }> {
  if (engine === "sqlite") return { newDatabase: async (name) => `file:${path.join(workDir, `${name}.db`)}`, stop: async () => {} };
  const { startThrowawayCluster } = await import("../../lib/store/postgres/cluster");
  const { createDatabase } = await import("../../lib/store/migrate");
  const cluster = await startThrowawayCluster({ durable: true });
  return { newDatabase: (name) => createDatabase(cluster.url, name.replace(/\W/g, "_")), stop: () => cluster.stop() };
}
