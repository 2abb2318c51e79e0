// Account isolation at the lib level: another account's ids behave exactly like unknown ids.
import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db";
import { createEvent, sendTestEvent } from "@/lib/events/queries";
import {
  deleteEndpoint,
  getEndpoint,
  getEndpointSecret,
  listEndpoints,
  setEndpointEnabled,
} from "@/lib/endpoints/queries";
import { getDelivery, listDeliveries } from "@/lib/deliveries/queries";
import { deliveryIdOf, newAccount, newEndpoint } from "../helpers/harness";

describe("account isolation", () => {
  let alice: { id: string };
  let bob: { id: string };
  let aliceEndpoint: Awaited<ReturnType<typeof newEndpoint>>;
  let bobEndpoint: Awaited<ReturnType<typeof newEndpoint>>;
  let aliceEventId: string;
  let aliceDeliveryId: string;

  beforeAll(async () => {
    alice = await newAccount("alice");
    bob = await newAccount("bob");
    // No worker runs in this file: deliveries simply stay pending, which is all these checks need.
    aliceEndpoint = await newEndpoint(alice.id, "http://127.0.0.1:9/alice", "Alice's endpoint");
    bobEndpoint = await newEndpoint(bob.id, "http://127.0.0.1:9/bob", "Bob's endpoint");
    const event = await createEvent(alice.id, { type: "order.created", payload: `{"secret":"alice"}` });
    aliceEventId = event.id;
    aliceDeliveryId = await deliveryIdOf(event.id, aliceEndpoint.id);
  });

  it("the owner sees their own rows (control for the checks below)", async () => {
    expect((await getEndpoint(alice.id, aliceEndpoint.id))?.id).toBe(aliceEndpoint.id);
    expect(await getEndpointSecret(alice.id, aliceEndpoint.id)).toBe(aliceEndpoint.secret);
    expect((await getDelivery(alice.id, aliceDeliveryId))?.eventId).toBe(aliceEventId);
    expect((await listDeliveries(alice.id)).data.map((row) => row.id)).toEqual([aliceDeliveryId]);
    expect((await listEndpoints(alice.id)).map((row) => row.id)).toEqual([aliceEndpoint.id]);
  });

  it("reads of another account's ids return nothing", async () => {
    expect(await getEndpoint(bob.id, aliceEndpoint.id)).toBeNull();
    expect(await getEndpointSecret(bob.id, aliceEndpoint.id)).toBeNull();
    expect(await getDelivery(bob.id, aliceDeliveryId)).toBeNull();
  });

  it("lists contain none of another account's rows, whatever the filter", async () => {
    expect((await listEndpoints(bob.id)).map((row) => row.id)).toEqual([bobEndpoint.id]);
    expect((await listDeliveries(bob.id)).data).toEqual([]);
    expect((await listDeliveries(bob.id, { endpointId: aliceEndpoint.id })).data).toEqual([]);
    expect((await listDeliveries(bob.id, { status: "pending" })).data).toEqual([]);
    // A cursor past Alice's row must not open a window onto it either.
    expect((await listDeliveries(bob.id, { cursor: "dlv_ZZZZZZZZZZZZZZZZZZZZZZZZZZ" })).data).toEqual([]);
  });

  it("writes to another account's ids do nothing", async () => {
    expect(await setEndpointEnabled(bob.id, aliceEndpoint.id, false)).toBeNull();
    expect(await deleteEndpoint(bob.id, aliceEndpoint.id)).toBe(false);
    expect(await sendTestEvent(bob.id, aliceEndpoint.id)).toBeNull();

    const after = await getEndpoint(alice.id, aliceEndpoint.id);
    expect(after?.enabled).toBe(true);
    expect(after?.disabledReason).toBeNull();
    expect((await getDelivery(alice.id, aliceDeliveryId))?.status).toBe("pending");
    expect(await prisma.event.count({ where: { userId: alice.id } })).toBe(1);
    expect(await prisma.event.count({ where: { userId: bob.id } })).toBe(0);
  });

  it("another account's events never fan out to this account's endpoints", async () => {
    const targeted = await createEvent(bob.id, { type: "order.created", payload: "{}" }, { endpointId: aliceEndpoint.id });
    expect(targeted.deliveries).toBe(0);
    const broadcast = await createEvent(bob.id, { type: "order.created", payload: "{}" });
    expect(broadcast.deliveries).toBe(1);
    expect(await prisma.delivery.count({ where: { endpointId: aliceEndpoint.id } })).toBe(1);
    expect((await listDeliveries(bob.id)).data.map((row) => row.endpointId)).toEqual([bobEndpoint.id]);
  });
});
