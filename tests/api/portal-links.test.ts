/**
 * SPEC §12 portal links over real HTTP against the built server: creating a link
 * (`POST /api/v1/consumers/{uid}/portal-links`), opening the portal with it, and everything that
 * must not open it (a changed token, another consumer's key, an expired or revoked link, a
 * deleted consumer), then the framing headers the portal pages carry: `frame-ancestors` lists
 * the account's allowed origins on a live portal page only.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db";
import { newId } from "@/lib/ids";
import { updatePortalSettings } from "@/lib/portal/queries";
import { generatePortalKey, signPortalToken } from "@/lib/portal/token";
import { apiClient, expectProblem, newApiClient, startApiServer, stopServersAfterAll, type ApiClient } from "../helpers/api-client";

stopServersAfterAll();

let origin = "";

beforeAll(async () => {
  origin = (await startApiServer()).origin;
}, 120_000);

const linksOf = (uid: string) => `/api/v1/consumers/${uid}/portal-links`;

/** An account with consumers `uid → name` (names unique to the test, so a page can be searched for them). */
async function accountWith(label: string, consumers: Record<string, string>): Promise<{ api: ApiClient; userId: string }> {
  const { api, userId } = await newApiClient(origin, label);
  for (const [uid, name] of Object.entries(consumers)) {
    const created = await api.post("/api/v1/consumers", { uid, name });
    expect(created.status, created.text).toBe(201);
  }
  return { api, userId };
}

/** A new link's URL (asserting the 201), and its token. */
async function newLink(api: ApiClient, uid: string, body?: unknown): Promise<{ url: string; token: string; expiresAt: string }> {
  const response = await api.post(linksOf(uid), body);
  expect(response.status, response.text).toBe(201);
  const { url, expiresAt } = response.body;
  expect(url.startsWith(`${origin}/portal/`), url).toBe(true);
  return { url, expiresAt, token: url.slice(`${origin}/portal/`.length) };
}

/** The consumer's id and its current portal key, as the store has them. */
async function consumerRow(userId: string, uid: string): Promise<{ id: string; portalKey: string | null }> {
  return prisma.consumer.findUniqueOrThrow({ where: { userId_uid: { userId, uid } }, select: { id: true, portalKey: true } });
}

async function open(url: string): Promise<{ status: number; html: string; headers: Headers }> {
  const response = await fetch(url, { redirect: "manual" });
  return { status: response.status, html: await response.text(), headers: response.headers };
}

const portal = (token: string) => `${origin}/portal/${token}`;

/** Asserts that the page opens as the consumer `name`'s portal, and shows none of `others`. */
async function expectPortalOf(url: string, name: string, others: string[] = []): Promise<void> {
  const page = await open(url);
  expect(page.status, `${url} should open ${name}'s portal`).toBe(200);
  expect(page.headers.get("content-type")).toMatch(/^text\/html/);
  expect(page.html).toContain(name);
  for (const other of others) expect(page.html, `${name}'s portal shows ${other}`).not.toContain(other);
}

async function expectNoPortal(url: string, what: string): Promise<void> {
  const page = await open(url);
  expect(page.status, what).toBe(404);
}

/** `text` with its character at `index` replaced by a different one (from `alphabet`). */
function changeAt(text: string, index: number, alphabet: string): string {
  const replacement = [...alphabet].find((c) => c !== text[index])!;
  return `${text.slice(0, index)}${replacement}${text.slice(index + 1)}`;
}

/** A Content-Security-Policy header as `directive → value`. */
function cspOf(headers: Headers): Record<string, string> {
  const csp = headers.get("content-security-policy");
  expect(csp, "a Content-Security-Policy header").toBeTruthy();
  const directives: Record<string, string> = {};
  for (const part of csp!.split(";")) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) directives[name] = values.join(" ");
  }
  return directives;
}

const NO_BRANDING = { brandName: null, accentColor: null, logoUrl: null };

describe("POST /api/v1/consumers/{uid}/portal-links", () => {
  it("makes a link that lasts an hour by default, with or without an (empty) body", async () => {
    const { api, userId } = await accountWith("portal-default", { acme: "Acme Default Ltd" });
    const { id } = await consumerRow(userId, "acme");
    for (const [what, send] of [
      ["no body", () => api.post(linksOf("acme"))],
      ["an empty object", () => api.post(linksOf("acme"), {})],
      ["an empty JSON body", () => api.post(linksOf("acme"), undefined, { raw: "", headers: { "content-type": "application/json" } })],
    ] as const) {
      const before = Date.now();
      const response = await send();
      const after = Date.now();
      expect(response.status, `${what}: ${response.text}`).toBe(201);
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      expect(Object.keys(response.body).sort(), what).toEqual(["expiresAt", "url"]);
      const expiresAt = Date.parse(response.body.expiresAt);
      expect(response.body.expiresAt).toBe(new Date(expiresAt).toISOString());
      // Rounded down to the second.
      expect(expiresAt % 1000).toBe(0);
      expect(expiresAt, what).toBeGreaterThan(before + 3600_000 - 1000);
      expect(expiresAt, what).toBeLessThanOrEqual(after + 3600_000);
      // The URL is this server's portal, for this consumer, ending when the answer says.
      const [consumerId, expiry] = response.body.url.slice(`${origin}/portal/`.length).split(".");
      expect(response.body.url).toMatch(new RegExp(`^${origin.replace(/\./g, "\\.")}/portal/con_[0-9A-Z]{26}\\.[0-9a-z]+\\.[A-Za-z0-9_-]{43}$`));
      expect(consumerId).toBe(id);
      expect(parseInt(expiry, 36) * 1000).toBe(expiresAt);
    }
  });

  it("takes expiresIn in seconds, from 60 to 604800 (7 days)", async () => {
    const { api } = await accountWith("portal-lifetime", { acme: "Acme Lifetime Ltd" });
    for (const seconds of [60, 900, 86_400, 604_800]) {
      const before = Date.now();
      const { expiresAt } = await newLink(api, "acme", { expiresIn: seconds });
      const after = Date.now();
      expect(Date.parse(expiresAt), String(seconds)).toBeGreaterThan(before + seconds * 1000 - 1000);
      expect(Date.parse(expiresAt), String(seconds)).toBeLessThanOrEqual(after + seconds * 1000);
    }
  });

  it("refuses a lifetime out of bounds, not a whole number, not a number, or an unknown field, by field", async () => {
    const { api } = await accountWith("portal-bounds", { acme: "Acme Bounds Ltd" });
    for (const expiresIn of [59, 0, -60, 604_801, 1.5, "3600", null, true, [3600], { seconds: 3600 }]) {
      const refused = await api.post(linksOf("acme"), { expiresIn });
      expectProblem(refused, 422);
      expect(Object.keys(refused.body.errors), JSON.stringify(expiresIn)).toEqual(["expiresIn"]);
      expect(refused.body.errors.expiresIn, JSON.stringify(expiresIn)).toEqual([expect.stringMatching(/expiresIn/)]);
    }
    const unknown = await api.post(linksOf("acme"), { expiresIn: 3600, consumer: "other" });
    expectProblem(unknown, 422);
    expect(JSON.stringify(unknown.body.errors)).toContain("consumer");
    const onlyUnknown = await api.post(linksOf("acme"), { lifetime: 3600 });
    expectProblem(onlyUnknown, 422);
    expect(JSON.stringify(onlyUnknown.body.errors)).toContain("lifetime");
    // Not JSON at all.
    expectProblem(await api.post(linksOf("acme"), undefined, { raw: "{expiresIn: 60", headers: { "content-type": "application/json" } }), 400);
    expectProblem(await api.post(linksOf("acme"), undefined, { raw: "[]", headers: { "content-type": "application/json" } }), 422);
    // Nothing refused made a key: the consumer has no link yet.
    expect((await prisma.consumer.findFirstOrThrow({ where: { name: "Acme Bounds Ltd" }, select: { portalKey: true } })).portalKey).toBeNull();
  });

  it("refuses a body that is not JSON with 415", async () => {
    const { api } = await accountWith("portal-type", { acme: "Acme Type Ltd" });
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonp"]) {
      expectProblem(await api.post(linksOf("acme"), undefined, { raw: '{"expiresIn":3600}', headers: { "content-type": type } }), 415);
    }
    expectProblem(await api.post(linksOf("acme"), undefined, { raw: '{"expiresIn":3600}' }), 415);
  });

  it("answers 404 for a consumer the account does not have, another account's included", async () => {
    const { api } = await accountWith("portal-unknown", { acme: "Acme Unknown Ltd" });
    const { api: other } = await accountWith("portal-unknown-other", { globex: "Globex Unknown Inc" });
    expectProblem(await api.post(linksOf("nobody")), 404);
    expectProblem(await api.post(linksOf("nobody"), { expiresIn: 3600 }), 404);
    expectProblem(await api.delete(linksOf("nobody")), 404);
    // The other account's consumer, by its uid, does not exist here; nor ours there.
    expectProblem(await api.post(linksOf("globex")), 404);
    expectProblem(await api.delete(linksOf("globex")), 404);
    expectProblem(await other.post(linksOf("acme"), { expiresIn: 3600 }), 404);
    expectProblem(await other.delete(linksOf("acme")), 404);
    expect((await prisma.consumer.findFirstOrThrow({ where: { name: "Acme Unknown Ltd" }, select: { portalKey: true } })).portalKey).toBeNull();
    // Other methods are not links.
    for (const method of ["GET", "PUT", "PATCH"]) expect((await api.call(method, linksOf("acme"))).status, method).toBe(405);
  });

  it("needs a valid API key", async () => {
    const { api, key } = await newApiClient(origin, "portal-auth");
    expect((await api.post("/api/v1/consumers", { uid: "acme", name: "Acme Auth Ltd" })).status).toBe(201);
    const anonymous = apiClient(origin, null);
    expectProblem(await anonymous.post(linksOf("acme")), 401);
    expectProblem(await anonymous.delete(linksOf("acme")), 401);
    for (const wrong of ["hl_not-a-real-key", `${key}x`, key.slice(0, -1), "not-even-prefixed"]) {
      expectProblem(await api.post(linksOf("acme"), { expiresIn: 3600 }, { key: wrong }), 401);
      expectProblem(await api.delete(linksOf("acme"), { key: wrong }), 401);
    }
    expectProblem(await api.post(linksOf("acme"), undefined, { key: null, headers: { authorization: `Basic ${Buffer.from(`x:${key}`).toString("base64")}` } }), 401);
    expect((await prisma.consumer.findFirstOrThrow({ where: { name: "Acme Auth Ltd" }, select: { portalKey: true } })).portalKey).toBeNull();
  });
});

describe("opening the portal with a link", () => {
  it("opens that consumer's portal, not another consumer's, in this account or another", async () => {
    const { api } = await accountWith("portal-open", { acme: "Acme Opening Ltd", globex: "Globex Opening Inc" });
    // Another account with a consumer of the same uid.
    const { api: other } = await accountWith("portal-open-other", { acme: "Initech Opening Corp" });
    const acme = await newLink(api, "acme");
    const globex = await newLink(api, "globex", { expiresIn: 600 });
    const initech = await newLink(other, "acme");
    const names = ["Acme Opening Ltd", "Globex Opening Inc", "Initech Opening Corp"];
    await expectPortalOf(acme.url, "Acme Opening Ltd", names.filter((name) => name !== "Acme Opening Ltd"));
    await expectPortalOf(globex.url, "Globex Opening Inc", names.filter((name) => name !== "Globex Opening Inc"));
    await expectPortalOf(initech.url, "Initech Opening Corp", names.filter((name) => name !== "Initech Opening Corp"));
    // A second link for the same consumer opens it too; the first keeps working.
    const again = await newLink(api, "acme", { expiresIn: 120 });
    expect(again.token).not.toBe(acme.token);
    await expectPortalOf(again.url, "Acme Opening Ltd");
    await expectPortalOf(acme.url, "Acme Opening Ltd");
  });
});

describe("a changed token opens nothing", () => {
  it("refuses a changed MAC, consumer or expiry, and a MAC made with another consumer's key", async () => {
    const { api, userId } = await accountWith("portal-tamper", { acme: "Acme Tamper Ltd", globex: "Globex Tamper Inc", fresh: "Fresh Tamper Co" });
    const { api: other, userId: otherUserId } = await accountWith("portal-tamper-other", { initech: "Initech Tamper Corp" });
    const acme = await newLink(api, "acme");
    await newLink(api, "globex");
    await newLink(other, "initech");
    await expectPortalOf(acme.url, "Acme Tamper Ltd");

    const [consumerId, expiry, mac] = acme.token.split(".");
    const macStart = consumerId.length + expiry.length + 2;
    const tampered: Array<[string, string]> = [
      // One character of the MAC (away from its last character, whose spare bits are a unit test's matter).
      ["MAC, first character", changeAt(acme.token, macStart, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")],
      ["MAC, a middle character", changeAt(acme.token, macStart + 20, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")],
      ["MAC cut short", acme.token.slice(0, -1)],
      ["MAC of another token", `${consumerId}.${expiry}.${(await newLink(api, "globex")).token.split(".")[2]}`],
      // The expiry, later or earlier, keeping the MAC.
      ["expiry + 1 s", `${consumerId}.${(parseInt(expiry, 36) + 1).toString(36)}.${mac}`],
      ["expiry + 7 days", `${consumerId}.${(parseInt(expiry, 36) + 604_800).toString(36)}.${mac}`],
      ["expiry - 1 s", `${consumerId}.${(parseInt(expiry, 36) - 1).toString(36)}.${mac}`],
      ["expiry with a leading zero", `${consumerId}.0${expiry}.${mac}`],
      // Another consumer's id, keeping the MAC: same account, an unlinked one, another account's, none at all.
      ["globex's id", `${(await consumerRow(userId, "globex")).id}.${expiry}.${mac}`],
      ["an id with no key yet", `${(await consumerRow(userId, "fresh")).id}.${expiry}.${mac}`],
      ["another account's consumer id", `${(await consumerRow(otherUserId, "initech")).id}.${expiry}.${mac}`],
      ["an id that is no consumer", `${newId("con")}.${expiry}.${mac}`],
      ["consumer id, one character", changeAt(acme.token, consumerId.length - 1, "0123456789ABCDEFGHJKMNPQRSTVWXYZ")],
      // Correctly signed, for acme's id, but with a key that is not acme's.
      ["signed with globex's key", signPortalToken((await consumerRow(userId, "globex")).portalKey!, consumerId, new Date(Date.parse(acme.expiresAt)))],
      ["signed with another account's consumer's key", signPortalToken((await consumerRow(otherUserId, "initech")).portalKey!, consumerId, new Date(Date.parse(acme.expiresAt)))],
      ["signed with a random key", signPortalToken(generatePortalKey(), consumerId, new Date(Date.parse(acme.expiresAt)))],
      ["a consumer without a key, any key", signPortalToken(generatePortalKey(), (await consumerRow(userId, "fresh")).id, new Date(Date.now() + 600_000))],
      // Not a token at all.
      ["the consumer id alone", consumerId],
      ["the uid", "acme"],
      ["lower-cased", acme.token.toLowerCase()],
      ["extra part", `${acme.token}.x`],
    ];
    for (const [what, token] of tampered) {
      expect(token, what).not.toBe(acme.token);
      await expectNoPortal(portal(token), what);
    }
    // None of that changed the real link.
    await expectPortalOf(acme.url, "Acme Tamper Ltd");
  });
});

describe("link expiry", () => {
  it("refuses a link past its expiry, correctly signed, and opens the same one before it", async () => {
    const { api, userId } = await accountWith("portal-expiry", { acme: "Acme Expiry Ltd" });
    await newLink(api, "acme");
    const { id, portalKey } = await consumerRow(userId, "acme");
    expect(portalKey).toBeTruthy();
    const signed = (expiresAt: number) => portal(signPortalToken(portalKey!, id, new Date(expiresAt)));

    // Signed as the server signs: a future expiry opens the portal.
    await expectPortalOf(signed(Date.now() + 120_000), "Acme Expiry Ltd");
    await expectPortalOf(signed(Date.now() + 604_800_000), "Acme Expiry Ltd");
    // The past does not, however recent.
    await expectNoPortal(signed(Date.now() - 60_000), "expired a minute ago");
    await expectNoPortal(signed(Date.now() - 2_000), "expired two seconds ago");
    await expectNoPortal(signed(0), "expired in 1970");

    // A session ends when its link does: the same URL, open now, is refused once the time passes.
    const soon = Math.ceil((Date.now() + 3_000) / 1000) * 1000;
    const url = signed(soon);
    await expectPortalOf(url, "Acme Expiry Ltd");
    await new Promise((resolve) => setTimeout(resolve, soon - Date.now() + 500));
    await expectNoPortal(url, "expired while open");
  });
});

describe("revoking links", () => {
  it("DELETE ends every link of that consumer at once, and only of that consumer; new links work", async () => {
    const { api, userId } = await accountWith("portal-revoke", { acme: "Acme Revoke Ltd", globex: "Globex Revoke Inc" });
    const { api: other } = await accountWith("portal-revoke-other", { acme: "Initech Revoke Corp" });
    const first = await newLink(api, "acme");
    const second = await newLink(api, "acme", { expiresIn: 604_800 });
    const globex = await newLink(api, "globex");
    const otherAcme = await newLink(other, "acme");
    await expectPortalOf(first.url, "Acme Revoke Ltd");
    await expectPortalOf(second.url, "Acme Revoke Ltd");
    const keyBefore = (await consumerRow(userId, "acme")).portalKey;

    const revoked = await api.delete(linksOf("acme"));
    expect(revoked.status, revoked.text).toBe(204);
    expect(revoked.text).toBe("");
    await expectNoPortal(first.url, "a link made before revocation");
    await expectNoPortal(second.url, "a 7-day link made before revocation");
    // Another consumer's links, and the other account's consumer of the same uid, are untouched.
    await expectPortalOf(globex.url, "Globex Revoke Inc");
    await expectPortalOf(otherAcme.url, "Initech Revoke Corp");

    // A new link works; the old ones stay dead (a new key, not the old one back).
    const after = await newLink(api, "acme");
    await expectPortalOf(after.url, "Acme Revoke Ltd");
    await expectNoPortal(first.url, "the old link after a new one was made");
    const keyAfter = (await consumerRow(userId, "acme")).portalKey;
    expect(keyAfter).toBeTruthy();
    expect(keyAfter).not.toBe(keyBefore);
    // A token signed with the old key, even with a fresh expiry, is refused too.
    await expectNoPortal(portal(signPortalToken(keyBefore!, (await consumerRow(userId, "acme")).id, new Date(Date.now() + 600_000))), "signed with the revoked key");

    // Revoking twice, or with no link at all, is fine.
    expect((await api.delete(linksOf("acme"))).status).toBe(204);
    expect((await api.delete(linksOf("acme"))).status).toBe(204);
    await expectNoPortal(after.url, "a link after the second revocation");
    await expectPortalOf(globex.url, "Globex Revoke Inc");
  });

  it("another account cannot revoke this account's links", async () => {
    const { api } = await accountWith("portal-revoke-foreign", { acme: "Acme Foreign Ltd" });
    const { api: other } = await accountWith("portal-revoke-foreign-other", {});
    const link = await newLink(api, "acme");
    expectProblem(await other.delete(linksOf("acme")), 404);
    await expectPortalOf(link.url, "Acme Foreign Ltd");
  });

  it("deleting the consumer ends its links; a consumer made again with the same uid does not inherit them", async () => {
    const { api, userId } = await accountWith("portal-delete", { acme: "Acme Delete Ltd", globex: "Globex Delete Inc" });
    const link = await newLink(api, "acme");
    const globex = await newLink(api, "globex");
    const { id, portalKey } = await consumerRow(userId, "acme");
    await expectPortalOf(link.url, "Acme Delete Ltd");

    expect((await api.delete("/api/v1/consumers/acme")).status).toBe(204);
    await expectNoPortal(link.url, "a link of a deleted consumer");
    await expectNoPortal(portal(signPortalToken(portalKey!, id, new Date(Date.now() + 600_000))), "signed with a deleted consumer's key");
    expectProblem(await api.post(linksOf("acme")), 404);
    expectProblem(await api.delete(linksOf("acme")), 404);
    await expectPortalOf(globex.url, "Globex Delete Inc");

    expect((await api.post("/api/v1/consumers", { uid: "acme", name: "Acme Reborn Ltd" })).status).toBe(201);
    await expectNoPortal(link.url, "the old link for the new consumer of the same uid");
    const reborn = await newLink(api, "acme");
    await expectPortalOf(reborn.url, "Acme Reborn Ltd", ["Acme Delete Ltd"]);
  });
});

describe("framing and images on portal pages", () => {
  it("lets the account's allowed origins frame a live portal page only", async () => {
    const { api, userId } = await accountWith("portal-frame", { acme: "Acme Frame Ltd" });
    const { api: other, userId: otherUserId } = await accountWith("portal-frame-other", { globex: "Globex Frame Inc" });
    const link = await newLink(api, "acme");
    const otherLink = await newLink(other, "globex");

    const before = await open(link.url);
    expect(before.status).toBe(200);
    expect(cspOf(before.headers)["frame-ancestors"]).toBe("'none'");
    expect(before.headers.get("x-frame-options")).toBe("DENY");
    // The path holds the session: no Referer may carry it off the page.
    expect(before.headers.get("referrer-policy")).toBe("no-referrer");

    await updatePortalSettings(userId, { ...NO_BRANDING, allowedOrigins: ["http://127.0.0.1:5555", "https://app.example.com"] });
    await updatePortalSettings(otherUserId, { ...NO_BRANDING, allowedOrigins: ["https://other.example.net"] });

    const page = await open(link.url);
    expect(page.status).toBe(200);
    expect(page.html).toContain("Acme Frame Ltd");
    const csp = cspOf(page.headers);
    expect(csp["frame-ancestors"]).toBe("http://127.0.0.1:5555 https://app.example.com");
    expect(page.headers.get("x-frame-options")).toBeNull();
    expect(page.headers.get("referrer-policy")).toBe("no-referrer");
    // Only framing changed: scripts stay nonce-only, and nothing else names the origins.
    expect(csp["script-src"]).toMatch(/^'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'$/);
    expect(csp["default-src"]).toBe("'self'");
    expect(Object.entries(csp).filter(([, value]) => value.includes("app.example.com")).map(([name]) => name)).toEqual(["frame-ancestors"]);

    // Each account's own origins.
    expect(cspOf((await open(otherLink.url)).headers)["frame-ancestors"]).toBe("https://other.example.net");

    // Everything that is not a live portal page of this account still refuses every frame.
    const [consumerId, expiry, mac] = link.token.split(".");
    const refusing: Array<[string, string]> = [
      ["/sign-in", `${origin}/sign-in`],
      ["/", `${origin}/`],
      ["a tampered MAC", portal(changeAt(link.token, consumerId.length + expiry.length + 2, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"))],
      ["a tampered expiry", portal(`${consumerId}.${(parseInt(expiry, 36) + 1).toString(36)}.${mac}`)],
      ["another consumer's id with this MAC", portal(`${otherLink.token.split(".")[0]}.${expiry}.${mac}`)],
      ["not a token", portal("not-a-token")],
      ["/portal with no token", `${origin}/portal`],
    ];
    for (const [what, url] of refusing) {
      const response = await open(url);
      expect(cspOf(response.headers)["frame-ancestors"], what).toBe("'none'");
      expect(response.headers.get("x-frame-options"), what).toBe("DENY");
    }
    // The API keeps its deny-all policy.
    const apiResponse = await api.post(linksOf("acme"));
    expect(apiResponse.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(apiResponse.headers.get("x-frame-options")).toBe("DENY");

    // Revoked: the page is gone and may not be framed either.
    expect((await api.delete(linksOf("acme"))).status).toBe(204);
    const revoked = await open(link.url);
    expect(revoked.status).toBe(404);
    expect(cspOf(revoked.headers)["frame-ancestors"]).toBe("'none'");
    expect(revoked.headers.get("x-frame-options")).toBe("DENY");

    // Cleared origins: back to 'none' for a live link.
    await updatePortalSettings(userId, { ...NO_BRANDING, allowedOrigins: [] });
    const cleared = await open((await newLink(api, "acme")).url);
    expect(cleared.status).toBe(200);
    expect(cspOf(cleared.headers)["frame-ancestors"]).toBe("'none'");
    expect(cleared.headers.get("x-frame-options")).toBe("DENY");
  });

  it("allows the account's logo origin in img-src on its portal pages only", async () => {
    const { api, userId } = await accountWith("portal-logo", { acme: "Acme Logo Ltd" });
    const { api: other } = await accountWith("portal-logo-other", { globex: "Globex Logo Inc" });
    const link = await newLink(api, "acme");
    const otherLink = await newLink(other, "globex");
    const imageSources = async (url: string) => cspOf((await open(url)).headers)["img-src"].split(" ");

    expect(await imageSources(link.url)).not.toContain("https://cdn.example.com");
    await updatePortalSettings(userId, { ...NO_BRANDING, logoUrl: "https://cdn.example.com/logo.png", allowedOrigins: [] });

    const sources = await imageSources(link.url);
    expect(sources).toContain("https://cdn.example.com");
    expect(sources).toContain("'self'");
    // The origin, not the URL.
    expect(sources.join(" ")).not.toContain("logo.png");
    for (const [what, url] of [
      ["/sign-in", `${origin}/sign-in`],
      ["another account's portal", otherLink.url],
      ["a tampered token", portal(link.token.replace(/\.[0-9a-z]+\./, (part) => `.${(parseInt(part.slice(1, -1), 36) + 1).toString(36)}.`))],
    ]) {
      expect(await imageSources(url), what).not.toContain("https://cdn.example.com");
    }
  });
});
