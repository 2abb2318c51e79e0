/**
 * SPEC §5: "A restart loses nothing. SIGTERM finishes or releases in-flight work."
 * Runs the real server (`node scripts/start.mjs` → `next start` with the worker inside) on this
 * test file's database, and stops it with SIGTERM while a delivery is in flight.
 * Needs a production build (`npm test` makes one before running this suite).
 */
import { afterEach, describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import { createEvent } from "@/lib/events/queries";
import { deliveryIdOf, finishedDelivery, newAccount, newEndpoint, rawAttempts, rawDelivery } from "../helpers/harness";
import { startReceiver, waitFor, type Receiver } from "../helpers/receiver";
import { freePort, startServer, startWorkerProcess, stopServersAfterEach } from "../helpers/server";

stopServersAfterEach();
const receivers: Receiver[] = [];

afterEach(async () => {
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
});

describe("stopping the server with SIGTERM", () => {
  it("releases a delivery stuck in flight, and the restarted server completes it", async () => {
    // The first request hangs until the server gives up on it; later ones succeed.
    const receiver = await startReceiver((_request, index) => (index === 0 ? "hang" : { status: 200 }));
    receivers.push(receiver);
    const account = await newAccount();
    const endpoint = await newEndpoint(account.id, receiver.url);
    const port = await freePort();

    const first = await startServer({ HOOKLINE_SHUTDOWN_GRACE_MS: "500" }, port);
    const event = await createEvent(account.id, { type: "order.created", payload: '{"order":42}' });
    const deliveryId = await deliveryIdOf(event.id, endpoint.id);
    await waitFor(() => receiver.requests.length === 1, { timeoutMs: 10_000, what: "the first attempt to arrive" });

    first.process.kill("SIGTERM");
    expect(await first.exited).toBe(0);
    expect(first.output()).toContain("finishing in-flight deliveries");

    // Released, not lost: pending again, due now, with the cut-short attempt on record.
    const released = await rawDelivery(deliveryId);
    expect(released.status).toBe("pending");
    expect(released.lockedBy).toBeNull();
    expect(await rawAttempts(deliveryId)).toEqual([expect.objectContaining({ number: 1, responseStatus: null, error: expect.stringMatching(/^Interrupted/) })]);

    await startServer({}, port);
    const delivery = await finishedDelivery(account.id, deliveryId, 20_000);
    expect(delivery.status).toBe("succeeded");
    expect(delivery.attemptLog.map((attempt) => attempt.responseStatus)).toEqual([null, 200]);
    expect(receiver.requests).toHaveLength(2);
    expect(receiver.requests[1].headers["webhook-id"]).toBe(event.id);
    expect(() => new Webhook(endpoint.secret).verify(receiver.requests[1].rawBody, receiver.requests[1].headers)).not.toThrow();
  }, 120_000);

  it("lets an attempt that answers within the grace period finish before exiting", async () => {
    // Every request hangs until the test answers it, after SIGTERM was sent.
    const receiver = await startReceiver(() => "hang");
    receivers.push(receiver);
    const account = await newAccount();
    const endpoint = await newEndpoint(account.id, receiver.url);
    const server = await startServer({ HOOKLINE_SHUTDOWN_GRACE_MS: "10000" });

    const event = await createEvent(account.id, { type: "order.created", payload: "{}" });
    const deliveryId = await deliveryIdOf(event.id, endpoint.id);
    await waitFor(() => receiver.requests.length === 1, { timeoutMs: 10_000, what: "the attempt to arrive" });

    server.process.kill("SIGTERM");
    await waitFor(() => server.output().includes("finishing in-flight deliveries"), { what: "shutdown to begin" });
    receiver.answerHanging({ status: 204 });
    expect(await server.exited).toBe(0);

    const delivery = await rawDelivery(deliveryId);
    expect(delivery.status).toBe("succeeded");
    expect(await rawAttempts(deliveryId)).toEqual([expect.objectContaining({ number: 1, responseStatus: 204, error: null })]);
    expect(receiver.requests).toHaveLength(1);
  }, 120_000);
});

describe("running the worker as its own process", () => {
  it("HOOKLINE_WORKER=off keeps the server from delivering; `npm run worker` then picks the work up", async () => {
    const receiver = await startReceiver([{ status: 200 }]);
    receivers.push(receiver);
    const account = await newAccount();
    const endpoint = await newEndpoint(account.id, receiver.url);
    await startServer({ HOOKLINE_WORKER: "off" });

    const event = await createEvent(account.id, { type: "order.created", payload: "{}" });
    const deliveryId = await deliveryIdOf(event.id, endpoint.id);
    // Several poll intervals (100 ms here) pass with nobody delivering.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(receiver.requests).toHaveLength(0);
    expect((await rawDelivery(deliveryId)).status).toBe("pending");

    const worker = await startWorkerProcess({ HOOKLINE_POLL_INTERVAL_MS: "100" });
    const delivery = await finishedDelivery(account.id, deliveryId, 30_000);
    expect(delivery.status, worker.output()).toBe("succeeded");
    expect(receiver.requests).toHaveLength(1);
  }, 120_000);
});
