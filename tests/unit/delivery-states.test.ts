// lib/store/delivery-states.ts: every (status, transition, endpoint live or deleted) against an
// explicit table written from SPEC §9, and a scan of the code base for delivery status writes
// that do not take their new status from the state machine.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  DELIVERY_STATUSES,
  nextStatus,
  prismaTransition,
  sqlTransition,
  TRANSITIONS,
  type DeliveryStatus,
  type TransitionName,
} from "@/lib/store/delivery-states";

type Outcome = DeliveryStatus | null;
/** [status, transition, result with the endpoint live, result with the endpoint deleted]. */
const EXPECTED: Array<[DeliveryStatus, TransitionName, Outcome, Outcome]> = [
  ["pending", "claim", "delivering", null],
  ["delivering", "claim", null, null],
  ["succeeded", "claim", null, null],
  ["failed", "claim", null, null],

  ["pending", "succeed", null, null],
  ["delivering", "succeed", "succeeded", "succeeded"],
  ["succeeded", "succeed", null, null],
  ["failed", "succeed", null, null],

  ["pending", "retryLater", null, null],
  ["delivering", "retryLater", "pending", null],
  ["succeeded", "retryLater", null, null],
  ["failed", "retryLater", null, null],

  ["pending", "fail", null, null],
  ["delivering", "fail", "failed", "failed"],
  ["succeeded", "fail", null, null],
  ["failed", "fail", null, null],

  ["pending", "leaseExpired", null, null],
  ["delivering", "leaseExpired", "pending", null],
  ["succeeded", "leaseExpired", null, null],
  ["failed", "leaseExpired", null, null],

  ["pending", "endpointDeleted", "failed", "failed"],
  ["delivering", "endpointDeleted", null, null],
  ["succeeded", "endpointDeleted", null, null],
  ["failed", "endpointDeleted", null, null],

  ["pending", "retry", null, null],
  ["delivering", "retry", null, null],
  ["succeeded", "retry", "pending", null],
  ["failed", "retry", "pending", null],

  ["pending", "recover", null, null],
  ["delivering", "recover", null, null],
  ["succeeded", "recover", null, null],
  ["failed", "recover", "pending", null],
];

describe("nextStatus", () => {
  it("the table covers every status × transition, and the machine has no transition the table does not know", () => {
    const covered = new Set(EXPECTED.map(([status, name]) => `${status} ${name}`));
    expect(covered.size).toBe(EXPECTED.length);
    expect(new Set(EXPECTED.map(([, name]) => name))).toEqual(new Set(Object.keys(TRANSITIONS)));
    expect(new Set(EXPECTED.map(([status]) => status))).toEqual(new Set(DELIVERY_STATUSES));
    expect(EXPECTED).toHaveLength(DELIVERY_STATUSES.length * Object.keys(TRANSITIONS).length);
  });

  it.each(EXPECTED)("%s --%s--> %s (endpoint live), %s (endpoint deleted)", (status, name, live, deleted) => {
    expect(nextStatus(status, name, { deleted: false })).toBe(live);
    expect(nextStatus(status, name, { deleted: true })).toBe(deleted);
  });

  it("nothing ever moves a delivery of a deleted endpoint to pending or delivering (nothing would end it)", () => {
    for (const status of DELIVERY_STATUSES) {
      for (const name of Object.keys(TRANSITIONS) as TransitionName[]) {
        expect(["pending", "delivering"]).not.toContain(nextStatus(status, name, { deleted: true }));
      }
    }
  });

  it("SQL and Prisma pieces say the same as the table", () => {
    expect(sqlTransition("retry")).toEqual({ to: "'pending'", from: "('failed', 'succeeded')" });
    expect(sqlTransition("endpointDeleted")).toEqual({ to: "'failed'", from: "('pending')" });
    expect(prismaTransition("recover")).toEqual({ guard: { status: { in: ["failed"] } }, set: { status: "pending" } });
    expect(prismaTransition("claim")).toEqual({ guard: { status: { in: ["pending"] } }, set: { status: "delivering" } });
  });
});

// ---------------------------------------------------------------------------------------------
// Enforcement: no delivery status is written except from the state machine.

const ROOT = path.resolve(__dirname, "../..");
const SCANNED = ["lib", "app", "scripts"];
const SKIPPED = new Set(["lib/generated", "lib/store/delivery-states.ts"]);


const STATUS_LITERAL = /["'`](pending|delivering|succeeded|failed)["'`]/;

/** The text of the balanced {…} or […] starting at `open`. */
function balanced(text: string, open: number): string {
  const closeOf: Record<string, string> = { "{": "}", "[": "]" };
  const opener = text[open];
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === opener) depth++;
    else if (text[i] === closeOf[opener] && --depth === 0) return text.slice(open, i + 1);
  }
  return text.slice(open);
}

/** The innermost {…} enclosing `index`. */
function enclosingObject(text: string, index: number): string {
  let depth = 0;
  for (let i = index; i >= 0; i--) {
    if (text[i] === "}") depth++;
    else if (text[i] === "{" && depth-- === 0) return balanced(text, i);
  }
  return "";
}

/** `${x.to}` where `x` is bound from sqlTransition(…) in the same file. */
function isTransitionTarget(expression: string, text: string): boolean {
  const match = /^\$\{\s*(\w+)\.to\s*\}$/.exec(expression.trim());
  return match !== null && new RegExp(`\\b${match[1]}\\s*=\\s*sqlTransition\\(`).test(text);
}

/** Why `text` writes a delivery status outside the state machine; empty when it does not. */
function statusWrites(text: string): string[] {
  const found: string[] = [];
  // 1. SQL assignments in SET lists: `status = '…'`, `status = ?`, `status = CASE …` unless every
  //    value is a transition's `${x.to}`.
  for (const set of text.matchAll(/\bSET\b([\s\S]*?)(?=\bWHERE\b|\bFROM\b|\bRETURNING\b|`|$)/g)) {
    for (const assignment of set[1].matchAll(/(?:^|[\s,(])"?status"?\s*=\s*(CASE\b[\s\S]*?\bEND\b|\$\{[^}]*\}|[^\s,]+)/g)) {
      const value = assignment[1];
      const values = value.startsWith("CASE") ? [...value.matchAll(/\b(?:THEN|ELSE)\s+(\$\{[^}]*\}|[^\s]+)/g)].map((m) => m[1]) : [value];
      if (!values.every((v) => isTransitionTarget(v, text))) found.push(`SQL assignment: status = ${value.split("\n")[0]}`);
    }
  }
  // 2. Prisma `data: { … status … }` (or `data: [ … ]`): statuses come in as `...t.set`.
  for (const data of text.matchAll(/\bdata:\s*([{[])/g)) {
    const object = balanced(text, data.index! + data[0].length - 1);
    if (/(^|[{,\s])status\s*(:|,|\})/.test(object)) found.push(`Prisma data with a status: ${object.split("\n")[0]}`);
  }
  // 3. Delivery rows (objects with eventId and endpointId) given a status literal.
  for (const key of text.matchAll(/\bstatus:\s*([^,;}\n]*)/g)) {
    if (!STATUS_LITERAL.test(key[1]) || /^["'`]\w+["'`]\s*;/.test(text.slice(key.index! + "status:".length).trim())) continue;
    const object = enclosingObject(text, key.index!);
    if (/\beventId\b/.test(object) && /\bendpointId\b/.test(object)) found.push(`Delivery row with status: ${key[1].trim()}`);
  }
  return found;
}

function sourceFiles(dir: string): string[] {
  const relative = path.relative(ROOT, dir);
  if (SKIPPED.has(relative)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : sourceFiles(full);
    const file = path.relative(ROOT, full);
    return /\.tsx?$/.test(entry.name) && !SKIPPED.has(file) ? [file] : [];
  });
}

describe("every delivery status write goes through the state machine", () => {
  it("the scan recognises status writes, and lets transitions and reads through", () => {
    const t = "const t = sqlTransition(\"retry\");\n";
    // Written by hand: each must be caught.
    expect(statusWrites("db.prepare(`UPDATE \"Delivery\" SET status = 'failed', lockedBy = NULL WHERE id = ?`)")).toHaveLength(1);
    expect(statusWrites("`UPDATE \"Delivery\" SET nextAttemptAt = ?, status = ? WHERE id = ?`")).toHaveLength(1);
    expect(statusWrites("`UPDATE \"Delivery\" d SET \"status\" = $1 WHERE d.id = $2`")).toHaveLength(1);
    expect(statusWrites("`UPDATE \"Delivery\" SET status = CASE WHEN x THEN 'pending' ELSE 'failed' END WHERE id = ?`")).toHaveLength(1);
    expect(statusWrites(`${t}\`UPDATE "Delivery" SET status = CASE WHEN x THEN \${t.to} ELSE 'failed' END WHERE id = ?\``)).toHaveLength(1);
    expect(statusWrites("prisma.delivery.updateMany({ where: { id }, data: { status: \"pending\", nextAttemptAt: now } })")).toHaveLength(1);
    expect(statusWrites("prisma.delivery.update({ where: { id }, data: { nextAttemptAt: now, status } })")).toHaveLength(1);
    expect(statusWrites("const rows = ids.map((endpointId) => ({ id, eventId, endpointId, status: \"pending\", nextAttemptAt: now }));")).toHaveLength(1);
    expect(statusWrites("rows.push({ id, eventId, endpointId, status: ok ? \"succeeded\" : \"failed\" });")).toHaveLength(1);
    // From the state machine, or reads: none is caught.
    expect(statusWrites(`${t}\`UPDATE "Delivery" SET status = \${t.to}, "nextAttemptAt" = $3 WHERE status IN \${t.from}\``)).toEqual([]);
    expect(statusWrites(`${t}\`UPDATE "Delivery" SET status = CASE WHEN e.deletedAt IS NULL THEN \${t.to} ELSE \${t.to} END WHERE id = ?\``)).toEqual([]);
    expect(statusWrites("const t = prismaTransition(\"recover\");\nprisma.delivery.updateMany({ where: { ...t.guard }, data: { ...t.set, completedAt: null } })")).toEqual([]);
    expect(statusWrites("`SELECT id FROM \"Delivery\" WHERE status = 'pending' AND endpointId = ?`")).toEqual([]);
    expect(statusWrites("prisma.delivery.count({ where: { endpointId, status: \"delivering\" } })")).toEqual([]);
    expect(statusWrites("interface DeliveryRow { eventId: string; endpointId: string; status: \"pending\"; }")).toEqual([]);
    expect(statusWrites("listDeliveries(userId, { status: \"failed\" })")).toEqual([]);
  });

  it("no file of lib/, app/ or scripts/ writes a delivery status outside the state machine", () => {
    const offenders = new Map<string, string[]>();
    for (const dir of SCANNED) {
      for (const file of sourceFiles(path.join(ROOT, dir))) {
        const writes = statusWrites(readFileSync(path.join(ROOT, file), "utf8"));
        if (writes.length) offenders.set(file, writes);
      }
    }
    expect([...offenders], "take the guard and the new status from lib/store/delivery-states.ts (sqlTransition / prismaTransition)").toEqual([]);
  });
});
