// The delivery contract end to end: real worker, real receivers on 127.0.0.1, real SQLite.
import { describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import { createEvent } from "@/lib/events/queries";
import { getDelivery } from "@/lib/deliveries/queries";
import { waitFor } from "../helpers/receiver";
import { deliveryIdOf, finishedDelivery, newAccount, newEndpoint, rawAttempts, rawDelivery, setUpHarness } from "../helpers/harness";

const harness = setUpHarness();

describe("retries until the receiver answers 2xx", () => {
  it("500, 500, 200: succeeds on the 3rd attempt, every request signed and identical in id", async () => {
    const receiver = await harness.startReceiver([{ status: 500, body: "boom" }, { status: 500 }, { status: 200, body: "ok" }]);
    const user = await newAccount();
    const endpoint = await newEndpoint(user.id, receiver.url);
    harness.startWorker({ schedule: [0, 50, 50, 50] });

    const payload = `{"orderId":42,"items":["a","b"],"note":"caf\u00e9 \u2713"}`;
    const event = await createEvent(user.id, { type: "order.created", payload });
    expect(event.deliveries).toBe(1);
    const delivery = await finishedDelivery(user.id, await deliveryIdOf(event.id, endpoint.id));

    expect(delivery.status).toBe("succeeded");
    expect(delivery.attempts).toBe(3);
    expect(delivery.lastStatusCode).toBe(200);
    expect(delivery.lastError).toBeNull();
    expect(delivery.nextAttemptAt).toBeNull();
    expect(delivery.attemptLog.map((attempt) => [attempt.number, attempt.responseStatus])).toEqual([
      [1, 500],
      [2, 500],
      [3, 200],
    ]);
    expect(delivery.attemptLog.map((attempt) => attempt.error)).toEqual(["HTTP 500", "HTTP 500", null]);
    expect(delivery.attemptLog[0].responseBody).toBe("boom");
    expect(delivery.attemptLog[2].responseBody).toBe("ok");

    expect(receiver.requests).toHaveLength(3);
    const webhook = new Webhook(endpoint.secret);
    for (const [index, request] of receiver.requests.entries()) {
      expect(request.method).toBe("POST");
      expect(request.headers["webhook-id"]).toBe(event.id);
      expect(request.headers["content-type"]).toBe("application/json");
      expect(request.headers["user-agent"]).toMatch(/^Hookline\/\d/);
      // Throws WebhookVerificationError on a bad signature or a stale timestamp.
      expect(() => webhook.verify(request.rawBody, request.headers)).not.toThrow();
      // A tampered body must not verify (the check above can fail).
      expect(() => webhook.verify(request.rawBody.replace("42", "43"), request.headers)).toThrow();

      const body = JSON.parse(request.rawBody) as { type: string; timestamp: string; data: unknown };
      expect(Object.keys(body).sort()).toEqual(["data", "timestamp", "type"]);
      expect(body.type).toBe("order.created");
      expect(body.timestamp).toBe(event.createdAt);
      expect(body.data).toEqual(JSON.parse(payload));

      // The attempt log records what was sent.
      const sent = delivery.attemptLog[index].requestHeaders;
      expect(sent["webhook-id"]).toBe(event.id);
      expect(sent["webhook-signature"]).toBe(request.headers["webhook-signature"]);
    }
    // The timestamp is this attempt's time, in Unix seconds, close to now.
    const stamps = receiver.requests.map((request) => Number(request.headers["webhook-timestamp"]));
    for (const stamp of stamps) expect(Math.abs(stamp - Date.now() / 1000)).toBeLessThan(300);
  });
});

describe("attempt timeout", () => {
  it("a receiver that never answers times out, the delivery is retried and succeeds once it answers", async () => {
    const receiver = await harness.startReceiver(["hang", { status: 204 }]);
    const user = await newAccount();
    const endpoint = await newEndpoint(user.id, receiver.url);
    // Long enough that a stall of this (shared, loaded) process cannot time out the 2nd attempt,
    // whose receiver answers at once: with 300 ms one did, and a 3rd attempt followed.
    harness.startWorker({ attemptTimeoutMs: 2_000, schedule: [0, 50, 50] });

    const event = await createEvent(user.id, { type: "slow.thing", payload: "{}" });
    const delivery = await finishedDelivery(user.id, await deliveryIdOf(event.id, endpoint.id));

    expect(delivery.status).toBe("succeeded");
    expect(delivery.attempts).toBe(2);
    const [first, second] = delivery.attemptLog;
    expect(first.number).toBe(1);
    expect(first.responseStatus).toBeNull();
    expect(first.error).toMatch(/timed out/i);
    expect(first.error).toContain("2000 ms");
    // A lower bound only: the attempt cannot have given up before its timeout.
    expect(first.durationMs).toBeGreaterThanOrEqual(1_950);
    expect(second.number).toBe(2);
    expect(second.responseStatus).toBe(204);
    expect(second.error).toBeNull();
    expect(receiver.requests).toHaveLength(2);
    expect(receiver.requests[1].headers["webhook-id"]).toBe(receiver.requests[0].headers["webhook-id"]);
  });

  it("a receiver that never answers fails the delivery once the schedule is used up", async () => {
    const receiver = await harness.startReceiver(["hang"]);
    const user = await newAccount();
    const endpoint = await newEndpoint(user.id, receiver.url);
    harness.startWorker({ attemptTimeoutMs: 300, schedule: [0, 50] });

    const event = await createEvent(user.id, { type: "slow.thing", payload: "{}" });
    const delivery = await finishedDelivery(user.id, await deliveryIdOf(event.id, endpoint.id));

    expect(delivery.status).toBe("failed");
    expect(delivery.attempts).toBe(2);
    expect(delivery.attemptLog.map((attempt) => attempt.responseStatus)).toEqual([null, null]);
    for (const attempt of delivery.attemptLog) expect(attempt.error).toMatch(/timed out/i);
    expect(delivery.lastError).toMatch(/timed out/i);
    expect(receiver.requests).toHaveLength(2);
  });
});

describe("redirects", () => {
  it("a 302 is a failure, is not followed, is retried and fails when the schedule is exhausted", async () => {
    const target = await harness.startReceiver([{ status: 200 }]);
    const receiver = await harness.startReceiver([{ status: 302, headers: { location: `${target.url}elsewhere` } }]);
    const user = await newAccount();
    const endpoint = await newEndpoint(user.id, receiver.url);
    harness.startWorker({ schedule: [0, 50, 50] });

    const event = await createEvent(user.id, { type: "order.created", payload: `{"n":1}` });
    const delivery = await finishedDelivery(user.id, await deliveryIdOf(event.id, endpoint.id));

    expect(delivery.status).toBe("failed");
    expect(delivery.attempts).toBe(3);
    expect(delivery.lastStatusCode).toBe(302);
    expect(delivery.attemptLog.map((attempt) => [attempt.number, attempt.responseStatus])).toEqual([
      [1, 302],
      [2, 302],
      [3, 302],
    ]);
    for (const attempt of delivery.attemptLog) {
      expect(attempt.error).toMatch(/redirects are not followed/i);
      expect(attempt.responseHeaders?.location).toBe(`${target.url}elsewhere`);
    }
    expect(receiver.requests).toHaveLength(3);
    expect(target.requests).toHaveLength(0);
  });
});

describe("Retry-After", () => {
  it("503 with Retry-After: 1 makes the next attempt due about 1 s later, not on the schedule", async () => {
    const receiver = await harness.startReceiver([{ status: 503, headers: { "retry-after": "1" } }, { status: 200 }]);
    const user = await newAccount();
    const endpoint = await newEndpoint(user.id, receiver.url);
    // On the schedule alone the retry would be due 50 ms (±20 %) later.
    const schedule = [0, 50, 50];
    const worker = harness.startWorker({ schedule });

    const event = await createEvent(user.id, { type: "busy.thing", payload: "{}" });
    const deliveryId = await deliveryIdOf(event.id, endpoint.id);
    await waitFor(() => receiver.requests.length >= 1, { what: "the first request" });
    // Stopping lets the in-flight attempt finish and be recorded, and nothing is claimed after,
    // so the rescheduled row can be read without racing the second attempt.
    await worker.stop(10_000);

    const row = await rawDelivery(deliveryId);
    const [first] = await rawAttempts(deliveryId);
    expect(row.status).toBe("pending");
    expect(row.attempts).toBe(1);
    expect(first.responseStatus).toBe(503);
    expect(row.nextAttemptAt).not.toBeNull();
    const delay = row.nextAttemptAt! - first.startedAt;
    // Due at least 1 s after the attempt began, and not absurdly later (generous: shared machine).
    expect(delay).toBeGreaterThanOrEqual(1000);
    expect(delay).toBeLessThan(1000 + 10_000);
    // Measured from when the outcome was recorded, exactly the requested second (no jitter).
    expect(row.nextAttemptAt! - row.updatedAt).toBe(1000);
    const pending = await getDelivery(user.id, deliveryId);
    expect(pending?.nextAttemptAt).toBe(new Date(row.nextAttemptAt!).toISOString());

    harness.startWorker({ schedule });
    const delivery = await finishedDelivery(user.id, deliveryId);
    expect(delivery.status).toBe("succeeded");
    expect(delivery.attempts).toBe(2);
    const second = (await rawAttempts(deliveryId))[1];
    // Not attempted before it was due.
    expect(second.startedAt).toBeGreaterThanOrEqual(row.nextAttemptAt!);
    expect(receiver.requests[1].receivedAt - receiver.requests[0].receivedAt).toBeGreaterThanOrEqual(900);
  });
});
