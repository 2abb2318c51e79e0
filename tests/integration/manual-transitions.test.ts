// SPEC §9: "deleting an endpoint fails its unfinished deliveries; retry and recover apply only to
// deliveries of live endpoints". Deleting an endpoint while someone presses "recover" and
// "retry" on it must never leave a delivery pending towards the deleted endpoint: nothing would
// ever claim it. On SQLite writes take turns; on PostgreSQL this holds only because the store
// locks the endpoint row (lib/store/manual-transitions.ts). Engine-neutral: lib functions and
// Prisma reads only.
import { describe, expect, it } from "vitest";
import { prisma } from "@/lib/db";
import { retryDelivery } from "@/lib/deliveries/queries";
import { deleteEndpoint, recoverFailedDeliveries } from "@/lib/endpoints/queries";
import { newId } from "@/lib/ids";
import { insertRows, type DeliveryInsert } from "@/lib/store/bulk-insert";
import { store } from "@/lib/store/connection";
import { newAccount, newEndpoint } from "../helpers/harness";

/** `failed` finished deliveries and `succeeded` ones of a new event each, towards the endpoint. */
async function history(userId: string, endpointId: string, counts: { failed: number; succeeded: number }): Promise<string[]> {
  const now = Date.now();
  const events = [];
  const deliveries: DeliveryInsert[] = [];
  for (const status of ["failed", "succeeded"] as const) {
    for (let i = 0; i < counts[status]; i++) {
      const eventId = newId("msg", now);
      events.push({ id: eventId, userId, type: "order.created", payload: "{}", createdAt: now });
      deliveries.push({ id: newId("dlv", now), userId, eventId, endpointId, status, attempts: 1, nextAttemptAt: null, createdAt: now, updatedAt: now, completedAt: now });
    }
  }
  await insertRows(store(), { events, deliveries });
  return deliveries.map((delivery) => delivery.id);
}

describe("deleting an endpoint while its deliveries are retried and recovered", () => {
  it("leaves none of them pending, whatever the interleaving", { timeout: 120_000 }, async () => {
    const account = await newAccount("race");
    for (let round = 0; round < 25; round++) {
      const endpoint = await newEndpoint(account.id, "http://127.0.0.1:9/hooks");
      const ids = await history(account.id, endpoint.id, { failed: 30, succeeded: 10 });
      const retried = [...ids.slice(0, 3), ...ids.slice(-2)];
      const [recovered, deleted, ...retries] = await Promise.all([
        recoverFailedDeliveries(account.id, endpoint.id, new Date(0)),
        deleteEndpoint(account.id, endpoint.id),
        ...retried.map((id) => retryDelivery(account.id, id)),
      ]);
      expect(deleted).toBe(true);
      expect(recovered === "deleted" || typeof recovered === "number").toBe(true);
      // A retry that lands after recover re-queued the delivery finds it already on its way.
      for (const retry of retries) expect(retry.ok || retry.reason === "endpoint_deleted" || retry.reason === "in_progress").toBe(true);
      expect(await prisma.delivery.count({ where: { endpointId: endpoint.id, status: { in: ["pending", "delivering"] } } }), `round ${round}`).toBe(0);
    }
  });

  it("after the delete, recover and retry refuse and change nothing", async () => {
    const account = await newAccount("after");
    const endpoint = await newEndpoint(account.id, "http://127.0.0.1:9/hooks");
    const [failed, succeeded] = await history(account.id, endpoint.id, { failed: 1, succeeded: 1 });
    expect(await deleteEndpoint(account.id, endpoint.id)).toBe(true);
    expect(await recoverFailedDeliveries(account.id, endpoint.id, new Date(0))).toBe("deleted");
    expect(await retryDelivery(account.id, failed)).toEqual({ ok: false, reason: "endpoint_deleted" });
    expect(await retryDelivery(account.id, succeeded)).toEqual({ ok: false, reason: "endpoint_deleted" });
    const statuses = await prisma.delivery.findMany({ where: { endpointId: endpoint.id }, select: { id: true, status: true }, orderBy: { id: "asc" } });
    expect(statuses).toEqual([
      { id: failed, status: "failed" },
      { id: succeeded, status: "succeeded" },
    ]);
  });
});
