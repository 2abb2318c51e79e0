// What the worker reads back: at most 64 KiB of a response body, and never longer than the
// attempt timeout, even from a receiver that keeps trickling bytes.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createEvent } from "@/lib/events/queries";
import { MAX_RESPONSE_BODY_BYTES } from "@/lib/webhooks/send";
import { deliveryIdOf, finishedDelivery, newAccount, newEndpoint, setUpHarness } from "../helpers/harness";

const harness = setUpHarness();
const servers: http.Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

describe("reading responses", () => {
  it("keeps the first 64 KiB of a large response body", async () => {
    const url = await serve((req, res) => {
      req.resume();
      req.on("end", () => res.writeHead(200, { "content-type": "text/plain" }).end("x".repeat(200 * 1024)));
    });
    const account = await newAccount();
    const endpoint = await newEndpoint(account.id, url);
    harness.startWorker({ schedule: [0] });
    const event = await createEvent(account.id, { type: "order.created", payload: "{}" });
    const delivery = await finishedDelivery(account.id, await deliveryIdOf(event.id, endpoint.id));
    expect(delivery.status).toBe("succeeded");
    expect(delivery.attemptLog[0].responseBody).toHaveLength(MAX_RESPONSE_BODY_BYTES);
  });

  it("ends an attempt at the timeout even while the body keeps trickling in", async () => {
    const url = await serve((req, res) => {
      req.resume();
      req.on("end", () => {
        // Status 500 first, then a byte every 50 ms for 20 s: never idle, never finished.
        res.writeHead(500, { "content-type": "text/plain" });
        const timer = setInterval(() => res.write("."), 50);
        res.on("close", () => clearInterval(timer));
        setTimeout(() => res.end(), 20_000).unref();
      });
    });
    const account = await newAccount();
    const endpoint = await newEndpoint(account.id, url);
    // Short of the 20 s trickle, but long enough that a stall of this (shared, loaded) process
    // before the status line is read cannot time the attempt out first: with 600 ms one did, and
    // the attempt had no status.
    harness.startWorker({ schedule: [0], attemptTimeoutMs: 2_000 });
    const event = await createEvent(account.id, { type: "order.created", payload: "{}" });
    const delivery = await finishedDelivery(account.id, await deliveryIdOf(event.id, endpoint.id));
    const [attempt] = delivery.attemptLog;
    expect(delivery.status).toBe("failed");
    expect(attempt.responseStatus).toBe(500);
    expect(attempt.error).toMatch(/Timed out after 2000 ms/);
    // Bounded by the timeout, not by the 20 s the receiver would have taken.
    expect(attempt.durationMs).toBeLessThan(10_000);
  });
});
