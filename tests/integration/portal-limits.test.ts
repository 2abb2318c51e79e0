// SPEC §12 with §10's "one client never takes capacity from the others": a customer holding a
// portal link is a client of the account. Its portal adds endpoints only while its consumer has
// fewer than HOOKLINE_MAX_PORTAL_ENDPOINTS (however many creates race, on both engines), within
// the account's own quota; and its forms count against HOOKLINE_PORTAL_ACTIONS_PER_MINUTE, per
// consumer. Engine-neutral: lib functions and Prisma reads only.
import { describe, expect, it, vi } from "vitest";

vi.hoisted(() => Object.assign(process.env, { HOOKLINE_MAX_PORTAL_ENDPOINTS: "2", HOOKLINE_MAX_ENDPOINTS: "4", HOOKLINE_PORTAL_ACTIONS_PER_MINUTE: "3" }));

import { z } from "zod";
import { PORTAL_ENDED, validatedPortalAction } from "@/lib/actions";
import { createConsumer, consumerIdOf } from "@/lib/consumers/queries";
import { prisma } from "@/lib/db";
import { createEndpoint } from "@/lib/endpoints/queries";
import { createPortalLink } from "@/lib/portal/queries";
import { QuotaExceededError } from "@/lib/quotas";
import { newAccount } from "../helpers/harness";

async function consumerOf(userId: string, uid: string): Promise<string> {
  await createConsumer(userId, { uid, name: uid });
  return (await consumerIdOf(userId, uid))!;
}

const endpointInput = (name: string, consumerId: string) => ({ name, url: `https://${name}.example.com/hooks`, description: "", consumerId });

async function refusal(create: Promise<unknown>): Promise<string | null> {
  try {
    await create;
    return null;
  } catch (error) {
    if (error instanceof QuotaExceededError) return error.quota;
    throw error;
  }
}

describe("a consumer's portal and the account's endpoints", () => {
  it("adds at most HOOKLINE_MAX_PORTAL_ENDPOINTS for its consumer, while the account and other consumers can still add theirs", async () => {
    const account = await newAccount("portal-quota");
    const acme = await consumerOf(account.id, "acme");
    const globex = await consumerOf(account.id, "globex");
    await createEndpoint(account.id, endpointInput("acme-1", acme), { portal: true });
    await createEndpoint(account.id, endpointInput("acme-2", acme), { portal: true });
    const third = await refusal(createEndpoint(account.id, endpointInput("acme-3", acme), { portal: true }));
    expect(third).toBe("portalEndpoints");
    expect(new QuotaExceededError("portalEndpoints", 2).message).toMatch(/^This portal has reached its limit of 2 endpoints\./);
    expect(await prisma.endpoint.count({ where: { consumerId: acme } })).toBe(2);
    // Another consumer's portal is not held back by acme's.
    await createEndpoint(account.id, endpointInput("globex-1", globex), { portal: true });
    // The account itself (API, dashboard) is bound by its own quota only: a 3rd endpoint for acme.
    await createEndpoint(account.id, endpointInput("acme-by-account", acme));
    expect(await prisma.endpoint.count({ where: { userId: account.id, deletedAt: null } })).toBe(4);
    // Now the account's quota is full: that is what globex's portal is told.
    expect(await refusal(createEndpoint(account.id, endpointInput("globex-2", globex), { portal: true }))).toBe("endpoints");
  });

  it("never passes the consumer's limit when creates race", async () => {
    const account = await newAccount("portal-race");
    const consumerId = await consumerOf(account.id, "racer");
    const outcomes = await Promise.all(Array.from({ length: 8 }, (_, i) => refusal(createEndpoint(account.id, endpointInput(`racer-${i}`, consumerId), { portal: true }))));
    expect(outcomes.filter((outcome) => outcome === null)).toHaveLength(2);
    expect(outcomes.filter((outcome) => outcome === "portalEndpoints")).toHaveLength(6);
    expect(await prisma.endpoint.count({ where: { consumerId, deletedAt: null } })).toBe(2);
  });
});

describe("a portal's forms", () => {
  const echo = validatedPortalAction(z.object({ note: z.string() }), async ({ note }, session) => ({ message: `${session.consumer.uid}: ${note}` }));
  const form = (note: string) => {
    const data = new FormData();
    data.set("note", note);
    return data;
  };
  const tokenOf = (url: string) => url.slice(url.lastIndexOf("/") + 1);

  it("run for a live link only, HOOKLINE_PORTAL_ACTIONS_PER_MINUTE times a minute per consumer", async () => {
    const account = await newAccount("portal-throttle");
    await createConsumer(account.id, { uid: "acme", name: "Acme" });
    await createConsumer(account.id, { uid: "globex", name: "Globex" });
    const acme = tokenOf((await createPortalLink(account.id, "acme", 3600, "http://127.0.0.1"))!.url);
    const globex = tokenOf((await createPortalLink(account.id, "globex", 3600, "http://127.0.0.1"))!.url);

    for (let i = 1; i <= 3; i++) expect(await echo(acme, {}, form(`change ${i}`))).toEqual({ values: { note: `change ${i}` }, message: `acme: change ${i}` });
    const fourth = await echo(acme, {}, form("change 4"));
    expect(fourth.error).toMatch(/^Too many changes from this portal\. Try again in (\d+ seconds?|1 minute)\.$/);
    expect(fourth.message).toBeUndefined();
    // Counted per consumer: globex's portal is not held back by acme's.
    expect((await echo(globex, {}, form("hello"))).message).toBe("globex: hello");
    // A link that does not verify runs nothing and is not counted.
    expect(await echo(`${acme.slice(0, -1)}${acme.endsWith("A") ? "B" : "A"}`, {}, form("forged"))).toEqual({ error: PORTAL_ENDED });
  });
});
