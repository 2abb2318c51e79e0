/**
 * Shared set-up for integration tests that run the real worker against real receivers:
 * accounts, endpoints, workers and receivers created through here are torn down after each
 * test, and anything the worker logs (it only logs internal errors) fails the test.
 */
import { randomUUID } from "node:crypto";
import { afterEach, expect } from "vitest";
import { prisma } from "@/lib/db";
import { prismaTransition } from "@/lib/store/delivery-states";
import { createAccount } from "@/lib/auth/accounts";
import { createEndpoint } from "@/lib/endpoints/queries";
import { getDelivery, type DeliveryDetail } from "@/lib/deliveries/queries";
import { startWorker, type WorkerHandle, type WorkerOptions } from "@/lib/worker/run";
import { startReceiver, waitFor, type Receiver, type Script } from "./receiver";

export async function newAccount(label = "user"): Promise<{ id: string; email: string }> {
  const account = await createAccount(`${label}-${randomUUID()}@example.test`, "correct horse battery staple");
  if ("emailTaken" in account) throw new Error("fresh email unexpectedly taken");
  return account;
}

export async function newEndpoint(userId: string, url: string, name = "Receiver") {
  return createEndpoint(userId, { name, url, description: "" });
}

/** The delivery once it is succeeded or failed. */
export async function finishedDelivery(userId: string, deliveryId: string, timeoutMs = 15_000): Promise<DeliveryDetail> {
  return waitFor(
    async () => {
      const delivery = await getDelivery(userId, deliveryId);
      return delivery && (delivery.status === "succeeded" || delivery.status === "failed") ? delivery : null;
    },
    { timeoutMs, what: `delivery ${deliveryId} to finish` },
  );
}

/** The single delivery of an event (fan-out to one endpoint). */
export async function deliveryIdOf(eventId: string, endpointId: string): Promise<string> {
  const row = await prisma.delivery.findFirst({ where: { eventId, endpointId }, select: { id: true } });
  if (!row) throw new Error(`no delivery of ${eventId} to ${endpointId}`);
  return row.id;
}

export interface RawDelivery {
  id: string;
  status: string;
  attempts: number;
  nextAttemptAt: number | null;
  updatedAt: number;
  lockedBy: string | null;
}

/** The delivery row as the worker sees it (times as unix ms). */
export async function rawDelivery(id: string): Promise<RawDelivery> {
  const row = await prisma.delivery.findUniqueOrThrow({ where: { id }, select: { id: true, status: true, attempts: true, nextAttemptAt: true, updatedAt: true, lockedBy: true } });
  return { ...row, nextAttemptAt: row.nextAttemptAt?.getTime() ?? null, updatedAt: row.updatedAt.getTime() };
}

export async function rawAttempts(deliveryId: string): Promise<Array<{ number: number; startedAt: number; durationMs: number; responseStatus: number | null; error: string | null }>> {
  const rows = await prisma.attempt.findMany({
    where: { deliveryId },
    orderBy: { number: "asc" },
    select: { number: true, startedAt: true, durationMs: true, responseStatus: true, error: true },
  });
  return rows.map((row) => ({ ...row, startedAt: row.startedAt.getTime() }));
}

/** Registers afterEach clean-up in the calling test file and hands out tracked resources. */
export function setUpHarness() {
  let workers: WorkerHandle[] = [];
  let receivers: Receiver[] = [];
  let logged: string[] = [];

  afterEach(async () => {
    const stopping = workers;
    const closing = receivers;
    workers = [];
    receivers = [];
    await Promise.all(stopping.map((worker) => worker.stop(1000)));
    await Promise.all(closing.map((receiver) => receiver.close()));
    // Nothing a test left behind may be picked up by the next test's worker.
    const { guard, set } = prismaTransition("endpointDeleted");
    await prisma.delivery.updateMany({ where: { status: { in: [...guard.status.in, "delivering"] } }, data: { ...set, nextAttemptAt: null, lockedBy: null, lockedUntil: null } });
    const messages = logged;
    logged = [];
    expect(messages, "the worker logged internal errors").toEqual([]);
  });

  return {
    startWorker(options: WorkerOptions = {}): WorkerHandle {
      const worker = startWorker({
        log: (message, error) => logged.push(`${message}${error ? `: ${String(error)}` : ""}`),
        ...options,
      });
      workers.push(worker);
      return worker;
    },
    async startReceiver(script?: Script): Promise<Receiver> {
      const receiver = await startReceiver(script);
      receivers.push(receiver);
      return receiver;
    },
  };
}
