/**
 * lib/store/fifo.ts, the rules around the FIFO queue, on both engines: a key's first delivery is
 * due and the rest wait (pending, no nextAttemptAt) and say what they wait behind; events without
 * a key share one sequence; a delivery that fails for good releases the next; retry by hand joins
 * the end of the key's queue; changing the ordering releases what waited; deleting the endpoint
 * fails what waited; unordered endpoints never touch the queue.
 */
import { describe, expect, it } from "vitest";
import { prisma } from "@/lib/db";
import { getDelivery, retryDelivery } from "@/lib/deliveries/queries";
import { createEndpoint, deleteEndpoint, recoverFailedDeliveries, updateEndpoint } from "@/lib/endpoints/queries";
import { createEvent } from "@/lib/events/queries";
import { deliveryIdOf, newAccount, setUpHarness } from "../helpers/harness";
import { waitFor } from "../helpers/receiver";

const harness = setUpHarness();

async function fifoSetup(url = "http://127.0.0.1:9/never") {
  const user = await newAccount("fifo-queue");
  const endpoint = await createEndpoint(user.id, { name: "Ordered", url, description: "", ordering: "fifo" });
  const send = async (n: number, orderingKey?: string) => {
    const event = await createEvent(user.id, { type: "order.updated", payload: JSON.stringify({ n }), orderingKey });
    return deliveryIdOf(event.id, endpoint.id);
  };
  const row = (id: string) => prisma.delivery.findUniqueOrThrow({ where: { id }, select: { status: true, nextAttemptAt: true } });
  return { user, endpoint, send, row };
}

describe("the FIFO queue", () => {
  it("makes a key's first delivery due and the later ones wait behind it; keys and the no-key sequence are separate", async () => {
    const { user, send, row } = await fifoSetup();
    const a1 = await send(1, "a");
    const a2 = await send(2, "a");
    const a3 = await send(3, "a");
    const b1 = await send(4, "b");
    const none1 = await send(5);
    const none2 = await send(6);

    for (const id of [a1, b1, none1]) expect((await row(id)).nextAttemptAt).not.toBeNull();
    for (const id of [a2, a3, none2]) expect(await row(id)).toEqual({ status: "pending", nextAttemptAt: null });

    expect((await getDelivery(user.id, a3))!.waitingBehind).toEqual({ deliveryId: a1, orderingKey: "a", ahead: 2 });
    expect((await getDelivery(user.id, none2))!.waitingBehind).toEqual({ deliveryId: none1, orderingKey: "", ahead: 1 });
    expect((await getDelivery(user.id, a1))!.waitingBehind).toBeNull();
    // Another account cannot read it.
    const other = await newAccount("fifo-other");
    expect(await getDelivery(other.id, a3)).toBeNull();
  });

  it("leaves unordered endpoints out of the queue", async () => {
    const user = await newAccount("fifo-unordered");
    const endpoint = await createEndpoint(user.id, { name: "Parallel", url: "http://127.0.0.1:9/x", description: "" });
    const first = await createEvent(user.id, { type: "t", payload: "1", orderingKey: "a" });
    const second = await createEvent(user.id, { type: "t", payload: "2", orderingKey: "a" });
    for (const event of [first, second]) {
      const id = await deliveryIdOf(event.id, endpoint.id);
      expect((await prisma.delivery.findUniqueOrThrow({ where: { id } })).nextAttemptAt).not.toBeNull();
    }
    expect(await prisma.fifoQueue.count({ where: { endpointId: endpoint.id } })).toBe(0);
  });

  it("releases the next delivery when one fails for good, and delivers a key in order", async () => {
    const receiver = await harness.startReceiver([{ status: 500 }, { status: 500 }, { status: 200 }]);
    const { send, row } = await fifoSetup(`${receiver.url}hooks`);
    const ids = [await send(1, "k"), await send(2, "k"), await send(3, "k")];
    // One attempt each: the first fails for good, then the second fails for good, then the third succeeds.
    harness.startWorker({ schedule: [0], pollIntervalMs: 20 });
    await waitFor(async () => (await row(ids[2])).status === "succeeded", { what: "the third delivery to succeed" });
    expect((await row(ids[0])).status).toBe("failed");
    expect((await row(ids[1])).status).toBe("failed");
    expect(receiver.requests.map((request) => JSON.parse(request.rawBody).data.n)).toEqual([1, 2, 3]);
    expect(await prisma.fifoQueue.count({ where: { deliveryId: { in: ids } } })).toBe(0);
  });

  it("puts a delivery retried by hand at the end of its key's queue", async () => {
    const receiver = await harness.startReceiver([{ status: 500 }, { status: 200 }]);
    const { user, send, row } = await fifoSetup(`${receiver.url}hooks`);
    const failed = await send(1, "k");
    const worker = harness.startWorker({ schedule: [0], pollIntervalMs: 20 });
    await waitFor(async () => (await row(failed)).status === "failed", { what: "the first delivery to fail" });
    await worker.stop(1000);

    // Two newer events of the key queue up (the first due), then the failed one is retried: it waits behind them.
    const second = await send(2, "k");
    const third = await send(3, "k");
    expect((await retryDelivery(user.id, failed)).ok).toBe(true);
    expect(await row(failed)).toEqual({ status: "pending", nextAttemptAt: null });
    expect((await getDelivery(user.id, failed))!.waitingBehind).toEqual({ deliveryId: second, orderingKey: "k", ahead: 2 });

    // The key's queue now runs 2, 3, then the retried 1 (the receiver answers 200 from here on).
    harness.startWorker({ schedule: [0], pollIntervalMs: 20 });
    await waitFor(async () => (await row(failed)).status === "succeeded", { what: "the retried delivery to succeed" });
    expect(receiver.requests.slice(1).map((request) => JSON.parse(request.rawBody).data.n)).toEqual([2, 3, 1]);
    expect((await row(third)).status).toBe("succeeded");
  });

  it("recover puts the recovered deliveries in their keys' queues, oldest first", async () => {
    const receiver = await harness.startReceiver([{ status: 500 }]);
    const { user, endpoint, send, row } = await fifoSetup(`${receiver.url}hooks`);
    const ids = [await send(1, "k"), await send(2, "k")];
    const worker = harness.startWorker({ schedule: [0], pollIntervalMs: 20 });
    await waitFor(async () => (await row(ids[1])).status === "failed", { what: "both deliveries to fail" });
    await worker.stop(1000);

    expect(await recoverFailedDeliveries(user.id, endpoint.id, new Date(0))).toBe(2);
    expect((await row(ids[0])).nextAttemptAt).not.toBeNull();
    expect(await row(ids[1])).toEqual({ status: "pending", nextAttemptAt: null });
    expect((await getDelivery(user.id, ids[1]))!.waitingBehind).toMatchObject({ deliveryId: ids[0], ahead: 1 });
  });

  it("releases every waiting delivery when the endpoint stops being FIFO", async () => {
    const { user, endpoint, send, row } = await fifoSetup();
    const ids = [await send(1, "k"), await send(2, "k"), await send(3)];
    await send(4);
    expect((await row(ids[1])).nextAttemptAt).toBeNull();

    const updated = await updateEndpoint(user.id, endpoint.id, { ordering: "unordered" });
    expect(updated).toMatchObject({ ordering: "unordered" });
    for (const id of ids) expect((await row(id)).nextAttemptAt).not.toBeNull();
    expect(await prisma.fifoQueue.count({ where: { endpointId: endpoint.id } })).toBe(0);

    // And back: events from now on are ordered again, from an empty queue.
    await updateEndpoint(user.id, endpoint.id, { ordering: "fifo" });
    const next = [await send(5, "k"), await send(6, "k")];
    expect((await row(next[0])).nextAttemptAt).not.toBeNull();
    expect((await row(next[1])).nextAttemptAt).toBeNull();
  });

  it("fails the waiting deliveries of a deleted endpoint and empties its queue", async () => {
    const { user, endpoint, send, row } = await fifoSetup();
    const ids = [await send(1, "k"), await send(2, "k")];
    expect(await deleteEndpoint(user.id, endpoint.id)).toBe(true);
    for (const id of ids) expect((await row(id)).status).toBe("failed");
    expect(await prisma.fifoQueue.count({ where: { endpointId: endpoint.id } })).toBe(0);
  });
});
