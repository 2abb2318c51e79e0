/**
 * The benchmark's multi-tenant scenarios (issue 10, SPEC §10 "one account cannot hurt another"),
 * measured as a user sees them: the real server (`npm start`'s scripts/start.mjs, its worker
 * inside, Hookline's default settings apart from what each scenario names), the bench process as
 * the API client, receivers in their own process. Each run gets a fresh database and server, the
 * baseline first; the verdicts compare figures from the same invocation.
 *
 *   noisy-neighbour  account V sends events at a steady rate to one healthy endpoint; in the second
 *                    run account H first sends 25 events to 40 endpoints that never answer (1,000
 *                    deliveries, attempt timeout at its default 15 s). V's lag from "202 received"
 *                    to the webhook's arrival, p50/p99, with H and without; PASS when V's p99 with
 *                    H is within the SPEC §8 latency target (150 ms).
 *   dead-endpoint    500 events/s offered (open loop) for 60 s to one account whose events fan out
 *                    to a healthy endpoint and to one whose port refuses connections, default retry
 *                    schedule; the baseline run has only the healthy endpoint. PASS when no API
 *                    request failed, the server accepted ≥ 95 % of the offered rate and the healthy
 *                    endpoint's p99 lag is ≤ 2 × the baseline's.
 */
import {
  type NewDatabase,
  api,
  createAccounts,
  defaultServerEnv,
  deliveryLags,
  freePort,
  offerEvents,
  percentile,
  secondRanges,
  sleep,
  startBlackHole,
  startServer,
  until,
  type BenchReceiver,
  type OfferResult,
} from "./harness";

export type Row = [name: string, value: string, target: string];
export interface ScenarioResult {
  json: Record<string, number | string | null>;
  rows: Row[];
}

/** SPEC §8: event accepted → first attempt started, p99. */
const LATENCY_TARGET_P99_MS = 150;

const NOISY = { perSecond: 50, connections: 16, hangingEndpoints: 40, backlogEvents: 25, warmUpSeconds: 2, drainMs: 120_000 };
// The soak warms up longer: at 500/s the first seconds after start stalled for up to 3 s in runs
// without any dead endpoint, which inflated the baseline's p99 the verdict divides by.
const SOAK = { perSecond: 500, connections: 64, warmUpSeconds: 5, drainMs: 60_000, minIngestRatio: 0.95, maxP99Ratio: 2 };

const eventBody = (type: string) => (i: number) => `{"type":"${type}","data":{"order":${i},"amount":4200,"currency":"EUR"}}`;
const ms = (value: number) => (Number.isFinite(value) ? Math.round(value) : null);
const showMs = (value: number) => (Number.isFinite(value) ? `${Math.round(value)} ms` : "undelivered");

function lagFigures(lags: number[]) {
  return { p50: percentile(lags, 50), p99: percentile(lags, 99), max: lags[lags.length - 1], overTarget: lags.filter((lag) => lag > LATENCY_TARGET_P99_MS).length };
}

/** Sends a warm-up at the scenario's rate (JIT, caches) and waits for its webhooks; returns how many arrived. */
async function warmUp(receiver: BenchReceiver, origin: string, key: string, timedPath: string, perSecond: number, seconds: number, connections: number): Promise<number> {
  const warm = await offerEvents(origin, key, { perSecond, seconds, connections, body: eventBody("bench.warm-up") });
  await until(async () => (await receiver.arrivalCount(timedPath)) >= warm.accepted.length, 60_000, "warm-up delivery");
  return warm.accepted.length;
}

async function noisyRun(receiver: BenchReceiver, newDatabase: NewDatabase, seconds: number, withNeighbour: boolean) {
  const name = withNeighbour ? "with-h" : "alone";
  const databaseUrl = await newDatabase(`noisy-${name}`);
  const [v, h] = await createAccounts(databaseUrl, ["v@example.test", ...(withNeighbour ? ["h@example.test"] : [])]);
  const server = await startServer(defaultServerEnv(databaseUrl));
  const blackHole = withNeighbour ? await startBlackHole() : undefined;
  try {
    const timedPath = `/timed/noisy-${name}`;
    await api(server.origin, v.key, "POST", "/api/v1/endpoints", { name: "V's endpoint", url: receiver.origin + timedPath });
    const warmed = await warmUp(receiver, server.origin, v.key, timedPath, NOISY.perSecond, NOISY.warmUpSeconds, NOISY.connections);
    let hanging = 0;
    if (h && blackHole) {
      for (let i = 0; i < NOISY.hangingEndpoints; i++) {
        await api(server.origin, h.key, "POST", "/api/v1/endpoints", { name: `hanging ${i}`, url: `${blackHole.origin}/hook/${i}` });
      }
      for (let i = 0; i < NOISY.backlogEvents; i++) await api(server.origin, h.key, "POST", "/api/v1/events", { type: "backlog.created", data: { n: i } });
      // H's attempts take the slots they can get before V starts: wait until the number of
      // hanging connections stops growing (1 s unchanged, 10 s at most).
      let last = -1;
      let stableSince = Date.now();
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline && (last <= 0 || Date.now() - stableSince < 1000)) {
        await sleep(100);
        const now = blackHole.openConnections();
        if (now !== last) [last, stableSince] = [now, Date.now()];
      }
      hanging = last;
    }
    const offer = await offerEvents(server.origin, v.key, { perSecond: NOISY.perSecond, seconds, connections: NOISY.connections, body: eventBody("order.created") });
    const { lags, missing, slowestAt } = await deliveryLags(receiver, timedPath, offer.accepted, NOISY.drainMs, warmed);
    return { ...lagFigures(lags), missing, slowestAt, offer, hanging };
  } finally {
    await server.stop();
    blackHole?.close();
  }
}

export async function noisyNeighbour(receiver: BenchReceiver, newDatabase: NewDatabase, seconds: number): Promise<ScenarioResult> {
  const alone = await noisyRun(receiver, newDatabase, seconds, false);
  const withH = await noisyRun(receiver, newDatabase, seconds, true);
  const pass = withH.p99 <= LATENCY_TARGET_P99_MS && withH.offer.failed === 0;
  const events = `${NOISY.perSecond} events/s for ${seconds} s`;
  return {
    json: {
      noisy_alone_p50_ms: ms(alone.p50),
      noisy_alone_p99_ms: ms(alone.p99),
      noisy_with_h_p50_ms: ms(withH.p50),
      noisy_with_h_p99_ms: ms(withH.p99),
      noisy_with_h_max_ms: ms(withH.max),
      noisy_with_h_undelivered: withH.missing,
      noisy_with_h_over_target: withH.overTarget,
      noisy_failed_requests: alone.offer.failed + withH.offer.failed,
      noisy_neighbour: pass ? "PASS" : "MISS",
    },
    rows: [
      [`noisy neighbour: ${events}`, "", ""],
      ["  V alone: lag p50 / p99 (202 → webhook arrival)", `${showMs(alone.p50)} / ${showMs(alone.p99)}`, ""],
      [`  beside H (${NOISY.hangingEndpoints} hanging endpoints, ${NOISY.backlogEvents * NOISY.hangingEndpoints} backlog)`, `${showMs(withH.p50)} / ${showMs(withH.p99)}`, `p99 ≤ ${LATENCY_TARGET_P99_MS} ms`],
      [`  …beside H: max / undelivered after ${NOISY.drainMs / 1000} s`, `${showMs(withH.max)} / ${withH.missing}`, ""],
      [`  …beside H: events over ${LATENCY_TARGET_P99_MS} ms (of ${withH.offer.accepted.length})`, String(withH.overTarget), ""],
      ["  …beside H: slowest 1 % sent at (s into the run)", secondRanges(withH.slowestAt), ""],
      ["  H's attempts hanging when V started", String(withH.hanging), ""],
      ["  V's API requests failed (alone / beside H)", `${alone.offer.failed} / ${withH.offer.failed}`, "0"],
      ["noisy neighbour verdict", pass ? "PASS" : "MISS", ""],
      ...(alone.p99 <= LATENCY_TARGET_P99_MS ? [] : ([["  (V alone already missed the target: the machine was too busy to judge)", "", ""]] as Row[])),
    ],
  };
}

async function soakRun(receiver: BenchReceiver, newDatabase: NewDatabase, seconds: number, withDeadEndpoint: boolean) {
  const name = withDeadEndpoint ? "with-dead" : "alone";
  const databaseUrl = await newDatabase(`soak-${name}`);
  const [account] = await createAccounts(databaseUrl, ["soak@example.test"]);
  // The API's per-key rate limit (default 100/s) is lifted: the soak offers 500/s on one key, and
  // the limit is an abuse guard, not what is measured.
  const server = await startServer(defaultServerEnv(databaseUrl, { HOOKLINE_API_RATE_LIMIT: "1000000000" }));
  try {
    const timedPath = `/timed/soak-${name}`;
    await api(server.origin, account.key, "POST", "/api/v1/endpoints", { name: "healthy", url: receiver.origin + timedPath });
    if (withDeadEndpoint) {
      // A port that was just bound and closed again: connecting to it is refused at once.
      await api(server.origin, account.key, "POST", "/api/v1/endpoints", { name: "dead", url: `http://127.0.0.1:${await freePort()}/hook` });
    }
    const warmed = await warmUp(receiver, server.origin, account.key, timedPath, SOAK.perSecond, SOAK.warmUpSeconds, SOAK.connections);
    const offer = await offerEvents(server.origin, account.key, { perSecond: SOAK.perSecond, seconds, connections: SOAK.connections, body: eventBody("order.created") });
    const { lags, missing, slowestAt } = await deliveryLags(receiver, timedPath, offer.accepted, SOAK.drainMs, warmed);
    return { ...lagFigures(lags), missing, slowestAt, offer, rss: server.peakRss() };
  } finally {
    await server.stop();
  }
}

const failureText = (offer: OfferResult) =>
  offer.failed === 0
    ? "0"
    : `${offer.failed} (${Object.entries(offer.failures)
        .map(([why, count]) => `${why}: ${count}`)
        .join(", ")})`;

export async function deadEndpointSoak(receiver: BenchReceiver, newDatabase: NewDatabase, seconds: number): Promise<ScenarioResult> {
  const alone = await soakRun(receiver, newDatabase, seconds, false);
  const withDead = await soakRun(receiver, newDatabase, seconds, true);
  const ingestRatio = withDead.offer.acceptedPerS / SOAK.perSecond;
  const p99Ratio = withDead.p99 / alone.p99;
  const pass = withDead.offer.failed === 0 && ingestRatio >= SOAK.minIngestRatio && p99Ratio <= SOAK.maxP99Ratio;
  // The comparison means something only if the server kept up without the dead endpoint: took
  // the offered rate and delivered most events promptly (an overloaded machine shows as a
  // median lag of seconds; a p99 of seconds alone can be one stall in the run).
  const baselineKeptUp = alone.offer.acceptedPerS >= SOAK.minIngestRatio * SOAK.perSecond && alone.p50 <= LATENCY_TARGET_P99_MS;
  const apiP99 = (offer: OfferResult) => showMs(percentile(offer.responseMs, 99));
  return {
    json: {
      soak_offered_per_s: SOAK.perSecond,
      soak_seconds: seconds,
      soak_alone_ingest_per_s: Math.round(alone.offer.acceptedPerS),
      soak_alone_p50_ms: ms(alone.p50),
      soak_alone_p99_ms: ms(alone.p99),
      soak_failed_requests: withDead.offer.failed,
      soak_ingest_per_s: Math.round(withDead.offer.acceptedPerS),
      soak_ingest_ratio: Number(ingestRatio.toFixed(3)),
      soak_healthy_p50_ms: ms(withDead.p50),
      soak_healthy_p99_ms: ms(withDead.p99),
      soak_p99_ratio: Number.isFinite(p99Ratio) ? Number(p99Ratio.toFixed(2)) : null,
      soak_server_tree_rss_mb: Math.round(withDead.rss.tree),
      dead_endpoint: pass ? "PASS" : "MISS",
      soak_baseline_kept_up: baselineKeptUp ? "yes" : "no",
    },
    rows: [
      [`dead-endpoint soak: ${SOAK.perSecond} events/s for ${seconds} s`, "", ""],
      ["healthy endpoint alone:", "", ""],
      ["  events accepted/s", String(Math.round(alone.offer.acceptedPerS)), ""],
      ["  API requests failed", failureText(alone.offer), ""],
      ["  healthy lag p50 / p99 (202 → webhook arrival)", `${showMs(alone.p50)} / ${showMs(alone.p99)}`, ""],
      ["  slowest 1 % sent at (s into the run)", secondRanges(alone.slowestAt), ""],
      ["  API answer p99 (from scheduled send)", apiP99(alone.offer), ""],
      ["…beside an endpoint refusing connections:", "", ""],
      ["  events accepted/s", `${Math.round(withDead.offer.acceptedPerS)} (${(ingestRatio * 100).toFixed(1)} %)`, `≥ ${SOAK.minIngestRatio * 100} % offered`],
      ["  API requests failed", failureText(withDead.offer), "0"],
      ["  healthy lag p50 / p99", `${showMs(withDead.p50)} / ${showMs(withDead.p99)}`, ""],
      ["  healthy p99 / its p99 alone", Number.isFinite(p99Ratio) ? p99Ratio.toFixed(2) : "—", `≤ ${SOAK.maxP99Ratio}`],
      ["  healthy p50 / its p50 alone (not judged)", Number.isFinite(withDead.p50) ? (withDead.p50 / Math.max(1, alone.p50)).toFixed(1) : "—", ""],
      [`  healthy webhooks undelivered after ${SOAK.drainMs / 1000} s`, String(withDead.missing), ""],
      ["  slowest 1 % sent at (s into the run)", secondRanges(withDead.slowestAt), ""],
      ["  API answer p99 (from scheduled send)", apiP99(withDead.offer), ""],
      ["  server peak RSS (start script + server)", `${Math.round(withDead.rss.tree)} MB`, ""],
      ["dead-endpoint soak verdict", pass ? "PASS" : "MISS", ""],
      ...(baselineKeptUp
        ? []
        : ([[`  (alone, the server already missed the offered rate or lagged, p50 > ${LATENCY_TARGET_P99_MS} ms: the machine was too busy to judge)`, "", ""]] as Row[])),
    ],
  };
}
