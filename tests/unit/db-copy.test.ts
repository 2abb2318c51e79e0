// The pure parts of `npm run db:copy` (lib/store/copy.ts): what it refuses before touching
// anything, how SQLite values become PostgreSQL ones (and the text both sides checksum), and the
// order tables are copied in. The copy itself: tests/integration/db-copy.test.ts.
import { describe, expect, it } from "vitest";
import { convertValue, copyRefusal, foreignKeyOrder, NOT_COPIED, rowText, schemaModels } from "@/lib/store/copy";

describe("copyRefusal", () => {
  it("accepts a SQLite source and a PostgreSQL target", () => {
    expect(copyRefusal("file:./data/hookline.db", "postgres://u:p@db.internal:5432/hookline")).toBeNull();
    expect(copyRefusal("file:/var/lib/hookline.db", "postgresql://db/hookline")).toBeNull();
  });

  it("names what to pass when the source or target is wrong or missing", () => {
    expect(copyRefusal("file:a.db", undefined)).toMatch(/--to postgres:\/\//);
    expect(copyRefusal("postgres://db/a", "postgres://db/b")).toMatch(/source must be a SQLite database.*--from file:/);
    expect(copyRefusal("file:a.db", "file:b.db")).toMatch(/target \(--to\) must be a PostgreSQL database/);
    expect(copyRefusal("file:a.db", "mysql://db/b")).toMatch(/^The target: .*postgres:\/\//);
    expect(copyRefusal("sqlite://a.db", "postgres://db/b")).toMatch(/^The source: .*file:/);
  });
});

describe("convertValue", () => {
  it("turns SQLite's unix-ms integers (and its CURRENT_TIMESTAMP text) into UTC timestamps", () => {
    expect(convertValue("timestamp", 1764504000123)).toEqual({ param: "2025-11-30T12:00:00.123Z", text: "1764504000123" });
    expect(convertValue("timestamp", 1764504000123n)).toEqual({ param: "2025-11-30T12:00:00.123Z", text: "1764504000123" });
    expect(convertValue("timestamp", "2025-11-30 12:00:00")).toEqual({ param: "2025-11-30T12:00:00.000Z", text: "1764504000000" });
    expect(() => convertValue("timestamp", "yesterday")).toThrow(/not a valid timestamp/);
    expect(() => convertValue("timestamp", 1.5)).toThrow(/not a valid timestamp/);
  });

  it("turns 0/1 into booleans and refuses anything else", () => {
    expect(convertValue("boolean", 1n)).toEqual({ param: true, text: "true" });
    expect(convertValue("boolean", 0)).toEqual({ param: false, text: "false" });
    expect(() => convertValue("boolean", 2)).toThrow(/not a valid boolean/);
  });

  it("keeps 64-bit integers exact, text as is, and NULL as NULL", () => {
    expect(convertValue("bigint", 9007199254740993n)).toEqual({ param: "9007199254740993", text: "9007199254740993" });
    expect(convertValue("integer", 42)).toEqual({ param: "42", text: "42" });
    expect(convertValue("text", "whsec_abc+/=")).toEqual({ param: "whsec_abc+/=", text: "whsec_abc+/=" });
    expect(convertValue("text", null)).toEqual({ param: null, text: null });
    expect(() => convertValue("text", Buffer.from("x"))).toThrow(/not a valid text/);
    // PostgreSQL's text cannot hold U+0000: U+FFFD instead, as the app stores response bodies.
    expect(convertValue("text", "ok\u0000done")).toEqual({ param: "ok\uFFFDdone", text: "ok\uFFFDdone", replacedNul: true });
  });
});

describe("rowText", () => {
  it("tells NULL from the text \\N and from an empty string, and cannot be confused by separators", () => {
    expect(rowText([null, "", "\\N"])).toBe("\\N,0:,2:\\N");
    expect(rowText(["a,b", "c"])).not.toBe(rowText(["a", "b,c"]));
    // Lengths in UTF-8 bytes, as PostgreSQL's octet_length counts them.
    expect(rowText(["é🚀"])).toBe("6:é🚀");
  });
});

describe("foreignKeyOrder", () => {
  it("puts parents before children and keeps the given order otherwise", () => {
    const tables = ["Attempt", "Delivery", "Event", "User", "Endpoint", "Other"].map((name) => ({ name }));
    const keys = [
      { child: "Attempt", parent: "Delivery" },
      { child: "Delivery", parent: "Event" },
      { child: "Delivery", parent: "Endpoint" },
      { child: "Event", parent: "User" },
      { child: "Endpoint", parent: "User" },
      // A parent that is not copied does not hold anything up.
      { child: "Other", parent: "WorkerHeartbeat" },
    ];
    expect(foreignKeyOrder(tables, keys).map((table) => table.name)).toEqual(["User", "Event", "Endpoint", "Delivery", "Attempt", "Other"]);
  });

  it("refuses a cycle", () => {
    expect(() => foreignKeyOrder([{ name: "A" }, { name: "B" }], [{ child: "A", parent: "B" }, { child: "B", parent: "A" }])).toThrow(/cycle/);
  });
});

describe("schemaModels", () => {
  it("is every model of prisma/schema.prisma with its scalar fields, and only live-process tables are left out", () => {
    const models = schemaModels();
    expect(models.map((model) => model.name)).toContain("Delivery");
    expect(models.find((model) => model.name === "Endpoint")?.fields).toEqual(expect.arrayContaining(["secret", "previousSecret", "enabled", "circuitOpenUntil"]));
    // Relations are not columns.
    expect(models.find((model) => model.name === "Endpoint")?.fields).not.toContain("deliveries");
    expect(Object.keys(NOT_COPIED)).toEqual(["WorkerHeartbeat"]);
  });
});
