/**
 * Where the time goes: a V8 CPU profile's busy time summed by part of the delivery path and
 * divided by the deliveries made while it ran (µs per delivery). Each sample is charged to the
 * function on top of the stack; time inside SQLite is charged to the lib/store function that
 * ran the statement (better-sqlite3 runs it synchronously, below that frame).
 */
import { readFileSync } from "node:fs";

interface CallFrame {
  functionName: string;
  url: string;
}

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: CallFrame }>;
  samples: number[];
  timeDeltas: number[];
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

function partOf(frame: CallFrame): string | null {
  if (frame.functionName === "(idle)") return null;
  if (frame.functionName === "(garbage collector)") return "garbage collection";
  if (frame.functionName === "(program)") return "V8 and native code outside JavaScript";
  for (const [needle, label] of PARTS) if (frame.url.includes(needle)) return label;
  if (!frame.url) return "builtins (JSON, Buffer, crypto, regular expressions)";
  return "other JavaScript";
}

export interface TimeByPart {
  busyMicrosPerDelivery: number;
  /** Wall time of the profile, busy or idle. */
  wallSeconds: number;
  parts: Array<{ part: string; microsPerDelivery: number; share: number }>;
}

export function timeByPart(profile: CpuProfile, deliveries: number): TimeByPart {
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const totals = new Map<string, number>();
  let wall = 0;
  profile.samples.forEach((nodeId, index) => {
    const delta = profile.timeDeltas[index];
    wall += delta;
    const part = partOf(frames.get(nodeId)!);
    if (part) totals.set(part, (totals.get(part) ?? 0) + delta);
  });
  const busy = [...totals.values()].reduce((sum, micros) => sum + micros, 0);
  return {
    busyMicrosPerDelivery: busy / deliveries,
    wallSeconds: wall / 1e6,
    parts: [...totals.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([part, micros]) => ({ part, microsPerDelivery: micros / deliveries, share: micros / busy })),
  };
}

export function timeByPartOfFile(file: string, deliveries: number): TimeByPart {
  return timeByPart(JSON.parse(readFileSync(file, "utf8")) as CpuProfile, deliveries);
}

// `npx tsx scripts/bench/profile-parts.ts <profile.cpuprofile> <deliveries>`: the same table for any profile.
if (process.argv[1]?.endsWith("profile-parts.ts")) {
  const [file, deliveries] = process.argv.slice(2);
  const result = timeByPartOfFile(file, Number(deliveries));
  console.log(`busy ${result.busyMicrosPerDelivery.toFixed(0)} µs per delivery (${result.wallSeconds.toFixed(1)} s of wall time profiled)`);
  for (const row of result.parts) console.log(`${row.microsPerDelivery.toFixed(1).padStart(8)} µs  ${(100 * row.share).toFixed(1).padStart(5)} %  ${row.part}`);
}
