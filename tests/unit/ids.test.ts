import { beforeEach, describe, expect, it, vi } from "vitest";
import type { IdPrefix } from "@/lib/ids";

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

function decodeTime(id: string): number {
  const time = id.slice(id.indexOf("_") + 1, id.indexOf("_") + 11);
  let ms = 0;
  for (const char of time) ms = ms * 32 + CROCKFORD.indexOf(char);
  return ms;
}

// newId keeps per-process state (the last time and random part); each test gets a fresh copy.
let newId: (prefix: IdPrefix, now?: number) => string;
beforeEach(async () => {
  vi.resetModules();
  ({ newId } = await import("@/lib/ids"));
});

describe("newId", () => {
  it.each(["usr", "ses", "ep", "msg", "dlv", "att", "key", "sch"] as IdPrefix[])(
    "starts with %s_ and has 26 Crockford base32 characters after it",
    (prefix) => {
      const id = newId(prefix);
      expect(id.startsWith(`${prefix}_`)).toBe(true);
      expect(id).toHaveLength(prefix.length + 1 + 26);
      expect(id.slice(prefix.length + 1)).toMatch(/^[0-9ABCDEFGHJKMNPQRSTVWXYZ]{26}$/);
    },
  );

  it("encodes the time like a ULID", () => {
    // Example from the ULID spec: 1469918176385 ms encodes as 01ARYZ6S41.
    const id = newId("msg", 1469918176385);
    expect(id.slice(4, 14)).toBe("01ARYZ6S41");
    expect(decodeTime(id)).toBe(1469918176385);
  });

  it("carries the given now", () => {
    const now = Date.UTC(2030, 0, 1);
    expect(decodeTime(newId("dlv", now))).toBe(now);
  });

  it("is strictly increasing within one millisecond", () => {
    const now = Date.UTC(2031, 0, 1);
    const ids = Array.from({ length: 5000 }, () => newId("msg", now));
    for (let i = 1; i < ids.length; i++) expect(ids[i] > ids[i - 1]).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => decodeTime(id) === now)).toBe(true);
  });

  it("is strictly increasing in a tight loop on the real clock", () => {
    const ids = Array.from({ length: 5000 }, () => newId("att"));
    for (let i = 1; i < ids.length; i++) expect(ids[i] > ids[i - 1]).toBe(true);
  });

  it("sorts an id with a later now after every id with an earlier one", () => {
    const t = Date.UTC(2032, 0, 1);
    const earlier = Array.from({ length: 1000 }, () => newId("msg", t));
    const later = newId("msg", t + 1);
    expect(decodeTime(later)).toBe(t + 1);
    for (const id of earlier) expect(later > id).toBe(true);
    expect(newId("msg", t + 60_000) > later).toBe(true);
  });

  it("stays increasing when the clock steps backwards", () => {
    const t = Date.UTC(2033, 0, 1);
    const first = newId("msg", t);
    const second = newId("msg", t - 5_000);
    expect(second > first).toBe(true);
  });

  it("differs between runs (random part)", () => {
    const a = newId("ep", Date.UTC(2034, 0, 1));
    vi.resetModules();
    return import("@/lib/ids").then(({ newId: fresh }) => {
      const b = fresh("ep", Date.UTC(2034, 0, 1));
      expect(b.slice(0, 13)).toBe(a.slice(0, 13));
      expect(b).not.toBe(a);
    });
  });
});

describe("idAt", () => {
  it("bounds ids by creation time, a time before 1970 as 1970's first id (every id follows it)", async () => {
    const { idAt } = await import("@/lib/ids");
    const id = newId("dlv", Date.UTC(2026, 0, 1));
    expect(idAt("dlv", Date.UTC(2025, 0, 1)) < id).toBe(true);
    expect(idAt("dlv", Date.UTC(2027, 0, 1)) > id).toBe(true);
    for (const before1970 of [-1, Date.UTC(1969, 11, 31), Date.UTC(1, 0, 1)]) {
      expect(idAt("dlv", before1970)).toBe(idAt("dlv", 0));
      expect(idAt("dlv", before1970) < id).toBe(true);
    }
    expect(idAt("dlv", Date.UTC(9999, 11, 31)) > id).toBe(true);
    expect(decodeTime(idAt("dlv", Date.UTC(9999, 11, 31)))).toBe(Date.UTC(9999, 11, 31));
  });
});
