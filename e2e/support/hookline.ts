/**
 * The e2e suite's servers and databases, on either engine (runner and worker processes alike).
 *
 * Contract:
 * - `e2eEngine()`: "postgres" when HOOKLINE_TEST_ENGINE=postgres, else "sqlite" (the default).
 * - `createE2eDatabase(label)`: a new, empty database for one server. SQLite: a file under
 *   HOOKLINE_E2E_DIR (removed with that folder). PostgreSQL: a uniquely named database on the
 *   server at HOOKLINE_TEST_POSTGRES_URL (scripts/test.mjs starts one for the whole run; the global
 *   setup starts one otherwise and exports it the same way, so workers inherit it); `drop()`
 *   removes it, closing whatever connections the server left open. Migrations are applied by
 *   the server's own start (scripts/start.mjs → lib/store/migrate), as in production.
 * - `startHookline(env)`: `node scripts/start.mjs` in its own process group, resolved once it
 *   prints "Hookline is running"; rejects with its output when it exits first or does not get
 *   there in time (`output()` is everything it printed). `stop()` sends SIGTERM (the worker drains) and waits; SIGKILL after 15 s.
 *   A runner that exits without stopping it, or is ended by SIGTERM, kills the group anyway.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
// Static imports: Playwright transpiles these, not a dynamic import() of TypeScript.
import { createDatabase, dropDatabase } from "../../lib/store/migrate/postgres";

export type E2eEngine = "sqlite" | "postgres";

export function e2eEngine(): E2eEngine {
  return process.env.HOOKLINE_TEST_ENGINE === "postgres" ? "postgres" : "sqlite";
}

export type E2eDatabase = { url: string; drop(): Promise<void> };

export async function createE2eDatabase(label: string): Promise<E2eDatabase> {
  if (e2eEngine() === "sqlite") {
    const dir = mkdtempSync(path.join(process.env.HOOKLINE_E2E_DIR ?? os.tmpdir(), `${label}-`));
    return { url: `file:${path.join(dir, `${label}.db`)}`, drop: async () => {} };
  }
  const serverUrl = process.env.HOOKLINE_TEST_POSTGRES_URL;
  if (!serverUrl) throw new Error("HOOKLINE_TEST_ENGINE=postgres but no HOOKLINE_TEST_POSTGRES_URL: the e2e global setup should have set it.");
  const name = `hookline_e2e_${label}_${process.pid}_${randomBytes(4).toString("hex")}`;
  const url = await createDatabase(serverUrl, name);
  return { url, drop: () => dropDatabase(serverUrl, name) };
}

export type RunningHookline = { origin: string; output(): string; stop(): Promise<void> };

const START_TIMEOUT_MS = 180_000;
const STOP_GRACE_MS = 15_000;

/** `echo`: copy the server's output to ours, each line prefixed (as Playwright's webServer did). */
export async function startHookline(port: number, env: Record<string, string>, options: { echo?: boolean } = {}): Promise<RunningHookline> {
  const child = spawn(process.execPath, ["scripts/start.mjs"], {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  const collect = (chunk: Buffer) => (output += chunk);
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  if (options.echo) {
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on("line", (line) => process.stdout.write(`[WebServer] ${line}\n`));
    }
  }
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const killOnExit = () => killGroup(child, "SIGKILL");
  process.on("exit", killOnExit);
  // A runner ended by SIGTERM (scripts/test.mjs stopping the other engine's pass after a failure,
  // a CI timeout) gets no "exit" event, and its server outlived it: stop the group, then, as the
  // throw-away cluster does (lib/store/postgres/cluster.ts), die of the signal unless someone
  // else handles it (another server of this process, or the runner itself).
  const killOnTerm = () => {
    killGroup(child, "SIGKILL");
    process.off("SIGTERM", killOnTerm);
    if (process.listenerCount("SIGTERM") === 0) process.kill(process.pid, "SIGTERM");
  };
  process.on("SIGTERM", killOnTerm);

  const stop = async () => {
    process.off("exit", killOnExit);
    process.off("SIGTERM", killOnTerm);
    if (child.exitCode !== null || child.signalCode !== null) return;
    killGroup(child, "SIGTERM");
    const timer = setTimeout(() => killGroup(child, "SIGKILL"), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  };

  const started = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), START_TIMEOUT_MS);
    const check = () => {
      if (output.includes("Hookline is running")) {
        clearTimeout(timer);
        resolve(true);
      }
    };
    child.stdout!.on("data", check);
    child.stderr!.on("data", check);
    void exited.then(() => {
      clearTimeout(timer);
      resolve(output.includes("Hookline is running"));
    });
  });
  if (!started) {
    await stop();
    throw new Error(`Hookline did not start on port ${port} (${e2eEngine()}):\n${output}`);
  }
  return { origin: `http://127.0.0.1:${port}`, output: () => output, stop };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // Already gone.
  }
}
