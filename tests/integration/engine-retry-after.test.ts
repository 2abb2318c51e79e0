// SPEC §4: "on 429/503 a `Retry-After` (seconds or HTTP date) is honoured, capped at 24 h".
// Real worker, real receiver; the schedule is deliberately short (50 ms), so a retry due seconds
// or hours later can only come from the receiver's Retry-After.
import { describe, expect, it } from "vitest";
import { createEvent } from "@/lib/events/queries";
import { getDelivery } from "@/lib/deliveries/queries";
import { waitFor } from "../helpers/receiver";
import { deliveryIdOf, finishedDelivery, newAccount, newEndpoint, rawAttempts, rawDelivery, setUpHarness } from "../helpers/harness";

const harness = setUpHarness();

const SCHEDULE = [0, 50, 50, 50];
const DAY_MS = 24 * 60 * 60 * 1000;

describe("Retry-After as an HTTP date", () => {
  it("429 with a date ~2 s ahead: the next attempt is due at that date, not on the 50 ms schedule", async () => {
    // The date is computed when the request arrives, so slow set-up cannot eat into it.
    const sentDates: string[] = [];
    const receiver = await harness.startReceiver((_request, index) => {
      if (index > 0) return { status: 200 };
      const date = new Date(Date.now() + 2000).toUTCString();
      sentDates.push(date);
      return { status: 429, headers: { "retry-after": date } };
    });
    const user = await newAccount();
    const endpoint = await newEndpoint(user.id, receiver.url);
    const worker = harness.startWorker({ schedule: SCHEDULE });

    const event = await createEvent(user.id, { type: "rate.limited", payload: "{}" });
    const deliveryId = await deliveryIdOf(event.id, endpoint.id);
    await waitFor(() => receiver.requests.length >= 1, { what: "the first request" });
    // Stopping lets the in-flight attempt be recorded and claims nothing after it, so the
    // rescheduled row is read without racing the second attempt.
    await worker.stop(10_000);

    const row = await rawDelivery(deliveryId);
    const [first] = await rawAttempts(deliveryId);
    expect(first.responseStatus).toBe(429);
    expect(row.status).toBe("pending");
    expect(row.attempts).toBe(1);
    expect(row.nextAttemptAt).not.toBeNull();

    // HTTP dates have 1 s resolution: toUTCString() drops the milliseconds, so the date the
    // receiver named is between 1 and 2 s after it answered.
    expect(sentDates).toHaveLength(1);
    const named = Date.parse(sentDates[0]);
    expect(named % 1000).toBe(0);
    // Due exactly at the named date (computed as now + (date − now); no jitter); only if the
    // outcome were recorded after that date would it be due "now" instead.
    expect(row.nextAttemptAt).toBe(Math.max(named, row.updatedAt));
    // Not the short schedule: at least ~1 s after the attempt began, within generous bounds.
    expect(row.nextAttemptAt! - first.startedAt).toBeGreaterThanOrEqual(900);
    expect(row.nextAttemptAt! - first.startedAt).toBeLessThanOrEqual(2000 + 10_000);
    // The delivery log shows the same due time.
    expect((await getDelivery(user.id, deliveryId))?.nextAttemptAt).toBe(new Date(row.nextAttemptAt!).toISOString());

    harness.startWorker({ schedule: SCHEDULE });
    const delivery = await finishedDelivery(user.id, deliveryId);
    expect(delivery.status).toBe("succeeded");
    expect(delivery.attemptLog.map((attempt) => attempt.responseStatus)).toEqual([429, 200]);
    // Not attempted before it was due.
    expect((await rawAttempts(deliveryId))[1].startedAt).toBeGreaterThanOrEqual(row.nextAttemptAt!);
    expect(receiver.requests[1].receivedAt).toBeGreaterThanOrEqual(row.nextAttemptAt!);
  });

  it("a date far in the future is capped at 24 h", async () => {
    const farAway = new Date(Date.now() + 30 * DAY_MS).toUTCString();
    const receiver = await harness.startReceiver([{ status: 503, headers: { "retry-after": farAway } }]);
    const user = await newAccount();
    const endpoint = await newEndpoint(user.id, receiver.url);
    const worker = harness.startWorker({ schedule: SCHEDULE });

    const event = await createEvent(user.id, { type: "rate.limited", payload: "{}" });
    const deliveryId = await deliveryIdOf(event.id, endpoint.id);
    await waitFor(() => receiver.requests.length >= 1, { what: "the first request" });
    await worker.stop(10_000);

    const row = await rawDelivery(deliveryId);
    expect(row.status).toBe("pending");
    expect(row.attempts).toBe(1);
    expect(row.nextAttemptAt! - row.updatedAt).toBe(DAY_MS);
    expect(receiver.requests).toHaveLength(1);
  });
});

describe("Retry-After in seconds", () => {
  it("429 with Retry-After: 999999 (11+ days) is capped at 24 h", async () => {
    const receiver = await harness.startReceiver([{ status: 429, headers: { "retry-after": "999999" } }]);
    const user = await newAccount();
    const endpoint = await newEndpoint(user.id, receiver.url);
    const worker = harness.startWorker({ schedule: SCHEDULE });

    const event = await createEvent(user.id, { type: "rate.limited", payload: "{}" });
    const deliveryId = await deliveryIdOf(event.id, endpoint.id);
    await waitFor(() => receiver.requests.length >= 1, { what: "the first request" });
    await worker.stop(10_000);

    const row = await rawDelivery(deliveryId);
    const [first] = await rawAttempts(deliveryId);
    expect(first.responseStatus).toBe(429);
    expect(row.status).toBe("pending");
    expect(row.attempts).toBe(1);
    // Exactly 24 h after the outcome was recorded: capped, and not jittered.
    expect(row.nextAttemptAt! - row.updatedAt).toBe(DAY_MS);
    expect(receiver.requests).toHaveLength(1);
  });

  it("Retry-After on a 500 is not honoured: the retry follows the short schedule", async () => {
    const receiver = await harness.startReceiver([{ status: 500, headers: { "retry-after": "3600" } }, { status: 200 }]);
    const user = await newAccount();
    const endpoint = await newEndpoint(user.id, receiver.url);
    harness.startWorker({ schedule: SCHEDULE });

    const event = await createEvent(user.id, { type: "server.error", payload: "{}" });
    // Had the hour been honoured, this would time out.
    const delivery = await finishedDelivery(user.id, await deliveryIdOf(event.id, endpoint.id));
    expect(delivery.status).toBe("succeeded");
    expect(delivery.attemptLog.map((attempt) => attempt.responseStatus)).toEqual([500, 200]);
    expect(receiver.requests).toHaveLength(2);
  });
});
