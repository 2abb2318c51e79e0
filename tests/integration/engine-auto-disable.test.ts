// SPEC §4 "Automatic disable": an endpoint whose attempts have all failed for long enough AND
// at least N times in a row is disabled with a visible reason; while disabled nothing is
// attempted; enabling it again clears the streak and resumes the deliveries that waited.
// The thresholds are lowered (3 failures, 0 ms) so the real worker gets there quickly.
import { describe, expect, it } from "vitest";
import { prisma } from "@/lib/db";
import { createEvent } from "@/lib/events/queries";
import { getEndpoint, listEndpoints, setEndpointEnabled } from "@/lib/endpoints/queries";
import { waitFor } from "../helpers/receiver";
import { deliveryIdOf, finishedDelivery, newAccount, newEndpoint, rawDelivery, setUpHarness } from "../helpers/harness";

const harness = setUpHarness();

/** Long enough that no delivery here runs out of attempts before the endpoint is disabled. */
const SCHEDULE = [0, 20, 20, 20, 20, 20, 20, 20];

function endpointHealth(endpointId: string) {
  return prisma.endpoint.findUniqueOrThrow({ where: { id: endpointId }, select: { enabled: true, consecutiveFailures: true, failingSince: true } });
}

describe("automatic disable after repeated failures", () => {
  it("3 failures in a row disable the endpoint with a reason; attempts stop; re-enabling clears the streak and resumes", async () => {
    const failing = await harness.startReceiver([{ status: 500, body: "down" }]);
    const healthy = await harness.startReceiver([{ status: 200 }]);
    const user = await newAccount();
    const endpoint = await newEndpoint(user.id, failing.url, "Failing");
    const control = await newEndpoint(user.id, healthy.url, "Healthy");
    const worker = harness.startWorker({ schedule: SCHEDULE, autoDisableMinFailures: 3, autoDisableAfterMs: 0 });

    const event = await createEvent(user.id, { type: "order.created", payload: `{"n":1}` }, { endpointId: endpoint.id });
    const deliveryId = await deliveryIdOf(event.id, endpoint.id);
    const disabled = await waitFor(
      async () => {
        const current = await getEndpoint(user.id, endpoint.id);
        return current && !current.enabled ? current : null;
      },
      { what: "the endpoint to be disabled" },
    );

    // Visible to the user, and says why.
    expect(disabled.disabledReason).toMatch(/3 in a row/);
    expect(disabled.disabledReason).toMatch(/failed/);
    expect(disabled.disabledReason).toMatch(/HTTP 500/);
    expect((await listEndpoints(user.id)).find((entry) => entry.id === endpoint.id)?.disabledReason).toBe(disabled.disabledReason);

    // Disabled by the 3rd failure exactly; the delivery waits with attempts left.
    expect(failing.requests).toHaveLength(3);
    const waiting = await rawDelivery(deliveryId);
    expect(waiting.status).toBe("pending");
    expect(waiting.attempts).toBe(3);
    expect((await endpointHealth(endpoint.id)).consecutiveFailures).toBe(3);

    // Attempts stop. Once the retry is due, a poll round (poke runs one synchronously) offers it
    // to the worker, which must skip it; a control delivery made after that round shows the
    // worker is alive and gives a wrongly claimed attempt time to arrive.
    await waitFor(() => Date.now() > waiting.nextAttemptAt! + 100, { what: "the retry to be due" });
    for (let round = 0; round < 3; round++) {
      worker.poke();
      const probe = await createEvent(user.id, { type: "probe", payload: `{"round":${round}}` }, { endpointId: control.id });
      expect((await finishedDelivery(user.id, await deliveryIdOf(probe.id, control.id))).status).toBe("succeeded");
    }
    expect(failing.requests).toHaveLength(3);
    expect(await rawDelivery(deliveryId)).toMatchObject({ status: "pending", attempts: 3 });
    // New events skip it while it is disabled.
    const fanOut = await createEvent(user.id, { type: "order.created", payload: `{"n":4}` });
    expect(fanOut.deliveries).toBe(1);
    await finishedDelivery(user.id, await deliveryIdOf(fanOut.id, control.id));

    // Next: one more failure, then success. With the streak cleared, one failure (1 < 3) must not
    // disable it again; had the old streak survived (4 ≥ 3) it would be disabled at once.
    failing.setScript((_request, index) => (index === 3 ? { status: 500 } : { status: 200 }));
    const enabled = await setEndpointEnabled(user.id, endpoint.id, true);
    expect(enabled?.enabled).toBe(true);
    expect(enabled?.disabledReason).toBeNull();
    expect(await endpointHealth(endpoint.id)).toMatchObject({ enabled: true, consecutiveFailures: 0, failingSince: null });

    const delivered = await finishedDelivery(user.id, deliveryId);
    expect(delivered.status).toBe("succeeded");
    expect(delivered.attemptLog.map((attempt) => attempt.responseStatus)).toEqual([500, 500, 500, 500, 200]);
    expect(failing.requests).toHaveLength(5);
    const final = await getEndpoint(user.id, endpoint.id);
    expect(final?.enabled).toBe(true);
    expect(final?.disabledReason).toBeNull();
    expect(await endpointHealth(endpoint.id)).toMatchObject({ consecutiveFailures: 0, failingSince: null });
  });

  it("a success in between resets the streak: 500, 500, 200, 500, 500, 200 never disables (min 3)", async () => {
    // Without the reset, the 4th request would make 3 failures "in a row" and disable it.
    const receiver = await harness.startReceiver((_request, index) => (index === 2 || index === 5 ? { status: 200 } : { status: 500 }));
    const user = await newAccount();
    const endpoint = await newEndpoint(user.id, receiver.url);
    harness.startWorker({ schedule: [0, 20, 20], autoDisableMinFailures: 3, autoDisableAfterMs: 0 });

    const first = await createEvent(user.id, { type: "order.created", payload: `{"n":1}` });
    const firstDelivery = await finishedDelivery(user.id, await deliveryIdOf(first.id, endpoint.id));
    expect(firstDelivery.attemptLog.map((attempt) => attempt.responseStatus)).toEqual([500, 500, 200]);
    expect(await endpointHealth(endpoint.id)).toMatchObject({ consecutiveFailures: 0, failingSince: null });

    // Created only after the first finished, so the requests arrive in the scripted order.
    const second = await createEvent(user.id, { type: "order.created", payload: `{"n":2}` });
    expect(second.deliveries).toBe(1);
    const secondDelivery = await finishedDelivery(user.id, await deliveryIdOf(second.id, endpoint.id));
    expect(secondDelivery.status).toBe("succeeded");
    expect(secondDelivery.attemptLog.map((attempt) => attempt.responseStatus)).toEqual([500, 500, 200]);

    const current = await getEndpoint(user.id, endpoint.id);
    expect(current?.enabled).toBe(true);
    expect(current?.disabledReason).toBeNull();
    expect(receiver.requests).toHaveLength(6);
  });

  it("both conditions are needed: the same failures within a 1 h window do not disable", async () => {
    const receiver = await harness.startReceiver([{ status: 500 }]);
    const user = await newAccount();
    const endpoint = await newEndpoint(user.id, receiver.url);
    harness.startWorker({ schedule: [0, 20, 20, 20, 20], autoDisableMinFailures: 3, autoDisableAfterMs: 60 * 60 * 1000 });

    const event = await createEvent(user.id, { type: "order.created", payload: "{}" });
    const delivery = await finishedDelivery(user.id, await deliveryIdOf(event.id, endpoint.id));

    // All five attempts were made (the endpoint was never disabled along the way)…
    expect(delivery.status).toBe("failed");
    expect(delivery.attempts).toBe(5);
    expect(receiver.requests).toHaveLength(5);
    // …and the streak was counted, just not old enough.
    const health = await endpointHealth(endpoint.id);
    expect(health.consecutiveFailures).toBe(5);
    expect(health.failingSince).not.toBeNull();
    const current = await getEndpoint(user.id, endpoint.id);
    expect(current?.enabled).toBe(true);
    expect(current?.disabledReason).toBeNull();
    // And it still gets new events.
    expect((await createEvent(user.id, { type: "order.created", payload: "{}" })).deliveries).toBe(1);
  });
});
