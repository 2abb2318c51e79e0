// 410 Gone: the receiver has told us to stop, so the delivery fails and the endpoint is disabled.
import { describe, expect, it } from "vitest";
import { prisma } from "@/lib/db";
import { newId } from "@/lib/ids";
import { createEvent, sendTestEvent } from "@/lib/events/queries";
import { getEndpoint, listEndpoints } from "@/lib/endpoints/queries";
import { listDeliveries } from "@/lib/deliveries/queries";
import { waitFor } from "../helpers/receiver";
import { deliveryIdOf, finishedDelivery, newAccount, newEndpoint, rawDelivery, setUpHarness } from "../helpers/harness";

const harness = setUpHarness();

describe("410 Gone", () => {
  it("fails the delivery after one attempt, disables the endpoint, and nothing more reaches it", async () => {
    const gone = await harness.startReceiver([{ status: 410, body: "no such hook" }]);
    const healthy = await harness.startReceiver([{ status: 200 }]);
    const user = await newAccount();
    const goneEndpoint = await newEndpoint(user.id, gone.url, "Gone");
    const healthyEndpoint = await newEndpoint(user.id, healthy.url, "Healthy");
    // A long schedule: if 410 were treated as retryable the test would see a second attempt.
    const worker = harness.startWorker({ schedule: [0, 20, 20, 20] });

    const first = await createEvent(user.id, { type: "order.created", payload: `{"n":1}` });
    expect(first.deliveries).toBe(2);
    const delivery = await finishedDelivery(user.id, await deliveryIdOf(first.id, goneEndpoint.id));
    await finishedDelivery(user.id, await deliveryIdOf(first.id, healthyEndpoint.id));

    expect(delivery.status).toBe("failed");
    expect(delivery.attempts).toBe(1);
    expect(delivery.lastStatusCode).toBe(410);
    expect(delivery.attemptLog).toHaveLength(1);
    expect(delivery.attemptLog[0].responseStatus).toBe(410);
    expect(delivery.attemptLog[0].error).toMatch(/410/);
    expect(gone.requests).toHaveLength(1);

    const endpoint = await getEndpoint(user.id, goneEndpoint.id);
    expect(endpoint?.enabled).toBe(false);
    expect(endpoint?.disabledReason).toEqual(expect.stringMatching(/\S/));
    expect((await getEndpoint(user.id, healthyEndpoint.id))?.enabled).toBe(true);
    // Still listed (disabled, not deleted), with its reason visible.
    const listed = (await listEndpoints(user.id)).find((entry) => entry.id === goneEndpoint.id);
    expect(listed?.disabledReason).toBe(endpoint?.disabledReason);

    // A delivery that was already queued to it (created before it was disabled) is not attempted.
    const queuedEvent = await createEvent(user.id, { type: "order.created", payload: `{"n":2}` }, { endpointId: healthyEndpoint.id });
    const queuedId = newId("dlv");
    await prisma.delivery.create({
      data: { id: queuedId, userId: user.id, eventId: queuedEvent.id, endpointId: goneEndpoint.id, status: "pending", nextAttemptAt: new Date() },
    });

    // Later events skip it; the healthy endpoint's deliveries show the worker is still working.
    const later = await createEvent(user.id, { type: "order.created", payload: `{"n":3}` });
    const test = await sendTestEvent(user.id, goneEndpoint.id);
    worker.poke();
    await waitFor(() => healthy.requests.length >= 3, { what: "the healthy endpoint to get all three events" });
    await finishedDelivery(user.id, await deliveryIdOf(later.id, healthyEndpoint.id));
    // One more poll round after the healthy work is done, for anything still claimable.
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(later.deliveries).toBe(1);
    expect(test).toBe("disabled");
    expect(gone.requests).toHaveLength(1);
    const queued = await rawDelivery(queuedId);
    expect(queued.status).toBe("pending");
    expect(queued.attempts).toBe(0);
    const toGone = await listDeliveries(user.id, { endpointId: goneEndpoint.id });
    expect(toGone.data.map((row) => [row.id, row.attempts])).toEqual([
      [queuedId, 0],
      [delivery.id, 1],
    ]);
  });
});
