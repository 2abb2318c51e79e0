/**
 * SPEC §2 and §4: rotating an endpoint's secret over the REST API. For 24 h the old secret
 * signs beside the new one (two signatures in `webhook-signature`), so a receiver holding
 * either verifies with the real `standardwebhooks` package; after that only the new one signs.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are JSON whose shape is asserted */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import { prisma } from "@/lib/db";
import { apiClient, newApiAccount, startApiServer, stopServersAfterAll, type ApiClient } from "../helpers/api-client";
import { startReceiver, waitFor, type Receiver, type RecordedRequest } from "../helpers/receiver";

stopServersAfterAll();

let origin = "";
let receiver: Receiver;

beforeAll(async () => {
  origin = (await startApiServer()).origin;
  receiver = await startReceiver([{ status: 200 }]);
}, 120_000);

afterAll(async () => {
  await receiver?.close();
});

/** Sends an event and returns the request the receiver got for it. */
async function deliver(api: ApiClient, data: unknown): Promise<{ event: any; request: RecordedRequest }> {
  const response = await api.post("/api/v1/events", { type: "order.created", data });
  expect(response.status, response.text).toBe(202);
  expect(response.body.deliveries).toBe(1);
  const event = response.body;
  const request = await waitFor(() => receiver.requests.find((r) => r.headers["webhook-id"] === event.id), {
    timeoutMs: 15_000,
    what: `event ${event.id} to arrive`,
  });
  return { event, request };
}

const verifies = (secret: string, request: RecordedRequest) => {
  try {
    new Webhook(secret).verify(request.rawBody, request.headers);
    return true;
  } catch {
    return false;
  }
};

describe("secret rotation", () => {
  it("signs with both secrets during the overlap, then only with the new one", async () => {
    const account = await newApiAccount("rotation");
    const api = apiClient(origin, account.key);
    const created = await api.post("/api/v1/endpoints", { name: "Rotating", url: receiver.url });
    expect(created.status, created.text).toBe(201);
    const endpointId: string = created.body.id;
    const s1: string = created.body.secret;

    // Before the rotation: one signature, by S1 (control for what follows).
    const first = await deliver(api, { step: "before" });
    expect(first.request.headers["webhook-signature"].split(" ")).toHaveLength(1);
    expect(verifies(s1, first.request)).toBe(true);

    const rotated = await api.post(`/api/v1/endpoints/${endpointId}/rotate-secret`);
    expect(rotated.status, rotated.text).toBe(200);
    const s2: string = rotated.body.secret;
    expect(s2).toMatch(/^whsec_/);
    expect(s2).not.toBe(s1);

    // During the overlap: two signatures; a receiver with either secret accepts the request.
    const during = await deliver(api, { step: "during" });
    const signatures = during.request.headers["webhook-signature"].split(" ");
    expect(signatures).toHaveLength(2);
    expect(signatures.every((signature) => signature.startsWith("v1,"))).toBe(true);
    expect(new Set(signatures).size).toBe(2);
    expect(verifies(s1, during.request)).toBe(true);
    expect(verifies(s2, during.request)).toBe(true);
    expect(new Webhook(s2).verify(during.request.rawBody, during.request.headers)).toEqual({
      type: "order.created",
      timestamp: during.event.createdAt,
      data: { step: "during" },
    });
    // Control: the verifier does reject a secret that never signed.
    expect(verifies(`whsec_${Buffer.alloc(32, 7).toString("base64")}`, during.request)).toBe(false);
    // And a tampered body fails with both.
    const tampered = { ...during.request, rawBody: during.request.rawBody.replace("during", "DURING") };
    expect(verifies(s1, tampered)).toBe(false);
    expect(verifies(s2, tampered)).toBe(false);

    // The 24 h overlap ends (simulated): only S2 signs.
    await prisma.endpoint.update({ where: { id: endpointId }, data: { previousSecretUntil: new Date(Date.now() - 1000) } });
    const after = await deliver(api, { step: "after" });
    expect(after.request.headers["webhook-signature"].split(" ")).toHaveLength(1);
    expect(verifies(s2, after.request)).toBe(true);
    expect(verifies(s1, after.request)).toBe(false);
    expect(() => new Webhook(s1).verify(after.request.rawBody, after.request.headers)).toThrow();
  });
});
