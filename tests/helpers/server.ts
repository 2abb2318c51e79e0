/**
 * Real processes for tests, on this test file's database: the server (`node scripts/start.mjs`
 * → scripts/serve.ts → scripts/server.ts: Next with the worker inside, on a free port; needs a production build, which
 * `npm test` makes first) and the standalone worker (as `npm run worker` runs it). Processes
 * started here are killed, with everything they started, after each test or after the file
 * (stopServersAfterEach / stopServersAfterAll).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach } from "vitest";
import { env } from "@/lib/env";
import { waitFor } from "./receiver";

export const ROOT = path.resolve(__dirname, "../..");

// One helper for a free loopback port, shared with the benchmark (it cannot import vitest).
export { freePort } from "../../scripts/bench/harness";
import { freePort } from "../../scripts/bench/harness";

export interface RunningServer {
  process: ChildProcess;
  /** `http://127.0.0.1:<port>` */
  origin: string;
  output: () => string;
  exited: Promise<number | null>;
}

const running: ChildProcess[] = [];

/** Signals a process started here and everything it started (its own process group). */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}

/**
 * Kills the process group of every process started here, whether or not its leader has exited:
 * a leader killed alone (SIGKILL to start.mjs) leaves the Next server it started running.
 */
function stopAll(): void {
  for (const child of running.splice(0)) killGroup(child, "SIGKILL");
}

/** Call at the top level of a test file: kills what the file's tests started, after each test. */
export function stopServersAfterEach(): void {
  afterEach(stopAll);
}

/** Call at the top level of a test file whose server is started once, in beforeAll. */
export function stopServersAfterAll(): void {
  afterAll(stopAll);
}

export async function startServer(extraEnv: Record<string, string> = {}, port?: number): Promise<RunningServer> {
  if (!existsSync(path.join(ROOT, ".next", "BUILD_ID"))) {
    throw new Error("This test runs the built app: run `npm run build` first (npm test does).");
  }
  const listenPort = port ?? (await freePort());
  let output = "";
  const child = spawn(process.execPath, ["scripts/start.mjs"], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(listenPort),
      DATABASE_URL: env.DATABASE_URL,
      HOOKLINE_ALLOWED_CIDRS: "127.0.0.0/8",
      HOOKLINE_SKIP_BUILD: "1",
      HOOKLINE_POLL_INTERVAL_MS: "100",
      HOOKLINE_ATTEMPT_TIMEOUT_MS: "20000",
      ...extraEnv,
    },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group, so clean-up can stop start.mjs and the Next server it runs.
    detached: true,
  });
  running.push(child);
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  await waitFor(() => output.includes("Hookline is running") || child.exitCode !== null, { timeoutMs: 60_000, what: "the server to start" });
  if (child.exitCode !== null) throw new Error(`The server exited during start:\n${output}`);
  return { process: child, origin: `http://127.0.0.1:${listenPort}`, output: () => output, exited };
}

export interface WorkerProcess {
  child: ChildProcess;
  /** The worker's id, as it writes it in `lockedBy`. */
  id: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The standalone worker as `npm run worker` starts it (node with tsx's loader), once it runs. */
export async function startWorkerProcess(extraEnv: Record<string, string> = {}): Promise<WorkerProcess> {
  let output = "";
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts"], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: env.DATABASE_URL, HOOKLINE_ALLOWED_CIDRS: "127.0.0.0/8", ...extraEnv },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  running.push(child);
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  const id = await waitFor(() => /\[hookline\] worker (\S+) running/.exec(output)?.[1] ?? (child.exitCode !== null || child.signalCode !== null ? "exited" : null), {
    timeoutMs: 60_000,
    what: "the worker process to start",
  });
  if (id === "exited") throw new Error(`The worker exited during start:\n${output}`);
  return { child, id, output: () => output, exited };
}
