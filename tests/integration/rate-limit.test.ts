// An endpoint's optional rate limit caps how many attempts start per second.
import { describe, expect, it } from "vitest";
import { prisma } from "@/lib/db";
import { createEvent } from "@/lib/events/queries";
import { newAccount, newEndpoint, setUpHarness } from "../helpers/harness";
import { waitFor } from "../helpers/receiver";

const harness = setUpHarness();

describe("per-endpoint rate limit", () => {
  it("spreads a burst of events out at the endpoint's rate, without slowing other endpoints", async () => {
    const limited = await harness.startReceiver([{ status: 200 }]);
    const free = await harness.startReceiver([{ status: 200 }]);
    const account = await newAccount();
    const limitedEndpoint = await newEndpoint(account.id, limited.url, "Limited");
    await newEndpoint(account.id, free.url, "Free");
    await prisma.endpoint.update({ where: { id: limitedEndpoint.id }, data: { rateLimitPerSecond: 5 } });
    harness.startWorker({ pollIntervalMs: 50 });

    for (let i = 0; i < 15; i++) await createEvent(account.id, { type: "order.created", payload: `{"n":${i}}` });

    // The free endpoint is not held back by its neighbour's limit.
    await waitFor(() => free.requests.length === 15, { timeoutMs: 10_000, what: "the free endpoint's 15 requests" });
    expect(limited.requests.length).toBeLessThan(15);

    await waitFor(() => limited.requests.length === 15, { timeoutMs: 15_000, what: "the limited endpoint's 15 requests" });
    const times = limited.requests.map((request) => request.receivedAt);
    // A burst of 5, then 5 per second: 15 requests need at least 2 seconds.
    expect(times[14] - times[0]).toBeGreaterThanOrEqual(1800);
    // No one-second window holds more than the burst plus one second of refill.
    for (let i = 0; i < times.length; i++) {
      expect(times.filter((t) => t >= times[i] && t < times[i] + 1000).length).toBeLessThanOrEqual(10);
    }
  });
});
