/**
 * lib/store/reclaim-expired.ts on whichever engine the run uses: an expired lease is released
 * once (re-queued due now, or failed if its endpoint was deleted meanwhile) with a "lease
 * expired" attempt on record; a lease still running is left alone.
 */
import { describe, expect, it } from "vitest";
import { prisma } from "@/lib/db";
import { createEvent } from "@/lib/events/queries";
import { claimDueDeliveries } from "@/lib/store/claim-due";
import { store } from "@/lib/store/connection";
import { LEASE_EXPIRED_ERROR, reclaimExpiredLeases } from "@/lib/store/reclaim-expired";
import { newAccount, newEndpoint } from "../helpers/harness";

const LEASE_MS = 10_000;

async function claimOne(endpointId: string, now: number) {
  const { claimed } = await claimDueDeliveries(store(), [{ endpointId, limit: 1 }], {
    workerId: "gone-worker",
    now,
    leaseMs: LEASE_MS,
    endpointConcurrency: 4,
    circuitBreakerFailures: 10,
  });
  expect(claimed).toHaveLength(1);
  return claimed[0];
}

describe("reclaiming expired leases", () => {
  it("re-queues an expired delivery once, records the lost attempt, and leaves running leases alone", async () => {
    const account = await newAccount();
    const live = await newEndpoint(account.id, "http://127.0.0.1:9/live", "live");
    const gone = await newEndpoint(account.id, "http://127.0.0.1:9/gone", "gone");
    await createEvent(account.id, { type: "order.created", payload: "{}" });
    const now = Date.now() + 1_000;
    const toLive = await claimOne(live.id, now);
    const toGone = await claimOne(gone.id, now);
    await prisma.endpoint.update({ where: { id: gone.id }, data: { deletedAt: new Date(now) } });

    // Not expired yet: nothing moves.
    expect(await reclaimExpiredLeases(store(), now + LEASE_MS - 1)).toBe(0);
    expect((await prisma.delivery.findUniqueOrThrow({ where: { id: toLive.id } })).status).toBe("delivering");

    const later = now + LEASE_MS;
    expect(await reclaimExpiredLeases(store(), later)).toBe(2);
    expect(await reclaimExpiredLeases(store(), later + 1)).toBe(0);

    const requeued = await prisma.delivery.findUniqueOrThrow({ where: { id: toLive.id } });
    expect(requeued).toMatchObject({ status: "pending", lockedBy: null, lockedUntil: null, attempts: 1, lastError: LEASE_EXPIRED_ERROR, completedAt: null });
    expect(requeued.nextAttemptAt?.getTime()).toBe(later);
    const failed = await prisma.delivery.findUniqueOrThrow({ where: { id: toGone.id } });
    expect(failed).toMatchObject({ status: "failed", lockedBy: null, nextAttemptAt: null });
    expect(failed.completedAt?.getTime()).toBe(later);
    for (const id of [toLive.id, toGone.id]) {
      const attempts = await prisma.attempt.findMany({ where: { deliveryId: id }, select: { number: true, error: true, durationMs: true } });
      expect(attempts).toEqual([{ number: 1, error: LEASE_EXPIRED_ERROR, durationMs: LEASE_MS }]);
    }
  });
});
