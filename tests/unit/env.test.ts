// Configuration is validated at start: a typo stops the server with the variable's name.
import { describe, expect, it } from "vitest";
import { loadEnvWith as loadWith, restoreEnvAfterEach } from "../helpers/env";

restoreEnvAfterEach();

describe("lib/env", () => {
  it("parses durations, schedules and ranges into values", async () => {
    const env = await loadWith({ HOOKLINE_RETRY_SCHEDULE: "0s,1s,2m", HOOKLINE_AUTO_DISABLE_AFTER: "2h", HOOKLINE_ALLOWED_CIDRS: "127.0.0.0/8,::1/128" });
    expect(env.HOOKLINE_RETRY_SCHEDULE).toEqual([0, 1000, 120_000]);
    expect(env.HOOKLINE_AUTO_DISABLE_AFTER).toBe(7_200_000);
    expect(env.HOOKLINE_ALLOWED_CIDRS.map((cidr) => cidr.text)).toEqual(["127.0.0.0/8", "::1/128"]);
  });

  it("takes DATABASE_URL file: as SQLite and postgres:// as PostgreSQL, and refuses anything else by name", async () => {
    expect((await loadWith({ DATABASE_URL: "postgres://hookline@127.0.0.1:5432/hookline" })).DATABASE_URL).toMatch(/^postgres:/);
    expect((await loadWith({ DATABASE_URL: "postgresql://db.internal/hookline" })).DATABASE_URL).toMatch(/^postgresql:/);
    await expect(loadWith({ DATABASE_URL: "mysql://127.0.0.1/hookline" })).rejects.toThrow(/DATABASE_URL.*file:.*postgres:\/\//);
    await expect(loadWith({ DATABASE_URL: "./data/hookline.db" })).rejects.toThrow(/DATABASE_URL/);
    await expect(loadWith({ DATABASE_URL: "postgres:hookline" })).rejects.toThrow(/DATABASE_URL/);
    await expect(loadWith({ DATABASE_URL: "file:" })).rejects.toThrow(/DATABASE_URL/);
  });

  it("limits the server's heap to 256 MB unless told otherwise", async () => {
    expect((await loadWith({})).HOOKLINE_MAX_HEAP_MB).toBe(256);
    expect((await loadWith({ HOOKLINE_MAX_HEAP_MB: "512" })).HOOKLINE_MAX_HEAP_MB).toBe(512);
  });

  it.each([
    ["HOOKLINE_RETRY_SCHEDULE", "0s,soon"],
    ["HOOKLINE_ALLOWED_CIDRS", "10.0.0.0/33"],
    ["HOOKLINE_AUTO_DISABLE_AFTER", "5 days"],
    ["HOOKLINE_WORKER", "maybe"],
    ["PORT", "70000"],
    ["HOOKLINE_PUBLIC_URL", "not a url"],
    ["HOOKLINE_MAX_HEAP_MB", "256MB"],
  ])("refuses %s=%s, naming the variable", async (name, value) => {
    await expect(loadWith({ [name]: value })).rejects.toThrow(new RegExp(`Invalid Hookline configuration:[\\s\\S]*${name}`));
  });
});
