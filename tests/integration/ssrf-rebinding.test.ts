/**
 * SPEC §4 SSRF: "resolve the host at attempt time and connect only to the checked address (no
 * DNS rebinding)". A made-up host name, `hooks.rebind.test`, is answered by an injected
 * resolver: 127.0.0.2 the first time (allowed: 127.0.0.2/32), 127.0.0.1 every later time (not
 * allowed). Receiver A listens on 127.0.0.2 and receiver B on 127.0.0.1, on the same port, so
 * the endpoint's URL can reach either: B getting any request means a connection was redirected.
 */
import { describe, expect, it } from "vitest";
import type { LookupAddress, LookupOptions } from "node:dns";
import { createEvent } from "@/lib/events/queries";
import { BlockedAddressError, guardedLookup, type LookupFunction } from "@/lib/webhooks/send";
import { parseCidrList } from "@/lib/webhooks/ssrf-guard";
import { setUpReceivers, waitFor, type Receiver, type Script } from "../helpers/receiver";
import { deliveryIdOf, finishedDelivery, newAccount, newEndpoint, setUpHarness } from "../helpers/harness";

const startReceiver = setUpReceivers();
const harness = setUpHarness();

const HOST = "hooks.rebind.test";
const ONLY_A = parseCidrList("127.0.0.2/32");

/** First answer 127.0.0.2, every later one 127.0.0.1; other names do not exist. */
function rebindingResolver() {
  const answers: string[] = [];
  const resolve: LookupFunction = (hostname, options, callback) => {
    setImmediate(() => {
      if (hostname !== HOST) {
        const error = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
        return callback(error, "");
      }
      const address = answers.length === 0 ? "127.0.0.2" : "127.0.0.1";
      answers.push(address);
      if (options.all) callback(null, [{ address, family: 4 }]);
      else callback(null, address, 4);
    });
  };
  return { resolve, answers };
}

/** A on 127.0.0.2 and B on 127.0.0.1, on one port (retrying if 127.0.0.1 has it taken). */
async function receiverPair(scriptA: Script): Promise<{ a: Receiver; b: Receiver }> {
  for (let tries = 0; ; tries++) {
    const a = await startReceiver(scriptA, { host: "127.0.0.2" });
    try {
      const b = await startReceiver([{ status: 200, body: "B: you should not be here" }], { host: "127.0.0.1", port: a.port });
      return { a, b };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE" || tries >= 10) throw error;
    }
  }
}

async function deliverOne(userId: string, endpointId: string, n: number) {
  const event = await createEvent(userId, { type: "order.created", payload: JSON.stringify({ n }) }, { endpointId });
  return finishedDelivery(userId, await deliveryIdOf(event.id, endpointId));
}

/** Every attempt either reached A (200) or was refused before connecting, as the resolver's answers say. */
function expectOnlyCheckedConnections(
  deliveries: Awaited<ReturnType<typeof deliverOne>>[],
  a: Receiver,
  b: Receiver,
  answers: string[],
) {
  expect(b.requests).toHaveLength(0);
  const attempts = deliveries.flatMap((delivery) => delivery.attemptLog);
  const delivered = attempts.filter((attempt) => attempt.responseStatus === 200);
  const blocked = attempts.filter((attempt) => attempt.error?.startsWith("Blocked by policy"));
  expect(delivered.length + blocked.length).toBe(attempts.length);
  expect(a.requests).toHaveLength(delivered.length);
  // One resolution per new connection: answers of 127.0.0.1 are exactly the refused attempts.
  expect(blocked).toHaveLength(answers.filter((address) => address === "127.0.0.1").length);
  for (const attempt of blocked) {
    expect(attempt.responseStatus).toBeNull();
    expect(attempt.error).toBe(`Blocked by policy: ${HOST} resolves to 127.0.0.1 is a loopback address`);
  }
}

describe("DNS rebinding cannot redirect a delivery", () => {
  it("forced new connections (A answers `connection: close`): the 2nd resolution is refused, B gets nothing", async () => {
    const { a, b } = await receiverPair([{ status: 200, headers: { connection: "close" } }]);
    const { resolve, answers } = rebindingResolver();
    const user = await newAccount();
    const endpoint = await newEndpoint(user.id, `http://${HOST}:${a.port}/`);
    harness.startWorker({ allowedCidrs: ONLY_A, resolve, schedule: [0] });

    const deliveries = [];
    for (let n = 0; n < 4; n++) deliveries.push(await deliverOne(user.id, endpoint.id, n));

    expect(deliveries.map((delivery) => delivery.status)).toEqual(["succeeded", "failed", "failed", "failed"]);
    expect(answers).toEqual(["127.0.0.2", "127.0.0.1", "127.0.0.1", "127.0.0.1"]);
    expectOnlyCheckedConnections(deliveries, a, b, answers);
    expect(a.requests).toHaveLength(1);
  });

  it("connections dropped by the receiver between deliveries: same result", async () => {
    const { a, b } = await receiverPair([{ status: 200 }]);
    const { resolve, answers } = rebindingResolver();
    const user = await newAccount();
    const endpoint = await newEndpoint(user.id, `http://${HOST}:${a.port}/`);
    harness.startWorker({ allowedCidrs: ONLY_A, resolve, schedule: [0] });

    const deliveries = [];
    for (let n = 0; n < 3; n++) {
      deliveries.push(await deliverOne(user.id, endpoint.id, n));
      a.closeConnections();
      await waitFor(async () => (await a.connectionCount()) === 0, { what: "A's connections to close" });
    }

    expect(deliveries.map((delivery) => delivery.status)).toEqual(["succeeded", "failed", "failed"]);
    expect(answers).toEqual(["127.0.0.2", "127.0.0.1", "127.0.0.1"]);
    expectOnlyCheckedConnections(deliveries, a, b, answers);
  });

  it("kept-alive connections: whatever is reused or re-resolved, nothing reaches B", async () => {
    const { a, b } = await receiverPair([{ status: 200 }]);
    const { resolve, answers } = rebindingResolver();
    const user = await newAccount();
    const endpoint = await newEndpoint(user.id, `http://${HOST}:${a.port}/`);
    harness.startWorker({ allowedCidrs: ONLY_A, resolve, schedule: [0] });

    const deliveries = [];
    for (let n = 0; n < 5; n++) deliveries.push(await deliverOne(user.id, endpoint.id, n));

    expect(answers[0]).toBe("127.0.0.2");
    expect(deliveries[0].status).toBe("succeeded");
    expectOnlyCheckedConnections(deliveries, a, b, answers);
  });

  it("control: with 127.0.0.1 allowed as well, the same set-up does reach B (the test can see a redirect)", async () => {
    const { a, b } = await receiverPair([{ status: 200, headers: { connection: "close" } }]);
    const { resolve, answers } = rebindingResolver();
    const user = await newAccount();
    const endpoint = await newEndpoint(user.id, `http://${HOST}:${a.port}/`);
    harness.startWorker({ allowedCidrs: parseCidrList("127.0.0.1/32,127.0.0.2/32"), resolve, schedule: [0] });

    const first = await deliverOne(user.id, endpoint.id, 1);
    const second = await deliverOne(user.id, endpoint.id, 2);
    expect([first.status, second.status]).toEqual(["succeeded", "succeeded"]);
    expect(answers).toEqual(["127.0.0.2", "127.0.0.1"]);
    expect(a.requests).toHaveLength(1);
    expect(b.requests).toHaveLength(1);
  });
});

describe("guardedLookup", () => {
  type Outcome = { error: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number };

  function stubResolver(addresses: LookupAddress[]) {
    const calls: Array<{ hostname: string; options: LookupOptions }> = [];
    const resolve: LookupFunction = (hostname, options, callback) => {
      calls.push({ hostname, options });
      callback(null, addresses);
    };
    return { resolve, calls };
  }

  function lookup(fn: LookupFunction, hostname: string, options: LookupOptions): Promise<Outcome> {
    return new Promise((resolve) => fn(hostname, options, (error, address, family) => resolve({ error, address, family })));
  }

  const MIXED: LookupAddress[] = [
    { address: "10.0.0.7", family: 4 },
    { address: "127.0.0.2", family: 4 },
    { address: "169.254.169.254", family: 4 },
    { address: "93.184.215.14", family: 4 },
    { address: "::ffff:127.0.0.1", family: 6 },
    { address: "::1", family: 6 },
    { address: "2606:2800:21f:cb07:6820:80da:af6b:8b2c", family: 6 },
  ];

  it("passes on only the allowed addresses, asking the resolver for all of them", async () => {
    const { resolve, calls } = stubResolver(MIXED);
    const outcome = await lookup(guardedLookup(ONLY_A, resolve), "mixed.example", { all: true });

    expect(outcome.error).toBeNull();
    expect(outcome.address).toEqual([
      { address: "127.0.0.2", family: 4 },
      { address: "93.184.215.14", family: 4 },
      { address: "2606:2800:21f:cb07:6820:80da:af6b:8b2c", family: 6 },
    ]);
    expect(calls).toEqual([{ hostname: "mixed.example", options: expect.objectContaining({ all: true }) }]);
  });

  it("without `all`, answers with the first allowed address (never a blocked one listed before it)", async () => {
    const { resolve, calls } = stubResolver(MIXED);
    const outcome = await lookup(guardedLookup(ONLY_A, resolve), "mixed.example", { family: 0 });

    expect(outcome.error).toBeNull();
    expect(outcome.address).toBe("127.0.0.2");
    expect(outcome.family).toBe(4);
    // It still looks at every address, not just the resolver's first pick.
    expect(calls[0].options.all).toBe(true);
  });

  it("all blocked: a BlockedAddressError naming the host and why, and no address", async () => {
    const { resolve } = stubResolver([
      { address: "10.0.0.7", family: 4 },
      { address: "169.254.169.254", family: 4 },
      { address: "::1", family: 6 },
    ]);
    const outcome = await lookup(guardedLookup([], resolve), "internal.example", { all: true });

    expect(outcome.error).toBeInstanceOf(BlockedAddressError);
    expect(outcome.error?.code).toBe("HOOKLINE_BLOCKED_ADDRESS");
    expect(outcome.error?.message).toBe("Blocked by policy: internal.example resolves to 10.0.0.7 is a private address");
    expect(outcome.address).toBe("");

    // The cloud metadata address alone, and the IPv4-mapped loopback form.
    const metadata = await lookup(guardedLookup(ONLY_A, stubResolver([{ address: "169.254.169.254", family: 4 }]).resolve), "meta.example", { all: true });
    expect(metadata.error?.message).toMatch(/^Blocked by policy: meta\.example resolves to 169\.254\.169\.254 is a link-local address$/);
    const mapped = await lookup(guardedLookup(ONLY_A, stubResolver([{ address: "::ffff:127.0.0.1", family: 6 }]).resolve), "mapped.example", { all: true });
    expect(mapped.error?.message).toMatch(/^Blocked by policy: mapped\.example resolves to ::ffff:127\.0\.0\.1 embeds an IPv4 address/);
  });

  it("no address at all is refused too, and a resolver error passes through unchanged", async () => {
    const empty = await lookup(guardedLookup(ONLY_A, stubResolver([]).resolve), "empty.example", { all: true });
    expect(empty.error).toBeInstanceOf(BlockedAddressError);
    expect(empty.error?.message).toBe("Blocked by policy: empty.example resolves to no address");

    const failure = Object.assign(new Error("getaddrinfo ENOTFOUND nowhere.example"), { code: "ENOTFOUND" });
    const failing: LookupFunction = (_hostname, _options, callback) => callback(failure, "");
    const outcome = await lookup(guardedLookup(ONLY_A, failing), "nowhere.example", { all: true });
    expect(outcome.error).toBe(failure);
  });
});
