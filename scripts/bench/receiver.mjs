// Benchmark receiver: answers every POST with 200 at once, except under /slow, where it never
// answers (the "dead endpoint"). Runs in its own process, on 127.0.0.1 only; prints its port.
//
// Under /timed/ it also notes when each webhook first arrived, by `webhook-id` (the event id),
// on the clock the benchmark's client uses for "202 received" (performance.timeOrigin +
// performance.now(), the same wall clock in every process on the machine), so delivery lag can
// be measured across processes: GET /arrivals?path=/timed/x answers [[id, ms], …] and
// GET /arrivals/count?path=/timed/x how many ids arrived there.
import http from "node:http";

/** path → (webhook-id → first arrival, ms). A retry of the same id keeps the first time. */
const arrivals = new Map();
const now = () => performance.timeOrigin + performance.now();

function answerArrivals(req, res) {
  const url = new URL(req.url, "http://receiver");
  const seen = arrivals.get(url.searchParams.get("path")) ?? new Map();
  const body = url.pathname === "/arrivals/count" ? String(seen.size) : JSON.stringify([...seen]);
  res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

const server = http.createServer((req, res) => {
  if (req.method === "GET" && req.url?.startsWith("/arrivals")) return answerArrivals(req, res);
  if (req.url?.startsWith("/slow")) {
    req.resume();
    return; // never answered: the sender's timeout decides
  }
  if (req.url?.startsWith("/timed/")) {
    const at = now();
    const id = req.headers["webhook-id"];
    let seen = arrivals.get(req.url);
    if (!seen) arrivals.set(req.url, (seen = new Map()));
    if (typeof id === "string" && !seen.has(id)) seen.set(id, at);
  }
  req.on("data", () => {});
  req.on("end", () => {
    res.writeHead(200, { "content-type": "text/plain", "content-length": "2" });
    res.end("ok");
  });
});
server.keepAliveTimeout = 60_000;
server.headersTimeout = 65_000;
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${server.address().port}\n`);
});
process.on("SIGTERM", () => process.exit(0));
