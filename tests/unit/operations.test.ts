// The pure parts of health, metrics access and logging: what /api/health concludes from what it
// saw, who may scrape /api/metrics, which request ids are trusted, and that the logger's
// redaction catches a secret logged by mistake.
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { assessHealth } from "@/lib/health";
import { createLogger, pathOnly, requestIdFrom } from "@/lib/log";
import { metricsRequestAllowed } from "@/lib/metrics/render";
import { loadEnvWith, restoreEnvAfterEach } from "../helpers/env";

const NOW = 1_800_000_000_000;
const BOUND = 30_000;

describe("assessHealth", () => {
  it("is ok with a reachable database and a heartbeat within the bound", () => {
    const report = assessHealth({ databaseReachable: true, lastHeartbeatAt: NOW - 4_000, liveWorkers: 2 }, NOW, BOUND);
    expect(report).toEqual({
      status: "ok",
      problems: [],
      database: { status: "ok" },
      worker: { status: "ok", lastHeartbeatAgeMs: 4_000, heartbeatTimeoutMs: BOUND, liveWorkers: 2 },
    });
  });

  it("is unhealthy once the freshest heartbeat is older than the bound, saying so", () => {
    const report = assessHealth({ databaseReachable: true, lastHeartbeatAt: NOW - 45_000, liveWorkers: 0 }, NOW, BOUND);
    expect(report.status).toBe("unhealthy");
    expect(report.worker).toMatchObject({ status: "stale", lastHeartbeatAgeMs: 45_000 });
    expect(report.problems.join(" ")).toMatch(/No worker heartbeat for 45 s \(more than the 30 s allowed\)/);
  });

  it("treats exactly the bound as still alive", () => {
    expect(assessHealth({ databaseReachable: true, lastHeartbeatAt: NOW - BOUND, liveWorkers: 1 }, NOW, BOUND).status).toBe("ok");
  });

  it("is unhealthy when no worker has ever beaten", () => {
    const report = assessHealth({ databaseReachable: true, lastHeartbeatAt: null, liveWorkers: 0 }, NOW, BOUND);
    expect(report.status).toBe("unhealthy");
    expect(report.worker.status).toBe("none");
    expect(report.problems.join(" ")).toMatch(/No worker is running/);
  });

  it("is unhealthy when the database does not answer, and does not guess about workers", () => {
    const report = assessHealth({ databaseReachable: false, lastHeartbeatAt: null, liveWorkers: 0 }, NOW, BOUND);
    expect(report.status).toBe("unhealthy");
    expect(report.database.status).toBe("unreachable");
    expect(report.worker).toMatchObject({ status: "unknown", lastHeartbeatAgeMs: null });
  });

  it("reads a heartbeat from a clock slightly ahead as age 0", () => {
    expect(assessHealth({ databaseReachable: true, lastHeartbeatAt: NOW + 50, liveWorkers: 1 }, NOW, BOUND).worker.lastHeartbeatAgeMs).toBe(0);
  });
});

describe("metricsRequestAllowed", () => {
  const token = "metrics-token-0123456789";
  it("lets everyone in when no token is configured", () => {
    expect(metricsRequestAllowed(null, undefined)).toBe(true);
  });
  it("needs the exact bearer token when one is configured", () => {
    expect(metricsRequestAllowed(`Bearer ${token}`, token)).toBe(true);
    expect(metricsRequestAllowed(`bearer ${token}`, token)).toBe(true);
    expect(metricsRequestAllowed(null, token)).toBe(false);
    expect(metricsRequestAllowed(`Bearer ${token}x`, token)).toBe(false);
    expect(metricsRequestAllowed(`Bearer ${token.slice(0, -1)}`, token)).toBe(false);
    expect(metricsRequestAllowed(token, token)).toBe(false);
  });
});

describe("requestIdFrom", () => {
  it("keeps a caller's plain request id", () => {
    expect(requestIdFrom("req-42.abc:def_9")).toBe("req-42.abc:def_9");
  });
  it.each([null, undefined, "", "has space", "x".repeat(129), "line\nbreak", "quote\"s"])("replaces %j with a fresh UUID", (header) => {
    const id = requestIdFrom(header);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(requestIdFrom(header)).not.toBe(id);
  });
});

describe("pathOnly", () => {
  it("drops the query string and fragment", () => {
    expect(pathOnly("/api/inbox/x?token=secret#frag")).toBe("/api/inbox/x");
    expect(pathOnly("/endpoints#top")).toBe("/endpoints");
    expect(pathOnly("/deliveries")).toBe("/deliveries");
  });
});

describe("the logger", () => {
  function capture() {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).split("\n").filter(Boolean));
        done();
      },
    });
    return { logger: createLogger(stream, "info"), lines };
  }

  it("writes one JSON object per line with level, time and message", () => {
    const { logger, lines } = capture();
    const before = Date.now();
    logger.info({ reqId: "r1", status: 201 }, "api request");
    while (Date.now() < before + 3); // the next line is written in a later millisecond
    logger.info("second");
    const after = Date.now();
    expect(lines).toHaveLength(2);
    const entries = lines.map((line) => JSON.parse(line) as { time: string });
    expect(entries[0]).toMatchObject({ level: 30, reqId: "r1", status: 201, msg: "api request", time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) });
    // The time is formatted once per millisecond: each line still carries its own.
    for (const { time } of entries) {
      expect(Date.parse(time)).toBeGreaterThanOrEqual(before);
      expect(Date.parse(time)).toBeLessThanOrEqual(after);
    }
    expect(Date.parse(entries[1].time)).toBeGreaterThanOrEqual(before + 3);
  });

  it("redacts secret-bearing fields logged by mistake, top level and one level down", () => {
    const { logger, lines } = capture();
    logger.warn(
      {
        password: "hunter2-password",
        authorization: "Bearer hl_live_key",
        endpoint: { id: "ep_1", secret: "whsec_abc", url: "https://x.test/?token=t0k3n", headers: { "x-api-key": "k" } },
        data: { card: "4242" },
      },
      "oops",
    );
    const text = lines.join("\n");
    for (const leaked of ["hunter2-password", "hl_live_key", "whsec_abc", "t0k3n", "x-api-key", "4242"]) expect(text).not.toContain(leaked);
    expect(JSON.parse(lines[0])).toMatchObject({ password: "[redacted]", endpoint: { id: "ep_1", secret: "[redacted]" } });
  });

  it("honours the level", () => {
    const lines: string[] = [];
    const logger = createLogger(new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) }), "warn");
    logger.info("quiet");
    logger.error("loud");
    expect(lines.map((line) => JSON.parse(line).msg)).toEqual(["loud"]);
  });
});

describe("operations configuration", () => {
  restoreEnvAfterEach();
  const loadWith = loadEnvWith;

  it("has defaults: 5 s heartbeats, a 30 s bound, info logs, open metrics", async () => {
    for (const name of ["HOOKLINE_HEARTBEAT_INTERVAL_MS", "HOOKLINE_HEARTBEAT_TIMEOUT_MS", "HOOKLINE_LOG_LEVEL", "HOOKLINE_METRICS_TOKEN", "HOOKLINE_WORKER_METRICS_PORT"]) delete process.env[name];
    const env = await loadWith({});
    expect(env).toMatchObject({ HOOKLINE_HEARTBEAT_INTERVAL_MS: 5_000, HOOKLINE_HEARTBEAT_TIMEOUT_MS: 30_000, HOOKLINE_LOG_LEVEL: "info" });
    expect(env.HOOKLINE_METRICS_TOKEN).toBeUndefined();
    expect(env.HOOKLINE_WORKER_METRICS_PORT).toBeUndefined();
  });

  it("reads an empty metrics token as none", async () => {
    expect((await loadWith({ HOOKLINE_METRICS_TOKEN: "" })).HOOKLINE_METRICS_TOKEN).toBeUndefined();
  });

  it.each([
    ["HOOKLINE_LOG_LEVEL", "loud"],
    ["HOOKLINE_METRICS_TOKEN", "short"],
    ["HOOKLINE_HEARTBEAT_TIMEOUT_MS", "0"],
    ["HOOKLINE_WORKER_METRICS_PORT", "70000"],
  ])("refuses %s=%s, naming the variable", async (name, value) => {
    await expect(loadWith({ [name]: value })).rejects.toThrow(new RegExp(`Invalid Hookline configuration:[\\s\\S]*${name}`));
  });
});
