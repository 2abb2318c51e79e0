// An endpoint's optional rate limit caps how many attempts start per second.
import { describe, expect, it } from "vitest";
import { prisma } from "@/lib/db";
import { createEvent } from "@/lib/events/queries";
import { newAccount, newEndpoint, setUpHarness } from "../helpers/harness";
import { waitFor } from "../helpers/receiver";

const harness = setUpHarness();

/**
 * When each attempt towards the endpoint started, as the workers recorded it, once all `count`
 * are recorded (arrival times at the receiver also carry the network's and the scheduler's jitter).
 */

/**
 * The bucket grants tokens when deliveries are claimed; an attempt starts a little later, and on
 * a loaded machine the first ones (a cold connection, a busy event loop) up to a few hundred ms
 * later than the last. So a span that needs 2 s of refill is checked with this much slack: still
 * far from the ~1 s a limiter granting even 50 % too many would show.
 */
const START_JITTER_MS = 500;
async function attemptStarts(endpointId: string, count: number): Promise<number[]> {
  const attempts = await waitFor(
    async () => {
      const rows = await prisma.attempt.findMany({ where: { delivery: { endpointId } }, select: { startedAt: true } });
      return rows.length === count ? rows : null;
    },
    { what: `${count} recorded attempts` },
  );
  return attempts.map((attempt) => attempt.startedAt.getTime()).sort((a, b) => a - b);
}

describe("per-endpoint rate limit", () => {
  it("spreads a burst of events out at the endpoint's rate, without slowing other endpoints", async () => {
    const limited = await harness.startReceiver([{ status: 200 }]);
    const free = await harness.startReceiver([{ status: 200 }]);
    const account = await newAccount();
    const limitedEndpoint = await newEndpoint(account.id, limited.url, "Limited");
    await newEndpoint(account.id, free.url, "Free");
    await prisma.endpoint.update({ where: { id: limitedEndpoint.id }, data: { rateLimitPerSecond: 5 } });
    harness.startWorker({ pollIntervalMs: 50 });

    // At once (one group commit), so the burst really is a burst however slow the disk is.
    await Promise.all(Array.from({ length: 15 }, (_, i) => createEvent(account.id, { type: "order.created", payload: `{"n":${i}}` })));

    // The free endpoint is not held back by its neighbour's limit.
    await waitFor(() => free.requests.length === 15, { timeoutMs: 10_000, what: "the free endpoint's 15 requests" });
    expect(limited.requests.length).toBeLessThan(15);

    await waitFor(() => limited.requests.length === 15, { timeoutMs: 15_000, what: "the limited endpoint's 15 requests" });
    const times = await attemptStarts(limitedEndpoint.id, 15);
    // A burst of 5, then 5 per second: 15 attempts need at least 2 seconds.
    expect(times[14] - times[0]).toBeGreaterThanOrEqual(2000 - START_JITTER_MS);
    // No one-second window holds more than the burst plus one second of refill.
    for (let i = 0; i < times.length; i++) {
      expect(times.filter((t) => t >= times[i] && t < times[i] + 1000).length).toBeLessThanOrEqual(10);
    }
  });

  it("holds across workers: three workers together start no more than the endpoint's rate", async () => {
    const limited = await harness.startReceiver([{ status: 200 }]);
    const account = await newAccount();
    const endpoint = await newEndpoint(account.id, limited.url, "Limited");
    await prisma.endpoint.update({ where: { id: endpoint.id }, data: { rateLimitPerSecond: 4 } });
    // The bucket lives on the endpoint's row, so each worker takes from the same one.
    for (let i = 0; i < 3; i++) harness.startWorker({ pollIntervalMs: 20 });

    await Promise.all(Array.from({ length: 12 }, (_, i) => createEvent(account.id, { type: "order.created", payload: `{"n":${i}}` })));

    await waitFor(() => limited.requests.length === 12, { timeoutMs: 15_000, what: "the limited endpoint's 12 requests" });
    const times = await attemptStarts(endpoint.id, 12);
    // A burst of 4, then 4 per second: 12 attempts need at least 2 seconds, whatever the number of workers.
    expect(times[11] - times[0]).toBeGreaterThanOrEqual(2000 - START_JITTER_MS);
    for (let i = 0; i < times.length; i++) {
      expect(times.filter((t) => t >= times[i] && t < times[i] + 1000).length).toBeLessThanOrEqual(8);
    }
  });
});
