// SPEC §4: "Manual retry of one delivery (failed or succeeded: replay) and bulk 'recover failed
// since T'." The lib functions behind the dashboard buttons and the API, with the real worker
// doing the re-attempts against real receivers.
import { describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import { createEvent } from "@/lib/events/queries";
import { recoverFailedDeliveries } from "@/lib/endpoints/queries";
import { retryDelivery } from "@/lib/deliveries/queries";
import { waitFor, type RecordedRequest } from "../helpers/receiver";
import { deliveryIdOf, finishedDelivery, newAccount, newEndpoint, rawDelivery, setUpHarness } from "../helpers/harness";

const harness = setUpHarness();

/** The receiver answers with the status named in the event's data (`{"answer":500}`). */
function answerAsAsked(request: RecordedRequest) {
  const body = JSON.parse(request.rawBody) as { data: { answer?: number } };
  return { status: body.data.answer ?? 200 };
}

function countById(requests: RecordedRequest[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const request of requests) counts.set(request.headers["webhook-id"], (counts.get(request.headers["webhook-id"]) ?? 0) + 1);
  return counts;
}

describe("recover failed deliveries since a time", () => {
  it("re-queues exactly that endpoint's failed deliveries created at/after `since`, and the worker delivers them", async () => {
    const mainReceiver = await harness.startReceiver(answerAsAsked);
    const siblingReceiver = await harness.startReceiver(answerAsAsked);
    const foreignReceiver = await harness.startReceiver(answerAsAsked);
    const user = await newAccount("owner");
    const stranger = await newAccount("stranger");
    const main = await newEndpoint(user.id, mainReceiver.url, "Main");
    const sibling = await newEndpoint(user.id, siblingReceiver.url, "Sibling");
    const foreign = await newEndpoint(stranger.id, foreignReceiver.url, "Foreign");
    // One attempt each: a 500 fails the delivery at once.
    harness.startWorker({ schedule: [0] });

    const send = async (userId: string, endpointId: string, answer: number) => {
      const event = await createEvent(userId, { type: "order.created", payload: JSON.stringify({ answer }) }, { endpointId });
      const delivery = await finishedDelivery(userId, await deliveryIdOf(event.id, endpointId));
      expect(delivery.status).toBe(answer < 300 ? "succeeded" : "failed");
      return { eventId: event.id, deliveryId: delivery.id, createdAt: new Date(event.createdAt) };
    };

    const olderFailed = await send(user.id, main.id, 500);
    // `since` must be strictly after the older delivery's creation (millisecond timestamps).
    await waitFor(() => Date.now() > olderFailed.createdAt.getTime(), { what: "the clock to move on" });
    const recentFailed1 = await send(user.id, main.id, 500);
    const recentSucceeded = await send(user.id, main.id, 200);
    const recentFailed2 = await send(user.id, main.id, 503);
    const siblingFailed = await send(user.id, sibling.id, 500);
    const foreignFailed = await send(stranger.id, foreign.id, 500);
    // "At/after": `since` is exactly the first recent delivery's creation time.
    const since = recentFailed1.createdAt;
    expect(olderFailed.createdAt.getTime()).toBeLessThan(since.getTime());

    // Every receiver now answers 200, whatever was asked.
    for (const receiver of [mainReceiver, siblingReceiver, foreignReceiver]) receiver.setScript([{ status: 200 }]);

    // Another account cannot recover this endpoint, nor the owner someone else's.
    expect(await recoverFailedDeliveries(stranger.id, main.id, since)).toBeNull();
    expect(await recoverFailedDeliveries(user.id, foreign.id, since)).toBeNull();
    expect(await recoverFailedDeliveries(user.id, "ep_doesnotexist", since)).toBeNull();
    expect((await rawDelivery(recentFailed1.deliveryId)).status).toBe("failed");
    expect((await rawDelivery(foreignFailed.deliveryId)).status).toBe("failed");

    expect(await recoverFailedDeliveries(user.id, main.id, since)).toBe(2);
    // Only those two were touched (read at once, before the worker can change anything else).
    expect(await rawDelivery(olderFailed.deliveryId)).toMatchObject({ status: "failed", attempts: 1 });
    expect(await rawDelivery(recentSucceeded.deliveryId)).toMatchObject({ status: "succeeded", attempts: 1 });
    expect(await rawDelivery(siblingFailed.deliveryId)).toMatchObject({ status: "failed", attempts: 1 });
    expect(await rawDelivery(foreignFailed.deliveryId)).toMatchObject({ status: "failed", attempts: 1 });

    for (const recovered of [recentFailed1, recentFailed2]) {
      const delivery = await finishedDelivery(user.id, recovered.deliveryId);
      expect(delivery.status).toBe("succeeded");
      expect(delivery.attempts).toBe(2);
      expect(delivery.attemptLog.map((attempt) => attempt.responseStatus)).toEqual([recovered === recentFailed1 ? 500 : 503, 200]);
    }

    // Nothing is left to recover; and nothing else was sent again.
    expect(await recoverFailedDeliveries(user.id, main.id, since)).toBe(0);
    const sent = countById(mainReceiver.requests);
    expect(Object.fromEntries(sent)).toEqual({
      [olderFailed.eventId]: 1,
      [recentFailed1.eventId]: 2,
      [recentSucceeded.eventId]: 1,
      [recentFailed2.eventId]: 2,
    });
    expect(siblingReceiver.requests).toHaveLength(1);
    expect(foreignReceiver.requests).toHaveLength(1);
    expect((await rawDelivery(olderFailed.deliveryId)).status).toBe("failed");
  });
});

describe("manual retry of one delivery", () => {
  it("a failed delivery gets one more attempt and can succeed", async () => {
    const receiver = await harness.startReceiver([{ status: 500 }, { status: 200 }]);
    const user = await newAccount();
    const endpoint = await newEndpoint(user.id, receiver.url);
    harness.startWorker({ schedule: [0] });

    const event = await createEvent(user.id, { type: "order.created", payload: `{"id":7}` });
    const deliveryId = await deliveryIdOf(event.id, endpoint.id);
    expect((await finishedDelivery(user.id, deliveryId)).status).toBe("failed");

    const result = await retryDelivery(user.id, deliveryId);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.delivery.id).toBe(deliveryId);
      expect(result.delivery.status).toBe("pending");
    }
    const delivery = await finishedDelivery(user.id, deliveryId);
    expect(delivery.status).toBe("succeeded");
    expect(delivery.attempts).toBe(2);
    expect(delivery.attemptLog.map((attempt) => [attempt.number, attempt.responseStatus])).toEqual([
      [1, 500],
      [2, 200],
    ]);
    expect(delivery.lastError).toBeNull();
    expect(receiver.requests.map((request) => request.headers["webhook-id"])).toEqual([event.id, event.id]);
  });

  it("a succeeded delivery is replayed: the receiver sees the same webhook-id again, correctly signed", async () => {
    const receiver = await harness.startReceiver([{ status: 200 }]);
    const user = await newAccount();
    const endpoint = await newEndpoint(user.id, receiver.url);
    harness.startWorker({ schedule: [0] });

    const event = await createEvent(user.id, { type: "order.created", payload: `{"id":8}` });
    const deliveryId = await deliveryIdOf(event.id, endpoint.id);
    expect((await finishedDelivery(user.id, deliveryId)).attempts).toBe(1);

    const result = await retryDelivery(user.id, deliveryId);
    expect(result.ok).toBe(true);
    const replayed = await finishedDelivery(user.id, deliveryId);
    expect(replayed.status).toBe("succeeded");
    expect(replayed.attempts).toBe(2);
    expect(replayed.attemptLog.map((attempt) => attempt.responseStatus)).toEqual([200, 200]);

    expect(receiver.requests).toHaveLength(2);
    const [original, replay] = receiver.requests;
    expect(replay.headers["webhook-id"]).toBe(event.id);
    expect(replay.headers["webhook-id"]).toBe(original.headers["webhook-id"]);
    expect(replay.rawBody).toBe(original.rawBody);
    expect(() => new Webhook(endpoint.secret).verify(replay.rawBody, replay.headers)).not.toThrow();
  });

  it("a pending or in-flight delivery is left alone (in_progress)", async () => {
    const receiver = await harness.startReceiver(["hang"]);
    const user = await newAccount();
    const endpoint = await newEndpoint(user.id, receiver.url);

    // Pending: no worker yet, so it waits.
    const event = await createEvent(user.id, { type: "order.created", payload: "{}" });
    const deliveryId = await deliveryIdOf(event.id, endpoint.id);
    expect(await retryDelivery(user.id, deliveryId)).toEqual({ ok: false, reason: "in_progress" });
    expect(await rawDelivery(deliveryId)).toMatchObject({ status: "pending", attempts: 0 });

    // In flight: the receiver holds the request open.
    harness.startWorker({ schedule: [0], attemptTimeoutMs: 20_000 });
    await waitFor(() => receiver.requests.length === 1, { what: "the attempt to reach the receiver" });
    expect(await rawDelivery(deliveryId)).toMatchObject({ status: "delivering", attempts: 1 });
    expect(await retryDelivery(user.id, deliveryId)).toEqual({ ok: false, reason: "in_progress" });
    expect(await rawDelivery(deliveryId)).toMatchObject({ status: "delivering", attempts: 1 });
  });

  it("another account's delivery is not found, and stays as it was", async () => {
    const receiver = await harness.startReceiver([{ status: 500 }]);
    const owner = await newAccount("owner");
    const stranger = await newAccount("stranger");
    const endpoint = await newEndpoint(owner.id, receiver.url);
    harness.startWorker({ schedule: [0] });

    const event = await createEvent(owner.id, { type: "order.created", payload: "{}" });
    const deliveryId = await deliveryIdOf(event.id, endpoint.id);
    expect((await finishedDelivery(owner.id, deliveryId)).status).toBe("failed");

    expect(await retryDelivery(stranger.id, deliveryId)).toEqual({ ok: false, reason: "not_found" });
    expect(await retryDelivery(stranger.id, "dlv_doesnotexist")).toEqual({ ok: false, reason: "not_found" });
    expect(await rawDelivery(deliveryId)).toMatchObject({ status: "failed", attempts: 1 });
    // Control: the owner can.
    expect((await retryDelivery(owner.id, deliveryId)).ok).toBe(true);
    await waitFor(() => receiver.requests.length === 2, { what: "the owner's retry" });
  });
});
