/**
 * The dispatcher a Node team would write instead of Hookline, for the benchmark's comparison
 * (scripts/bench/bullmq.ts forks it): a BullMQ Worker on Redis, in its own process as Hookline's
 * worker is. Minimal but honest: for each job it signs the body (Standard Webhooks, the same
 * lib/webhooks/sign.ts), POSTs it over a keep-alive undici Agent with the bench's 10 s attempt
 * timeout, and throws on anything but a 2xx, so BullMQ retries it with the attempts and backoff
 * the producer set (defaultJobOptions in scripts/bench/bullmq.ts). What it returns (status and
 * duration) BullMQ stores on the completed job: that job hash is the delivery's record.
 *
 * Config: one JSON argument `{ port, queue, concurrency, secrets: { url: signing secret } }`;
 * the endpoints' secrets are loaded once at start, as such a dispatcher would read its
 * endpoints from its own database. IPC: replies `{ ready }` once the Worker is connected, and
 * closes the Worker (waiting for jobs in flight) and exits on `{ cmd: "stop" }`.
 */
import { Worker, type Job } from "bullmq";
import { Agent, request } from "undici";
import { signatureHeaders } from "../../lib/webhooks/sign";
import { USER_AGENT } from "../../lib/version";

export interface DispatcherConfig {
  port: number;
  queue: string;
  concurrency: number;
  secrets: Record<string, string>;
}

/** One webhook to send: where, the message id (webhook-id, the same across retries), the body as sent. */
export interface WebhookJob {
  url: string;
  webhookId: string;
  body: string;
}

const config = JSON.parse(process.argv[2]) as DispatcherConfig;
const ATTEMPT_TIMEOUT_MS = 10_000;
const agent = new Agent({ keepAliveTimeout: 60_000, headersTimeout: ATTEMPT_TIMEOUT_MS, bodyTimeout: ATTEMPT_TIMEOUT_MS });

async function deliver(job: Job<WebhookJob>): Promise<{ status: number; durationMs: number }> {
  const { url, webhookId, body } = job.data;
  const secret = config.secrets[url];
  if (!secret) throw new Error(`no signing secret for ${url}`);
  const started = performance.now();
  const response = await request(url, {
    method: "POST",
    dispatcher: agent,
    headers: {
      "content-type": "application/json",
      "user-agent": USER_AGENT,
      ...signatureHeaders([secret], webhookId, Math.floor(Date.now() / 1000), body),
    },
    body,
  });
  await response.body.dump();
  if (response.statusCode < 200 || response.statusCode >= 300) throw new Error(`endpoint answered ${response.statusCode}`);
  return { status: response.statusCode, durationMs: Math.round(performance.now() - started) };
}

const worker = new Worker<WebhookJob>(config.queue, deliver, {
  connection: { host: "127.0.0.1", port: config.port, maxRetriesPerRequest: null },
  concurrency: config.concurrency,
});
worker.on("error", (error) => console.error("[bullmq dispatcher]", error));

process.on("message", async (message: { cmd: string }) => {
  if (message.cmd !== "stop") return;
  await worker.close();
  await agent.close();
  process.send!({ stopped: true });
  process.exit(0);
});
worker.waitUntilReady().then(() => process.send!({ ready: true }));
