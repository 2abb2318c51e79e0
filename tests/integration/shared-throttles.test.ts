// SPEC §9 (issue 11): on PostgreSQL, where any number of web servers share one database, the API
// rate limit per account and the sign-in throttle hold across all of them: two built servers
// (`npm start` twice on this file's DATABASE_URL, worker off) count one account's requests and
// one account's wrong passwords together. On SQLite (one web process per database) the same
// limits hold in that process's memory and write nothing to the database. Each engine runs its
// own tests below (HOOKLINE_TEST_ENGINE=postgres for PostgreSQL).
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { INVALID_CREDENTIALS } from "@/lib/auth/accounts";
import { createAttemptStore } from "@/lib/auth/throttle";
import { prisma } from "@/lib/db";
import { store } from "@/lib/store/connection";
import { purgeThrottlesBatch } from "@/lib/store/purge";
import { countedAttempts, takeThrottleAttempt, type ThrottleRef } from "@/lib/store/throttle-attempts";
import { apiClient, newApiClient, startApiServer, stopServersAfterAll, type ApiClient } from "../helpers/api-client";
import { submitForm } from "../helpers/forms";
import { newAccount } from "../helpers/harness";
import type { RunningServer } from "../helpers/server";

stopServersAfterAll();

const engine = store().engine;
const PASSWORD = "correct horse battery staple"; // newAccount's password
const MAX_FAILURES = 3;
/** Long enough that no attempt of a test ages out during it. */
const LIMITS = { HOOKLINE_SIGN_IN_MAX_FAILURES: String(MAX_FAILURES), HOOKLINE_SIGN_IN_WINDOW: "15m", HOOKLINE_API_RATE_LIMIT: "1", HOOKLINE_WORKER: "off" };
const REFUSED_SIGN_IN = /^Too many failed sign-ins\. Try again in \d+ (?:seconds?|minutes?)\.$/;
const RATE_DETAIL = /^This account is limited to 1 API requests per second, all its API keys together \(HOOKLINE_API_RATE_LIMIT/;

/** A new client address per call (documentation range), so only the per-account limit applies. */
let clients = 0;
const address = () => `203.0.${113 + Math.floor(++clients / 250)}.${clients % 250}`;

const decode = (text: string) => text.replace(/<!-- -->/g, "").replace(/&#x27;|&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, "&");

/** Signs in on `server`'s form: "signed in", or the alert the page showed. */
async function signIn(server: RunningServer, email: string, password: string): Promise<string> {
  const result = await submitForm(`${server.origin}/sign-in`, { email, password }, { headers: { "x-forwarded-for": address() } });
  if (result.status === 303) return "signed in";
  const alert = /<p role="alert"[^>]*>([\s\S]*?)<\/p>/.exec(result.html);
  return alert ? decode(alert[1]) : `no alert (status ${result.status})`;
}

/** Requests on `api` one after another until one is refused; the refusal (or null after `max`). */
async function exhaust(api: ApiClient, max = 50) {
  for (let i = 0; i < max; i++) {
    const response = await api.get("/api/v1/endpoints");
    if (response.status === 429) return response;
    expect(response.status, response.text).toBe(200);
  }
  return null;
}

describe.runIf(engine === "postgres")("PostgreSQL: two web servers on one database", () => {
  let servers: RunningServer[];

  beforeAll(async () => {
    servers = await Promise.all([startApiServer(LIMITS), startApiServer(LIMITS)]);
    // Warm both (first requests compile nothing, but open pools), with an account of their own.
    for (const server of servers) {
      const { api } = await newApiClient(server.origin, "warm-up");
      expect((await api.get("/api/v1/endpoints")).status).toBe(200);
    }
  }, 120_000);

  it("share an account's API rate limit: once one server has used the account's tokens, the other refuses it too", async () => {
    // HOOKLINE_API_RATE_LIMIT=1: a bucket of one token, one more per second. Per server, the
    // second server would still hold a full bucket for this account and let its first request
    // through. A fresh account per try; the other server is asked right after the refusal, well
    // within the second a token takes to come back (tried three times in case the machine stalls).
    const refusedByOther = [];
    for (let attempt = 0; attempt < 3 && refusedByOther.length === 0; attempt++) {
      const { key } = await newApiClient(servers[0].origin, `shared-rate-${attempt}`);
      const [first, second] = servers.map((server) => apiClient(server.origin, key));
      const refused = await exhaust(first);
      expect(refused, "the first server refuses once the account's token is used").not.toBeNull();
      const other = await second.get("/api/v1/endpoints");
      if (other.status === 429) refusedByOther.push(other);
      else expect(other.status).toBe(200);
    }
    expect(refusedByOther.length, "the second server refused the account's first request it saw").toBe(1);
    expect(refusedByOther[0].body.detail).toMatch(RATE_DETAIL);
    expect(Number(refusedByOther[0].headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  });

  it("count requests spread over both servers against the account's limit in total", async () => {
    const { key } = await newApiClient(servers[0].origin, "spread");
    const clientsOf = servers.map((server) => apiClient(server.origin, key));
    const startedAt = performance.now();
    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => clientsOf[i % 2].get("/api/v1/endpoints")));
    const elapsedSeconds = (performance.now() - startedAt) / 1000;
    const allowed = responses.filter((response) => response.status === 200).length;
    expect(allowed + responses.filter((response) => response.status === 429).length).toBe(20);
    // One token to start with and one more per second the burst lasted (the takes all happened
    // within it), however the requests were spread; per server, each server would have let at
    // least its own first one through (2 within the first second).
    expect(allowed).toBeGreaterThanOrEqual(1);
    expect(allowed).toBeLessThanOrEqual(1 + Math.floor(elapsedSeconds + 0.01));
  });

  it("share the sign-in throttle: wrong passwords spread over both servers lock the account after MAX_FAILURES in total", async () => {
    const account = await newAccount("shared-victim");
    // Alternating servers, each guess from a new address: per server, neither would reach 3.
    for (let i = 0; i < MAX_FAILURES; i++) expect(await signIn(servers[i % 2], account.email, `guess ${i}`)).toBe(INVALID_CREDENTIALS);
    for (const server of servers) expect(await signIn(server, account.email, PASSWORD)).toMatch(REFUSED_SIGN_IN);
  });

  it("concurrent wrong passwords on both servers: exactly MAX_FAILURES are checked, every other one is refused", async () => {
    const account = await newAccount("shared-concurrent");
    const outcomes = await Promise.all(Array.from({ length: 4 * MAX_FAILURES }, (_, i) => signIn(servers[i % 2], account.email, `guess ${i}`)));
    expect(outcomes.filter((outcome) => outcome === INVALID_CREDENTIALS)).toHaveLength(MAX_FAILURES);
    expect(outcomes.filter((outcome) => REFUSED_SIGN_IN.test(outcome))).toHaveLength(3 * MAX_FAILURES);
  });

  it("a sign-in on one server forgives the failures counted through the other", async () => {
    const account = await newAccount("shared-forgiven");
    for (let i = 0; i < MAX_FAILURES - 1; i++) expect(await signIn(servers[0], account.email, `guess ${i}`)).toBe(INVALID_CREDENTIALS);
    expect(await signIn(servers[1], account.email, PASSWORD)).toBe("signed in");
    for (let i = 0; i < MAX_FAILURES - 1; i++) expect(await signIn(servers[0], account.email, `again ${i}`)).toBe(INVALID_CREDENTIALS);
    expect(await signIn(servers[1], account.email, PASSWORD)).toBe("signed in");
  });
});

describe.runIf(engine === "postgres")("PostgreSQL: the shared throttles stay bounded", () => {
  const throttle = (name: string, maxFailures = 2): ThrottleRef => ({ name, memory: createAttemptStore(), limits: { maxFailures, windowMs: 10_000 } });
  const rows = (name: string) => prisma.throttleAttempt.count({ where: { key: { startsWith: `${name}:` } } });

  it("a key never holds more than its limit, and a take deletes the key's attempts out of the window", async () => {
    const name = `bound-${randomUUID()}`;
    const limited = throttle(name);
    const t0 = Date.now();
    expect(await takeThrottleAttempt(store(), limited, ["ip:1"], t0)).toBe(0);
    expect(await takeThrottleAttempt(store(), limited, ["ip:1"], t0 + 1)).toBe(0);
    for (let i = 2; i < 10; i++) expect(await takeThrottleAttempt(store(), limited, ["ip:1"], t0 + i)).toBe(10_000 - i);
    expect(await rows(name)).toBe(2);
    // Past the window: the old attempts go, the new one is counted.
    expect(await takeThrottleAttempt(store(), limited, ["ip:1"], t0 + 10_001)).toBe(0);
    expect(await countedAttempts(store(), limited, "ip:1", t0 + 10_001)).toEqual([t0 + 10_001]);
    expect(await rows(name)).toBe(1);
  });

  it("the purge deletes attempts older than the longest window and rate-limit buckets idle for a minute", async () => {
    const name = `purged-${randomUUID()}`;
    const long = throttle(name, 100);
    const now = Date.now();
    for (let i = 0; i < 5; i++) await takeThrottleAttempt(store(), long, [`ip:${i}`], now - 3 * 3_600_000 + i);
    await takeThrottleAttempt(store(), long, ["ip:recent"], now);
    const idle = `api:${randomUUID()}`;
    const busy = `api:${randomUUID()}`;
    await prisma.rateLimitBucket.create({ data: { key: idle, tokens: 0, updatedAt: new Date(now - 120_000) } });
    await prisma.rateLimitBucket.create({ data: { key: busy, tokens: 0, updatedAt: new Date(now) } });
    expect(await rows(name)).toBe(6);

    while ((await purgeThrottlesBatch(store(), now, 2)) > 0);
    expect(await rows(name)).toBe(1);
    expect(await prisma.rateLimitBucket.findUnique({ where: { key: idle } })).toBeNull();
    expect(await prisma.rateLimitBucket.findUnique({ where: { key: busy } })).not.toBeNull();
  });
});

describe.runIf(engine === "sqlite")("SQLite: the one web process keeps the limits in memory", () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startApiServer(LIMITS);
  }, 120_000);

  it("refuses an account past its API rate limit and writes no bucket to the database", async () => {
    const { api } = await newApiClient(server.origin, "memory-rate");
    const refused = await exhaust(api);
    expect(refused, "a request is refused once the account's token is used").not.toBeNull();
    expect(refused!.body.detail).toMatch(RATE_DETAIL);
    expect(await prisma.rateLimitBucket.count()).toBe(0);
  });

  it("locks an account after MAX_FAILURES wrong passwords and writes no attempt to the database", async () => {
    const account = await newAccount("memory-victim");
    for (let i = 0; i < MAX_FAILURES; i++) expect(await signIn(server, account.email, `guess ${i}`)).toBe(INVALID_CREDENTIALS);
    expect(await signIn(server, account.email, PASSWORD)).toMatch(REFUSED_SIGN_IN);
    expect(await prisma.throttleAttempt.count()).toBe(0);
  });
});
