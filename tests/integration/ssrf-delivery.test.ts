// The SSRF guard at delivery time: a host name is resolved when attempting, and an address the
// policy refuses is never connected to; the refusal is recorded as a failed attempt.
import { describe, expect, it } from "vitest";
import { createEvent } from "@/lib/events/queries";
import { deliveryIdOf, finishedDelivery, newAccount, newEndpoint, setUpHarness } from "../helpers/harness";

const harness = setUpHarness();

describe("SSRF guard at delivery time", () => {
  it("refuses a host name that resolves to loopback when no range is allowed", async () => {
    const receiver = await harness.startReceiver([{ status: 200 }]);
    const user = await newAccount();
    // A host name, not an IP literal: only the resolution at attempt time can catch it.
    const endpoint = await newEndpoint(user.id, `http://localhost:${receiver.port}/`);
    harness.startWorker({ allowedCidrs: [], schedule: [0, 20, 20] });

    const event = await createEvent(user.id, { type: "order.created", payload: "{}" });
    const delivery = await finishedDelivery(user.id, await deliveryIdOf(event.id, endpoint.id));

    expect(delivery.status).toBe("failed");
    expect(delivery.attemptLog.length).toBeGreaterThanOrEqual(1);
    for (const attempt of delivery.attemptLog) {
      expect(attempt.responseStatus).toBeNull();
      expect(attempt.error).toMatch(/^Blocked by policy/);
      expect(attempt.error).toMatch(/loopback/);
    }
    expect(delivery.lastError).toMatch(/^Blocked by policy/);
    expect(receiver.requests).toHaveLength(0);
  });

  it("refuses an IP-literal loopback URL too, without connecting", async () => {
    const receiver = await harness.startReceiver([{ status: 200 }]);
    const user = await newAccount();
    const endpoint = await newEndpoint(user.id, receiver.url);
    harness.startWorker({ allowedCidrs: [], schedule: [0] });

    const event = await createEvent(user.id, { type: "order.created", payload: "{}" });
    const delivery = await finishedDelivery(user.id, await deliveryIdOf(event.id, endpoint.id));

    expect(delivery.status).toBe("failed");
    expect(delivery.attempts).toBe(1);
    expect(delivery.attemptLog[0].error).toMatch(/^Blocked by policy/);
    expect(receiver.requests).toHaveLength(0);
  });

  it("control: the same host name is delivered to when loopback is allowed", async () => {
    const receiver = await harness.startReceiver([{ status: 200 }]);
    const user = await newAccount();
    const endpoint = await newEndpoint(user.id, `http://localhost:${receiver.port}/`);
    // localhost may resolve to ::1 first; the guard must hand the socket only checked addresses.
    const { parseCidrList } = await import("@/lib/webhooks/ssrf-guard");
    harness.startWorker({ allowedCidrs: parseCidrList("127.0.0.0/8"), schedule: [0, 20, 20] });

    const event = await createEvent(user.id, { type: "order.created", payload: "{}" });
    const delivery = await finishedDelivery(user.id, await deliveryIdOf(event.id, endpoint.id));

    expect(delivery.status).toBe("succeeded");
    expect(delivery.attempts).toBe(1);
    expect(receiver.requests).toHaveLength(1);
  });
});
