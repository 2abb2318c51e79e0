/**
 * Where the time goes: V8 CPU profiles' busy time within a window of the run, summed by part
 * of the delivery path and divided by the deliveries made in it (µs per delivery), per thread.
 * Each sample is charged to the function on top of the stack; time inside SQLite is charged to
 * the lib/store function that ran the statement (better-sqlite3 runs it synchronously, below
 * that frame), and so is a commit's wait for its fsync.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { ChildProcess } from "node:child_process";

interface CallFrame {
  functionName: string;
  url: string;
}

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: CallFrame; children?: number[] }>;
  /** µs, on the monotonic clock process.hrtime reads. */
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** A stretch of the engine's run (its monotonic clock, µs) and the deliveries made in it. */
export interface ProfileWindow {
  from: number;
  to: number;
  deliveries: number;
}

/** First match wins: the more specific needles come first. */
const PARTS: Array<[needle: string, label: string]> = [
  ["lib/store/", "store: SQL statements (SQLite's own work included) and their JS"],
  ["better-sqlite3", "transactions (better-sqlite3's wrapper, COMMIT and its fsync)"],
  ["node_modules/pg", "PostgreSQL client (pg)"],
  ["lib/webhooks/sign", "signing"],
  ["lib/webhooks/", "the request and its outcome (lib/webhooks)"],
  ["node_modules/undici", "HTTP client (undici)"],
  ["lib/worker/", "worker loop (lib/worker)"],
  ["lib/metrics/", "metrics"],
  ["node_modules/prom-client", "metrics"],
  ["node_modules/pino", "logging"],
  ["node:", "Node internals (sockets, streams, timers, crypto glue)"],
];

function partOfUrl(url: string): string {
  for (const [needle, label] of PARTS) if (url.includes(needle)) return label;
  return "other JavaScript";
}

/**
 * The part a sample is charged to. Native code and builtins (a statement's execution, JSON,
 * Buffer, HMAC) have no script of their own and are charged to the nearest caller that has
 * one: a statement's time is the store's, a header parse is the HTTP client's.
 */
function partOf(nodeId: number, nodes: Map<number, { callFrame: CallFrame; parent?: number }>): string | null {
  const { functionName } = nodes.get(nodeId)!.callFrame;
  if (functionName === "(idle)") return null;
  if (functionName === "(garbage collector)") return "garbage collection";
  if (functionName === "(program)") return "V8 and native code outside JavaScript";
  for (let id: number | undefined = nodeId; id !== undefined; id = nodes.get(id)!.parent) {
    const frame = nodes.get(id)!.callFrame;
    // The profiler's own work (the bench's inspector session, when one is used).
    if (frame.url === "node:inspector") return null;
    if (frame.url) return partOfUrl(frame.url);
  }
  return "builtins called from nowhere else (JSON, Buffer, crypto)";
}

export interface TimeByPart {
  busyMicrosPerDelivery: number;
  parts: Array<{ part: string; microsPerDelivery: number; share: number }>;
}

export function timeByPart(profile: CpuProfile, window: ProfileWindow): TimeByPart {
  const nodes = new Map<number, { callFrame: CallFrame; parent?: number }>(profile.nodes.map((node) => [node.id, { callFrame: node.callFrame }]));
  for (const node of profile.nodes) for (const child of node.children ?? []) nodes.get(child)!.parent = node.id;
  const totals = new Map<string, number>();
  let time = profile.startTime;
  profile.samples.forEach((nodeId, index) => {
    const delta = profile.timeDeltas[index];
    time += delta;
    if (time < window.from || time > window.to) return;
    const part = partOf(nodeId, nodes);
    if (part) totals.set(part, (totals.get(part) ?? 0) + delta);
  });
  const busy = [...totals.values()].reduce((sum, micros) => sum + micros, 0);
  return {
    busyMicrosPerDelivery: busy / window.deliveries,
    parts: [...totals.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([part, micros]) => ({ part, microsPerDelivery: micros / window.deliveries, share: micros / busy })),
  };
}

/** The engine's profiles, one per thread, once it has exited and written them. */
export async function engineProfiles(engine: { child: ChildProcess; profileDir: string | null }): Promise<Array<{ thread: string; profile: CpuProfile }>> {
  if (engine.child.exitCode === null) await new Promise((resolve) => engine.child.once("exit", resolve));
  const files = readdirSync(engine.profileDir!).filter((name) => name.endsWith(".cpuprofile"));
  return files.map((name) => {
    const profile = JSON.parse(readFileSync(path.join(engine.profileDir!, name), "utf8")) as CpuProfile;
    // Node names them CPU.<date>.<time>.<pid>.<thread id>.<sequence>.cpuprofile; thread 0 is the main one.
    const threadId = name.split(".")[4];
    const urls = profile.nodes.map((node) => node.callFrame.url);
    const thread =
      threadId === "0" ? `delivery thread (${path.join(engine.profileDir!, name)})` : urls.some((url) => url.includes("sqlite-writer-thread")) ? "SQLite writer thread" : `thread ${threadId}`;
    return { thread, profile };
  });
}

/** Prints each busy thread's µs per delivery by part, for the deliveries of `window`. */
export function printTimeByThread(profiles: Array<{ thread: string; profile: CpuProfile }>, window: ProfileWindow): void {
  console.log(`\nWhere the engine's time goes: ${window.deliveries} deliveries in ${((window.to - window.from) / 1e6).toFixed(1)} s under the profiler`);
  for (const { thread, profile } of profiles) {
    const result = timeByPart(profile, window);
    if (result.busyMicrosPerDelivery < 1) continue;
    console.log(`${thread}: ${result.busyMicrosPerDelivery.toFixed(0)} µs of CPU per delivery`);
    for (const row of result.parts) console.log(`${row.microsPerDelivery.toFixed(1).padStart(8)} µs  ${(100 * row.share).toFixed(1).padStart(5)} %  ${row.part}`);
  }
}
