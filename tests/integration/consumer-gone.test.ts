// A write that links to a consumer the account deleted a moment before (after the lookup that
// found it, before the write): its foreign key refuses the write on either engine, and the user
// is told the consumer is gone, never a server error, with nothing stored. The race itself cannot
// be timed from a test; what it leaves, a consumer id that no longer exists at the write, can.
// Engine-neutral: lib functions and Prisma reads only.
import { describe, expect, it } from "vitest";
import { serveApiRequest } from "@/lib/api/http";
import { createApiKey } from "@/lib/auth/api-keys";
import { ConsumerGoneError, consumerIdOf, createConsumer, deleteConsumer } from "@/lib/consumers/queries";
import { prisma } from "@/lib/db";
import { createEndpoint, updateEndpoint } from "@/lib/endpoints/queries";
import { createEvent } from "@/lib/events/queries";
import { newAccount } from "../helpers/harness";

/** An account with a consumer `acme` that has been deleted, and the id it had. */
async function accountWithDeletedConsumer(label: string) {
  const account = await newAccount(label);
  await createConsumer(account.id, { uid: "acme", name: "Acme" });
  const consumerId = (await consumerIdOf(account.id, "acme"))!;
  expect(await deleteConsumer(account.id, "acme")).toBe(true);
  return { account, consumerId };
}

const endpointInput = { name: "late", url: "https://late.example.com/hooks", description: "" };

describe("a consumer deleted between its lookup and the write that links to it", () => {
  it("refuses a new endpoint for it, storing nothing", async () => {
    const { account, consumerId } = await accountWithDeletedConsumer("gone-create");
    await expect(createEndpoint(account.id, { ...endpointInput, consumerId }, { portal: true })).rejects.toBeInstanceOf(ConsumerGoneError);
    await expect(createEndpoint(account.id, { ...endpointInput, consumerId })).rejects.toBeInstanceOf(ConsumerGoneError);
    expect(await prisma.endpoint.count({ where: { userId: account.id } })).toBe(0);
  });

  it("refuses to move an endpoint to it, leaving the endpoint as it was", async () => {
    const { account, consumerId } = await accountWithDeletedConsumer("gone-move");
    const endpoint = await createEndpoint(account.id, endpointInput);
    const before = await prisma.endpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    await expect(updateEndpoint(account.id, endpoint.id, { name: "renamed", consumerId })).rejects.toBeInstanceOf(ConsumerGoneError);
    expect(await prisma.endpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).toEqual(before);
  });

  it("refuses an event for it, storing no event; the API answers 422 under `consumer`", async () => {
    const { account, consumerId } = await accountWithDeletedConsumer("gone-event");
    const send = () => createEvent(account.id, { type: "order.created", payload: "{}", consumer: { id: consumerId, uid: "acme" } });
    await expect(send()).rejects.toBeInstanceOf(ConsumerGoneError);
    // Through the API's plumbing, as POST /api/v1/events runs it when the race is lost there.
    const { key } = await createApiKey(account.id, "test");
    const answer = await serveApiRequest(
      { method: "POST", path: "/api/v1/events", header: (name) => (name === "authorization" ? `Bearer ${key}` : null), readBody: async () => ({ bytes: Buffer.alloc(0), tooLarge: false }) },
      async () => {
        await send();
        throw new Error("the event was accepted");
      },
    );
    expect(answer.status).toBe(422);
    expect(answer.headers["content-type"]).toBe("application/problem+json");
    expect(answer.body).toMatchObject({ status: 422, errors: { consumer: ["No consumer with this uid in this account (deleted meanwhile)"] } });
    expect(await prisma.event.count({ where: { userId: account.id } })).toBe(0);
  });
});
