/**
 * Throw-away PostgreSQL clusters for tests, benchmarks and `createMigration`'s shadow database
 * (tooling, never loaded by the server or the worker).
 *
 * Contract of `startThrowawayCluster()`:
 * - uses Debian's server binaries, the newest /usr/lib/postgresql/<version>/bin (never
 *   /usr/local/bin, whose client-only builds have no initdb); when they are missing and we are
 *   root it installs the `postgresql` package with apt-get, otherwise it throws a message
 *   saying what to install;
 * - initdb in a fresh temporary folder, trust authentication, superuser `postgres`; as root the
 *   folder is chowned to the `postgres` user and the server runs as that user, because
 *   PostgreSQL refuses to run as root;
 * - the server listens on 127.0.0.1 only, on a free port, with its unix socket inside the
 *   folder (nothing in /var/run), tuned for tests: fsync off (a crash loses a cluster we throw
 *   away anyway) but synchronous_commit left at its default, so commits behave as in production;
 *   max_connections 300 so many test processes with their pools fit;
 * - resolves once the server accepts connections, with `url` =
 *   postgres://postgres@127.0.0.1:<port>/postgres;
 * - `stop()` stops the server (fast shutdown) and removes the folder; it is idempotent. The same
 *   happens, synchronously, when this process exits or gets SIGINT/SIGTERM, so a failed or
 *   interrupted run leaves nothing running. (A SIGKILLed parent cannot clean up: then the
 *   server keeps running until `pg_ctl -D <folder>/data stop`; the folder is named
 *   hookline-pg-*.)
 *
 * Imports no driver: readiness comes from `pg_ctl start -w`. CLI: scripts/postgres-cluster.ts.
 */
import { spawn, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export type ThrowawayCluster = { url: string; port: number; dir: string; stop(): Promise<void> };

const MAX_CONNECTIONS = 300;

/** The newest Debian PostgreSQL server's bin folder, or null when none is installed. */
export function findServerBinaries(root = "/usr/lib/postgresql"): string | null {
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((name) => /^\d+(\.\d+)?$/.test(name) && existsSync(path.join(root, name, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(root, versions[0], "bin") : null;
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** Finds the server binaries, installing Debian's package first when missing and allowed. */
export function ensureServerBinaries(): string {
  const found = findServerBinaries();
  if (found) return found;
  if (isRoot() && existsSync("/usr/bin/apt-get")) {
    const result = spawnSync("sh", ["-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql"], {
      stdio: "inherit",
    });
    const installed = findServerBinaries();
    if (result.status === 0 && installed) return installed;
    throw new Error("Installing Debian's postgresql package failed (apt-get install -y --no-install-recommends postgresql): see the output above.");
  }
  throw new Error(
    "PostgreSQL server binaries not found in /usr/lib/postgresql/<version>/bin. Install Debian's server package (as root: apt-get install -y --no-install-recommends postgresql), or point the tests at a running server with HOOKLINE_TEST_POSTGRES_URL.",
  );
}

/** The uid/gid of the `postgres` account that Debian's package creates. */
function postgresAccount(): { uid: number; gid: number } {
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((entry) => entry.startsWith("postgres:"));
  if (!line) throw new Error("Running as root, but there is no `postgres` user to run the server as (PostgreSQL refuses to run as root).");
  const [, , uid, gid] = line.split(":");
  return { uid: Number(uid), gid: Number(gid) };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

type RunAs = { uid: number; gid: number } | null;

function runAsOptions(runAs: RunAs) {
  // HOME of root is not readable by postgres; the tools do not need it, but keep it sane.
  return runAs ? { uid: runAs.uid, gid: runAs.gid, env: { ...process.env, HOME: "/tmp" } } : {};
}

function run(command: string, args: string[], runAs: RunAs): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], ...runAsOptions(runAs) });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.once("error", reject);
    child.once("close", (status) => resolve({ status, output }));
  });
}

/** Stops the server at once and removes the folder; safe to call when nothing runs. Synchronous for exit handlers. */
function stopSync(bin: string, dir: string, runAs: RunAs): void {
  const data = path.join(dir, "data");
  if (existsSync(path.join(data, "postmaster.pid"))) {
    spawnSync(path.join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"], { stdio: "ignore", ...runAsOptions(runAs) });
  }
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Starts a throw-away cluster; see the contract at the top. `durable` keeps PostgreSQL's default
 * fsync and full-page writes (the benchmark measures what production would do); tests skip them.
 */
export async function startThrowawayCluster(options: { durable?: boolean } = {}): Promise<ThrowawayCluster> {
  const bin = ensureServerBinaries();
  const runAs = isRoot() ? postgresAccount() : null;
  const dir = mkdtempSync(path.join(os.tmpdir(), "hookline-pg-"));
  if (runAs) chownSync(dir, runAs.uid, runAs.gid);
  const data = path.join(dir, "data");

  let stopped = false;
  const cleanUpSync = () => {
    if (stopped) return;
    stopped = true;
    stopSync(bin, dir, runAs);
  };
  const onExit = () => cleanUpSync();
  const onSignal = (signal: NodeJS.Signals) => {
    cleanUpSync();
    removeHandlers();
    // We were only a bystander: if nobody else handles the signal, die of it as before.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const removeHandlers = () => {
    process.off("exit", onExit);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  };
  process.on("exit", onExit);
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  try {
    const init = await run(path.join(bin, "initdb"), ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"], runAs);
    if (init.status !== 0) throw new Error(`initdb failed:\n${init.output}`);
    // A free port can be taken between probing and listening: try a few.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const settings = [
        `-p ${port}`,
        `-k ${dir}`,
        "-c listen_addresses=127.0.0.1",
        `-c max_connections=${MAX_CONNECTIONS}`,
        ...(options.durable ? [] : ["-c fsync=off", "-c full_page_writes=off"]),
      ].join(" ");
      const start = await run(path.join(bin, "pg_ctl"), ["-D", data, "-l", path.join(dir, "server.log"), "-o", settings, "-w", "-t", "60", "start"], runAs);
      if (start.status === 0) {
        return {
          url: `postgres://postgres@127.0.0.1:${port}/postgres`,
          port,
          dir,
          async stop() {
            removeHandlers();
            if (stopped) return;
            stopped = true;
            const data = path.join(dir, "data");
            if (existsSync(path.join(data, "postmaster.pid"))) await run(path.join(bin, "pg_ctl"), ["-D", data, "-m", "fast", "-w", "stop"], runAs);
            rmSync(dir, { recursive: true, force: true });
          },
        };
      }
      const log = existsSync(path.join(dir, "server.log")) ? readFileSync(path.join(dir, "server.log"), "utf8") : "";
      if (attempt >= 3 || !/could not bind|Address already in use/i.test(log)) {
        throw new Error(`Starting PostgreSQL failed:\n${start.output}\n${log}`);
      }
    }
  } catch (error) {
    cleanUpSync();
    removeHandlers();
    throw error;
  }
}
