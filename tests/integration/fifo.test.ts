/**
 * SPEC §11 FIFO endpoints, with real worker processes (`scripts/worker.ts`, as `npm run worker`
 * runs it) on this test file's database (SQLite, or PostgreSQL with HOOKLINE_TEST_ENGINE=postgres):
 * 1,000 events over 10 ordering keys to a FIFO endpoint whose receiver fails 20 % of requests at
 * random. The receiver must see each key's events strictly in creation order, each one only after
 * the previous one of its key got its 2xx answer (never two of one key open at once), while
 * different keys are in flight together; every event arrives. Then the same with two worker
 * processes, both taking part.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { prisma } from "@/lib/db";
import { createEndpoint } from "@/lib/endpoints/queries";
import { createEvent } from "@/lib/events/queries";
import { waitFor } from "../helpers/receiver";
import { newAccount } from "../helpers/harness";
import { startWorkerProcess, stopServersAfterEach } from "../helpers/server";

const EVENTS = 1_000;
const KEYS = 10;

stopServersAfterEach();

interface Arrival {
  key: string;
  n: number;
  status: number;
}

/** A receiver that answers 500 to 20 % of requests, and records per key what arrives and whether one of the key was still open. */
async function startOrderedReceiver() {
  const arrivals: Arrival[] = [];
  const openKeys = new Set<string>();
  const overlaps: string[] = [];
  let mostKeysOpen = 0;
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const { data } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { data: { key: string; n: number } };
      if (openKeys.has(data.key)) overlaps.push(`${data.key} #${data.n} arrived while one of its key was open`);
      openKeys.add(data.key);
      mostKeysOpen = Math.max(mostKeysOpen, openKeys.size);
      response.once("close", () => openKeys.delete(data.key));
      const status = Math.random() < 0.2 ? 500 : 200;
      arrivals.push({ key: data.key, n: data.n, status });
      // A little work, so that an overlap would have a window to show in.
      setTimeout(() => response.writeHead(status).end(), Math.floor(Math.random() * 3));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    arrivals,
    overlaps,
    mostKeysOpen: () => mostKeysOpen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Per key, the arrivals must read: #0 until a 2xx, then #1 until a 2xx, and so on: a retry
 * repeats the same event, and the next event comes only after the 2xx. Returns the violations.
 */
function orderProblems(arrivals: Arrival[]): string[] {
  const problems: string[] = [];
  const last = new Map<string, Arrival>();
  for (const arrival of arrivals) {
    const previous = last.get(arrival.key);
    const expected = previous === undefined ? 0 : previous.status === 200 ? previous.n + 1 : previous.n;
    if (arrival.n !== expected) problems.push(`${arrival.key}: #${arrival.n} arrived where #${expected} was due`);
    last.set(arrival.key, arrival);
  }
  return problems;
}

async function runFifo(workerCount: number) {
  const receiver = await startOrderedReceiver();
  try {
    const user = await newAccount(`fifo-${workerCount}`);
    await createEndpoint(user.id, { name: "Ordered", url: receiver.url, description: "", ordering: "fifo" });
    const settings = {
      HOOKLINE_POLL_INTERVAL_MS: "25",
      // 12 attempts, short: at 20 % failures an event fails all of them once in ~250 million.
      HOOKLINE_RETRY_SCHEDULE: "0s,10ms,10ms,20ms,20ms,40ms,40ms,80ms,80ms,160ms,160ms,320ms",
      HOOKLINE_ATTEMPT_TIMEOUT_MS: "30000",
    };
    const workers = await Promise.all(Array.from({ length: workerCount }, () => startWorkerProcess(settings)));

    // Which workers hold leases while the work runs (attempt rows do not name the worker).
    const seenWorkers = new Set<string>();
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        for (const row of await prisma.delivery.findMany({ where: { userId: user.id, status: "delivering" }, select: { lockedBy: true } })) {
          if (row.lockedBy) seenWorkers.add(row.lockedBy);
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    try {
      const sent = new Map<string, number>();
      for (let i = 0; i < EVENTS; i++) {
        const key = `customer-${i % KEYS}`;
        const n = sent.get(key) ?? 0;
        sent.set(key, n + 1);
        const event = await createEvent(user.id, { type: "order.updated", payload: JSON.stringify({ key, n }), orderingKey: key });
        expect(event.deliveries).toBe(1);
      }
      await waitFor(async () => (await prisma.delivery.count({ where: { userId: user.id, status: { notIn: ["succeeded", "failed"] } } })) === 0, {
        timeoutMs: 240_000,
        intervalMs: 50,
        what: "every delivery to finish",
      });
    } finally {
      sampling = false;
      await sampler;
    }

    expect(receiver.overlaps).toEqual([]);
    expect(orderProblems(receiver.arrivals)).toEqual([]);
    // Every event arrived and got its 2xx: each key's last 2xx is its last event.
    const delivered = receiver.arrivals.filter((arrival) => arrival.status === 200);
    expect(delivered).toHaveLength(EVENTS);
    expect(await prisma.delivery.count({ where: { userId: user.id, status: "succeeded" } })).toBe(EVENTS);
    // Failures happened (the ordering was tested against retries), and keys ran side by side.
    expect(receiver.arrivals.length).toBeGreaterThan(EVENTS);
    expect(receiver.mostKeysOpen()).toBeGreaterThan(1);
    // Nothing is left queued once everything ended.
    expect(await prisma.fifoQueue.count({ where: { delivery: { userId: user.id } } })).toBe(0);
    for (const worker of workers) expect(seenWorkers, `worker ${worker.id} took part`).toContain(worker.id);
  } finally {
    await receiver.close();
  }
}

describe("FIFO endpoints with worker processes", () => {
  it("deliver 1,000 events over 10 keys in order per key, with 20 % failures, one worker", { timeout: 300_000 }, async () => {
    await runFifo(1);
  });

  it("and the same with two worker processes sharing the work", { timeout: 300_000 }, async () => {
    await runFifo(2);
  });
});
