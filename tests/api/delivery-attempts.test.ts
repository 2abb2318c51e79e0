/**
 * A delivery's attempts over real HTTP, on both engines: `GET /api/v1/deliveries/{id}` holds only
 * the latest ATTEMPTS_SHOWN (oldest first) and counts the others in `earlierAttempts`, and
 * `GET /api/v1/deliveries/{id}/attempts` pages through all of them, newest first, each exactly
 * once. Manual retries have no end, and each attempt keeps up to 64 KiB of response body: before
 * this, a delivery with 1,000 attempts ran the server out of memory in one request.
 *
 * The delivery's first attempt and its last are made by the worker (a real receiver); the ones
 * between are written straight to the database, as that many replays would leave them, since
 * replaying one delivery 40 times through the worker would only make the test slow.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are JSON whose shape is asserted */
import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db";
import { ATTEMPTS_SHOWN, MAX_ATTEMPTS_PAGE } from "@/lib/deliveries/queries";
import { expectProblem, newApiClient, startApiServer, stopServersAfterAll, type ApiClient } from "../helpers/api-client";
import { setUpReceivers, waitFor } from "../helpers/receiver";

stopServersAfterAll();
const receiver = setUpReceivers("all");

/** What the receiver answers: the most of a response body an attempt keeps. */
const RESPONSE_BODY = "r".repeat(64 * 1024);

let origin = "";
beforeAll(async () => {
  origin = (await startApiServer()).origin;
}, 120_000);

async function finished(api: ApiClient, id: string) {
  return waitFor(
    async () => {
      const response = await api.get(`/api/v1/deliveries/${id}`);
      return response.body.status === "succeeded" ? response : null;
    },
    { timeoutMs: 20_000, what: `delivery ${id} to succeed` },
  );
}

/** A delivery whose attempts are numbered 1 to `count` (the first and the last made by the worker). */
async function deliveryWithAttempts(api: ApiClient, count: number): Promise<string> {
  const hook = await receiver([{ status: 200, body: RESPONSE_BODY }]);
  expect((await api.post("/api/v1/endpoints", { name: "Receiver", url: hook.url })).status).toBe(201);
  const event = await api.post("/api/v1/events", { type: "order.created", data: { n: 1 } });
  const listed = await waitFor(async () => (await api.get(`/api/v1/deliveries?eventId=${event.body.id}`)).body.data[0] ?? null, { what: "the delivery" });
  const id: string = listed.id;
  await finished(api, id);
  const first = await prisma.attempt.findFirstOrThrow({ where: { deliveryId: id } });
  const between = Array.from({ length: count - 2 }, (_, index) => ({ ...first, id: `att_seeded${String(index + 2).padStart(4, "0")}${id.slice(4)}`, number: index + 2 }));
  await prisma.attempt.createMany({ data: between });
  await prisma.delivery.update({ where: { id }, data: { attempts: count - 1 } });
  expect((await api.post(`/api/v1/deliveries/${id}/retry`)).status).toBe(202);
  await finished(api, id);
  return id;
}

describe("a delivery's attempts", () => {
  it("GET /api/v1/deliveries/{id} holds the latest attempts, and /attempts pages through every one, newest first", async () => {
    const { api } = await newApiClient(origin, "attempt-pages");
    const total = 45;
    const id = await deliveryWithAttempts(api, total);

    const detail = await api.get(`/api/v1/deliveries/${id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.attempts).toBe(total);
    expect(detail.body.attemptLog.map((attempt: any) => attempt.number)).toEqual(Array.from({ length: ATTEMPTS_SHOWN }, (_, index) => total - ATTEMPTS_SHOWN + 1 + index));
    expect(detail.body.earlierAttempts).toBe(total - ATTEMPTS_SHOWN);
    expect(detail.body.attemptLog.at(-1)).toMatchObject({ responseStatus: 200, responseBody: RESPONSE_BODY });
    // The response is bounded by the page, not by the delivery's history.
    expect(detail.text.length).toBeLessThan((ATTEMPTS_SHOWN + 5) * RESPONSE_BODY.length);

    const numbers: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: any = await api.get(`/api/v1/deliveries/${id}/attempts?limit=20${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.status, page.text.slice(0, 300)).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(20);
      numbers.push(...page.body.data.map((attempt: any) => attempt.number));
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor !== null && pages < 10);
    expect(numbers).toEqual(Array.from({ length: total }, (_, index) => total - index));
    expect(pages).toBe(3);

    // The default page is ATTEMPTS_SHOWN; each attempt comes whole, as the delivery shows it.
    const latest = await api.get(`/api/v1/deliveries/${id}/attempts`);
    expect(latest.body.data).toHaveLength(ATTEMPTS_SHOWN);
    expect(latest.body.data[0]).toEqual(detail.body.attemptLog.at(-1));
  });

  it("a delivery with few attempts holds them all, with none earlier", async () => {
    const { api } = await newApiClient(origin, "attempt-few");
    const id = await deliveryWithAttempts(api, 3);
    const detail = await api.get(`/api/v1/deliveries/${id}`);
    expect(detail.body.attemptLog.map((attempt: any) => attempt.number)).toEqual([1, 2, 3]);
    expect(detail.body.earlierAttempts).toBe(0);
    const page = await api.get(`/api/v1/deliveries/${id}/attempts?cursor=3`);
    expect(page.body).toMatchObject({ nextCursor: null });
    expect(page.body.data.map((attempt: any) => attempt.number)).toEqual([2, 1]);
  });

  it("refuses a bad limit or cursor with a field-level error, and another account's delivery is not found", async () => {
    const owner = await newApiClient(origin, "attempt-owner");
    const id = await deliveryWithAttempts(owner.api, 3);
    for (const [query, field, message] of [
      ["limit=0", "limit", `limit must be between 1 and ${MAX_ATTEMPTS_PAGE}`],
      [`limit=${MAX_ATTEMPTS_PAGE + 1}`, "limit", `limit must be between 1 and ${MAX_ATTEMPTS_PAGE}`],
      ["limit=ten", "limit", "limit must be a number"],
      ["cursor=att_01", "cursor", "cursor is not valid"],
      ["cursor=-2", "cursor", "cursor is not valid"],
      ["cursor=1.5", "cursor", "cursor is not valid"],
    ]) {
      const response = await owner.api.get(`/api/v1/deliveries/${id}/attempts?${query}`);
      expectProblem(response, 422);
      expect(response.body.errors, query).toEqual({ [field]: [message] });
    }
    expectProblem(await owner.api.get(`/api/v1/deliveries/${id}/attempts?unknown=1`), 422);

    const stranger = await newApiClient(origin, "attempt-stranger");
    expectProblem(await stranger.api.get(`/api/v1/deliveries/${id}/attempts`), 404);
    expectProblem(await stranger.api.get(`/api/v1/deliveries/${id}`), 404);
    expectProblem(await owner.api.get(`/api/v1/deliveries/dlv_nosuchdelivery/attempts`), 404);
  });
});
