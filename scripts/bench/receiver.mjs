// Benchmark receiver: answers every POST with 200 at once, except under /slow, where it never
// answers (the "dead endpoint"). Runs in its own process, on 127.0.0.1 only; prints its port.
import http from "node:http";

const server = http.createServer((req, res) => {
  if (req.url?.startsWith("/slow")) {
    req.resume();
    return; // never answered: the sender's timeout decides
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
