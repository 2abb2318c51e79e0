/**
 * The separate worker's own scrape target (`npm run worker` with HOOKLINE_WORKER_METRICS_PORT).
 * Its attempt counters, latency histogram and in-flight gauge live in its process, which serves
 * no other HTTP, so the web server's /api/metrics cannot report them. Same document and same
 * token rule as /api/metrics, at `GET /metrics`.
 */
import http from "node:http";
import { env } from "../env";
import { logger, pathOnly } from "../log";
import { metricsRequestAllowed, renderMetrics } from "./render";

export function serveMetrics(port: number): Promise<http.Server> {
  const server = http.createServer(async (request, response) => {
    if (request.method !== "GET" || pathOnly(request.url ?? "") !== "/metrics") {
      response.writeHead(404, { "content-type": "text/plain" }).end("Not found: metrics are at GET /metrics\n");
      return;
    }
    if (!metricsRequestAllowed(request.headers.authorization ?? null, env.HOOKLINE_METRICS_TOKEN)) {
      response.writeHead(401, { "content-type": "text/plain", "www-authenticate": 'Bearer realm="hookline-metrics"' }).end("Send the metrics token as Authorization: Bearer …\n");
      return;
    }
    try {
      const { contentType, body } = await renderMetrics();
      response.writeHead(200, { "content-type": contentType, "cache-control": "no-store" }).end(body);
    } catch (error) {
      logger.error({ err: error }, "could not render the worker's metrics");
      response.writeHead(500, { "content-type": "text/plain" }).end("Internal error; see the worker's log.\n");
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, () => resolve(server));
  });
}
