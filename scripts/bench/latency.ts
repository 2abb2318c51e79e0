/**
 * End-to-end latency as a user sees it (SPEC §8, issue 12): a fresh database holding one account,
 * its API key and one endpoint on the receiver; the real server started by scripts/start.mjs
 * (what `npm start` runs: its worker inside, default settings); the bench process as the API
 * client, the receiver in its own process. From the moment the server says it is running, events
 * are offered at `perSecond` (open loop, keep-alive connections) for `seconds`.
 *
 * Lag = the moment the request was due to be sent → the webhook's first arrival at the receiver
 * (both on this machine's wall clock), so the API's answer, the commit, the wake-up, the claim
 * and the HTTP request all count. Reported twice: events sent in the first COLD_SECONDS after
 * the server was ready (JIT, first use of every route and statement: what the first users after
 * a deploy see), and events sent after that (steady state).
 */
import { createAccounts, defaultServerEnv, deliveryLags, offerEvents, percentile, startServer, type BenchReceiver, type NewDatabase } from "./harness";
import type { Row, ScenarioResult } from "./tenant-scenarios";

export const COLD_SECONDS = 10;
/** SPEC §8. */
const TARGET = { p50: 25, p99: 150 };
const CONNECTIONS = 16;
const DRAIN_MS = 60_000;

function figures(lags: number[]) {
  const sorted = [...lags].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1], count: sorted.length };
}

const ms = (value: number) => (Number.isFinite(value) ? Math.round(value) : null);
const showMs = (value: number) => (Number.isFinite(value) ? `${Math.round(value)} ms` : "undelivered");

export async function endToEndLatency(receiver: BenchReceiver, newDatabase: NewDatabase, perSecond: number, seconds: number): Promise<ScenarioResult> {
  const databaseUrl = await newDatabase("latency");
  const timedPath = "/timed/latency";
  const [account] = await createAccounts(databaseUrl, ["latency@example.test"], receiver.origin + timedPath);
  // One account offers 200 events/s, above the per-account API rate limit's default (100/s, an
  // abuse guard): raised so that every request is a delivery to time, not a 429.
  const server = await startServer(defaultServerEnv(databaseUrl, { HOOKLINE_API_RATE_LIMIT: String(perSecond * 5) }));
  let result;
  try {
    const offer = await offerEvents(server.origin, account.key, {
      perSecond,
      seconds,
      connections: CONNECTIONS,
      body: (i) => `{"type":"order.created","data":{"order":${i},"amount":4200,"currency":"EUR"}}`,
    });
    const readyAt = Math.min(...offer.accepted.map(({ sentAt }) => sentAt));
    const fromSend = offer.accepted.map(({ id, sentAt }) => ({ id, at: sentAt }));
    const { lags, samples, missing } = await deliveryLags(receiver, timedPath, fromSend, DRAIN_MS);
    const isCold = (at: number) => at - readyAt < COLD_SECONDS * 1000;
    result = {
      cold: figures(samples.filter(({ at }) => isCold(at)).map(({ lag }) => lag)),
      steady: figures(samples.filter(({ at }) => !isCold(at)).map(({ lag }) => lag)),
      all: figures(lags),
      missing,
      failed: offer.failed,
      failures: offer.failures,
    };
  } finally {
    await server.stop();
  }
  const { cold, steady } = result;
  const met = (part: typeof cold) => part.p50 <= TARGET.p50 && part.p99 <= TARGET.p99;
  return {
    json: {
      latency_offered_per_s: perSecond,
      latency_cold_p50_ms: ms(cold.p50),
      latency_cold_p99_ms: ms(cold.p99),
      latency_cold_max_ms: ms(cold.max),
      p50_ms: ms(steady.p50),
      p99_ms: ms(steady.p99),
      max_ms: ms(steady.max),
      latency_count: result.all.count,
      latency_undelivered: result.missing,
      latency_failed_requests: result.failed,
    },
    rows: [
      [`end-to-end latency at ${perSecond} events/s for ${seconds} s (request sent → webhook arrived)`, "", ""],
      [`  first ${COLD_SECONDS} s after start: p50 / p99 (max)`, `${showMs(cold.p50)} / ${showMs(cold.p99)} (${showMs(cold.max)})`, `≤ ${TARGET.p50} / ${TARGET.p99} ms: ${met(cold) ? "met" : "MISSED"}`],
      ["  steady state: p50 / p99 (max)", `${showMs(steady.p50)} / ${showMs(steady.p99)} (${showMs(steady.max)})`, `≤ ${TARGET.p50} / ${TARGET.p99} ms: ${met(steady) ? "met" : "MISSED"}`],
      ["  API requests failed / webhooks undelivered", `${result.failed} / ${result.missing}`, "0 / 0"],
      ...Object.entries(result.failures).map(([outcome, count]): Row => [`    failed with ${outcome}`, String(count), ""]),
    ] as Row[],
  };
}
