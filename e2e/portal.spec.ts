// The consumer's side of the endpoint portal (SPEC §12), in a browser that has no account cookie:
// a portal link opens only that consumer's endpoints; an endpoint added there gets a test event
// signed with the secret the portal reveals, its delivery shows in the portal's logs and is
// retried from its page. Another consumer's ids and the account's own are 404 pages, account
// pages send the visitor to sign-in, a revoked link is dead. Embedding: a page on an allowed
// origin frames the portal (with the account's brand); a page on any other origin is refused.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { Webhook } from "standardwebhooks";
import { createApiKey, expectAccessible, signUp, startReceiver } from "./helpers";

/** A page server on 127.0.0.1 (random port) that answers every GET with `html`. */
async function startPageServer(html: string): Promise<{ origin: string; close: () => Promise<void> }> {
  const server: Server = createServer((_req, res) => void res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(html));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function embeddingPage(portalUrl: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Acme dashboard</title></head>
<body><h1>Acme dashboard</h1><iframe src="${portalUrl}" title="Webhooks portal" width="1000" height="700"></iframe></body></html>`;
}

/** The REST API with the account's key (the `request` fixture shares no cookie with any page). */
function apiOf(request: APIRequestContext, key: string) {
  const headers = { authorization: `Bearer ${key}` };
  return {
    async post<T = Record<string, unknown>>(path: string, data: unknown, status = 201): Promise<T> {
      const response = await request.post(path, { headers, data });
      expect(response.status(), `POST ${path}: ${await response.text()}`).toBe(status);
      return (await response.json()) as T;
    },
    async get<T = Record<string, unknown>>(path: string): Promise<T> {
      const response = await request.get(path, { headers });
      expect(response.status(), `GET ${path}`).toBe(200);
      return (await response.json()) as T;
    },
    async delete(path: string): Promise<void> {
      const response = await request.delete(path, { headers });
      expect(response.status(), `DELETE ${path}`).toBe(204);
    },
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

async function expectNotFound(page: Page, path: string): Promise<void> {
  const response = await page.goto(path);
  expect(response!.status(), path).toBe(404);
  await expect(page.getByRole("heading", { level: 1, name: "Not found" })).toBeVisible();
}

test("a consumer's portal: only its endpoints, a signed test event, its log with Retry; 404 for the rest; revocable; framed only by allowed origins", async ({
  page,
  browser,
  request,
}) => {
  test.setTimeout(120_000);
  const receiver = await startReceiver(200);
  const elsewhere = await startReceiver(200);
  const portalContext = await browser.newContext();
  const embedderContext = await browser.newContext();
  const pageServers: Array<{ close: () => Promise<void> }> = [];
  try {
    // 1. The account: two consumers, an endpoint each and one of its own (API).
    await signUp(page);
    const api = apiOf(request, await createApiKey(page));
    await api.post("/api/v1/consumers", { uid: "acme", name: "Acme Corp" });
    await api.post("/api/v1/consumers", { uid: "globex", name: "Globex" });
    const acmeEndpoint = await api.post<{ id: string }>("/api/v1/endpoints", { name: "Acme orders", url: elsewhere.url, consumer: "acme" });
    const globexEndpoint = await api.post<{ id: string }>("/api/v1/endpoints", { name: "Globex orders", url: elsewhere.url, consumer: "globex" });
    const accountEndpoint = await api.post<{ id: string }>("/api/v1/endpoints", { name: "Account hooks", url: elsewhere.url });
    // An event for globex only: one delivery, to globex's endpoint, which acme must not see.
    const globexEvent = await api.post<{ deliveries: number }>("/api/v1/events", { type: "invoice.paid", data: { invoice: 7 }, consumer: "globex" }, 202);
    expect(globexEvent.deliveries).toBe(1);
    await expect.poll(() => elsewhere.requests.length).toBe(1);
    const globexDeliveries = await api.get<{ data: Array<{ id: string }> }>(`/api/v1/deliveries?endpointId=${globexEndpoint.id}`);
    expect(globexDeliveries.data).toHaveLength(1);
    const globexDeliveryId = globexDeliveries.data[0].id;
    const link = await api.post<{ url: string; expiresAt: string }>("/api/v1/consumers/acme/portal-links", { expiresIn: 3600 });
    expect(link.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/portal\/[^/]+$/);
    const base = new URL(link.url).pathname;
    const portalUrl = (path = "") => `${link.url}${path}`;

    // 2. The portal, in a browser with no account cookie: acme's endpoint only.
    const portal = await portalContext.newPage();
    await portal.goto(link.url);
    await expect(portal.getByRole("heading", { level: 1, name: "Endpoints" })).toBeVisible();
    const banner = portal.getByRole("banner");
    await expect(banner).toContainText("Hookline");
    await expect(banner).toContainText("Acme Corp");
    const nav = portal.getByRole("navigation", { name: "Portal" });
    await expect(nav.getByRole("link")).toHaveText(["Endpoints", "Deliveries"]);
    await expect(portal.getByRole("link", { name: /^Acme orders/ })).toHaveAttribute("href", `${base}/endpoints/${acmeEndpoint.id}`);
    await expect(portal.getByRole("link", { name: /^Globex orders/ })).toHaveCount(0);
    await expect(portal.getByRole("link", { name: /^Account hooks/ })).toHaveCount(0);
    await expectAccessible(portal, "portal endpoints");

    // With a catalog, the portal shows it, read-only.
    await api.post("/api/v1/event-types", { name: "order.created", description: "An order was placed." });
    await portal.reload();
    await expect(nav.getByRole("link")).toHaveText(["Endpoints", "Deliveries", "Event types"]);
    await nav.getByRole("link", { name: "Event types" }).click();
    await expect(portal).toHaveURL(portalUrl("/event-types"));
    await expect(portal.getByRole("heading", { level: 1, name: "Event types" })).toBeVisible();
    await expect(portal.getByRole("heading", { level: 2, name: "order.created" })).toBeVisible();
    await expect(portal.getByText("An order was placed.")).toBeVisible();
    await expect(portal.getByRole("main").getByRole("button")).toHaveCount(0);
    await nav.getByRole("link", { name: "Endpoints" }).click();
    await expect(portal).toHaveURL(portalUrl());

    // Add an endpoint by form, pointing at the receiver.
    await portal.getByRole("button", { name: "Add endpoint" }).first().click();
    await portal.getByLabel("Name").fill("Acme local");
    await portal.getByLabel("URL").fill(receiver.url);
    await portal.getByLabel("Description").fill("Orders for the local shop");
    await portal.getByRole("button", { name: "Create endpoint" }).click();
    await expect(portal).toHaveURL(new RegExp(`^${escapeRegExp(portalUrl("/endpoints/ep_"))}[^/]+$`));
    const newEndpointId = portal.url().split("/").pop()!;
    await expect(portal.getByRole("heading", { level: 1 })).toContainText("Acme local");
    await expect(portal.getByText("Orders for the local shop")).toBeVisible();
    // It is acme's: the account sees it under the consumer.
    expect((await api.get<{ consumer: string | null }>(`/api/v1/endpoints/${newEndpointId}`)).consumer).toBe("acme");

    await portal.getByRole("button", { name: "Reveal secret" }).click();
    const secret = await portal.getByRole("textbox", { name: "Signing secret" }).inputValue();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    await expect(portal.getByRole("combobox", { name: "Test event type" })).toHaveValue("");
    await portal.getByRole("button", { name: "Send test event" }).click();
    await expect(portal.getByRole("status").filter({ hasText: /^Test event \S+ queued\.$/ })).toBeVisible();
    await expect.poll(() => receiver.requests.length).toBe(1);
    const [first] = receiver.requests;
    expect(first.method).toBe("POST");
    const verified = new Webhook(secret).verify(first.body, first.headers as Record<string, string>) as { type: string; data: { message: string } };
    expect(verified.type).toBe("webhook.test");
    expect(verified.data.message).toMatch(/^Hello Acme local, current time is /);

    // In the endpoint's Recent deliveries (refreshing itself), linking to the portal's page.
    const recent = portal.getByRole("region", { name: "Recent deliveries" });
    const recentRow = recent.getByRole("row").filter({ hasText: "webhook.test" });
    await expect(recentRow).toContainText("succeeded");
    await expect(recentRow).toContainText("200");
    await expect(recentRow.getByRole("link", { name: "webhook.test" })).toHaveAttribute("href", new RegExp(`^${escapeRegExp(base)}/deliveries/dlv_`));
    await expectAccessible(portal, "portal endpoint page");

    // The portal's Deliveries: acme's delivery, not globex's.
    await nav.getByRole("link", { name: "Deliveries" }).click();
    await expect(portal).toHaveURL(portalUrl("/deliveries"));
    await expect(portal.getByRole("heading", { level: 1, name: "Deliveries" })).toBeVisible();
    const table = portal.getByRole("table");
    const row = table.getByRole("row").filter({ hasText: "webhook.test" });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText("Acme local");
    await expect(row).toContainText("succeeded");
    await expect(table).not.toContainText("invoice.paid");
    await expect(table).not.toContainText("Globex orders");
    await expectAccessible(portal, "portal deliveries");

    // Its page: one attempt; Retry sends it again, and the page follows the second attempt.
    await row.getByRole("link", { name: "webhook.test" }).click();
    await expect(portal).toHaveURL(new RegExp(`^${escapeRegExp(portalUrl("/deliveries/dlv_"))}[^/]+$`));
    const heading = portal.getByRole("heading", { level: 1 });
    await expect(heading).toContainText("webhook.test");
    await expect(heading).toContainText("succeeded");
    const attempts = portal.getByRole("region", { name: "Attempts" }).getByRole("listitem");
    await expect(attempts).toHaveCount(1);
    await expect(attempts.nth(0).getByRole("heading", { level: 3 })).toContainText(/^Attempt 1\s*200/);
    await expect(portal.getByRole("link", { name: "Acme local" })).toHaveAttribute("href", `${base}/endpoints/${newEndpointId}`);
    await expectAccessible(portal, "portal delivery page");
    const retry = portal.getByRole("button", { name: "Retry" });
    await expect(retry).toBeEnabled();
    await retry.click();
    await expect(portal.getByRole("status").filter({ hasText: /^Queued/ })).toBeVisible();
    await expect.poll(() => receiver.requests.length).toBe(2);
    const second = receiver.requests[1];
    expect(second.headers["webhook-id"]).toBe(first.headers["webhook-id"]);
    expect(new Webhook(secret).verify(second.body, second.headers as Record<string, string>)).toMatchObject({ type: "webhook.test" });
    await expect(attempts).toHaveCount(2);
    await expect(attempts.nth(1).getByRole("heading", { level: 3 })).toContainText(/^Attempt 2\s*200/);
    await expect(heading).toContainText("succeeded");

    // 3. Globex's endpoint and delivery, and the account's endpoint: as absent as unknown ids.
    await expectNotFound(portal, `${base}/endpoints/${globexEndpoint.id}`);
    await expectNotFound(portal, `${base}/deliveries/${globexDeliveryId}`);
    await expectNotFound(portal, `${base}/endpoints/${accountEndpoint.id}`);
    await expectNotFound(portal, `${base}/endpoints/ep_doesnotexist`);
    // A tampered link opens nothing.
    const signatureAt = base.lastIndexOf(".") + 1;
    const tampered = `${base.slice(0, signatureAt)}${base[signatureAt] === "A" ? "B" : "A"}${base.slice(signatureAt + 1)}`;
    await expectNotFound(portal, tampered);
    // The portal is no account session: account pages send it to sign-in.
    for (const accountPage of ["/endpoints", "/settings", `/endpoints/${acmeEndpoint.id}`]) {
      await portal.goto(accountPage);
      await expect(portal, accountPage).toHaveURL(/\/sign-in$/);
    }
    // Nor can it reach the REST API.
    expect((await portal.request.get("/api/v1/endpoints")).status()).toBe(401);

    // 5. Revoked: the same link is dead at once.
    await portal.goto(link.url);
    await expect(portal.getByRole("heading", { level: 1, name: "Endpoints" })).toBeVisible();
    await api.delete("/api/v1/consumers/acme/portal-links");
    const reloaded = await portal.reload();
    expect(reloaded!.status()).toBe(404);
    await expect(portal.getByRole("heading", { level: 1, name: "Not found" })).toBeVisible();
    await expect(portal.getByRole("link", { name: /^Acme/ })).toHaveCount(0);

    // 6. Embedding. A new link; a page on an allowed origin frames it, any other origin is refused.
    const embedLink = await api.post<{ url: string }>("/api/v1/consumers/acme/portal-links", {});
    const allowedSite = await startPageServer(embeddingPage(embedLink.url));
    pageServers.push(allowedSite);
    const otherSite = await startPageServer(embeddingPage(embedLink.url));
    pageServers.push(otherSite);
    expect(otherSite.origin).not.toBe(allowedSite.origin);

    // Before any allowed origin, nothing may frame the portal.
    const before = await request.get(embedLink.url);
    expect(before.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");

    await page.goto("/settings");
    const form = page.getByRole("form", { name: "Endpoint portal" });
    await form.getByLabel("Brand name").fill("Acme Webhooks");
    await form.getByLabel("Accent colour").fill("#0f766e");
    await form.getByLabel("Allowed origins").fill(allowedSite.origin);
    await form.getByRole("button", { name: "Save portal settings" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Portal settings saved." })).toBeVisible();
    await page.reload();
    await expect(form.getByLabel("Allowed origins")).toHaveValue(allowedSite.origin);

    const framedHeaders = (await request.get(embedLink.url)).headers();
    expect(framedHeaders["content-security-policy"]).toContain(`frame-ancestors ${allowedSite.origin}`);
    expect(framedHeaders["x-frame-options"]).toBeUndefined();
    // Account pages still refuse every frame.
    expect((await request.get("/sign-in")).headers()["content-security-policy"]).toContain("frame-ancestors 'none'");

    // The allowed origin: the portal renders inside the frame, with the account's brand.
    const embedder = await embedderContext.newPage();
    const violations: string[] = [];
    embedder.on("console", (message) => {
      if (message.text().includes("frame-ancestors")) violations.push(message.text());
    });
    await embedder.goto(allowedSite.origin);
    const frame = embedder.frameLocator('iframe[title="Webhooks portal"]');
    await expect(frame.getByRole("heading", { level: 1, name: "Endpoints" })).toBeVisible();
    await expect(frame.getByRole("banner")).toContainText("Acme Webhooks");
    await expect(frame.getByRole("banner")).not.toContainText("Hookline");
    // The accent colour themes the primary buttons (white text on it stays readable: the settings check).
    await expect(frame.getByRole("button", { name: "Add endpoint" })).toHaveCSS("background-color", "rgb(15, 118, 110)");
    await expect(frame.getByRole("link", { name: /^Acme local/ })).toBeVisible();
    expect(embedder.frames().find((child) => child !== embedder.mainFrame())?.url()).toBe(embedLink.url);
    expect(violations).toEqual([]);
    await embedder.screenshot({ path: "test-results/screenshots/portal-embedded.png" });

    // Another origin (same host, another port): the browser refuses to render the frame.
    await embedder.goto(otherSite.origin);
    await expect(embedder.getByRole("heading", { level: 1, name: "Acme dashboard" })).toBeVisible();
    await expect.poll(() => violations.length).toBeGreaterThan(0);
    expect(violations[0]).toContain(`frame-ancestors ${allowedSite.origin}`);
    // Chromium puts its error page where the refused document would have been (it may commit it
    // after reporting the violation).
    await expect.poll(() => embedder.frames().find((child) => child !== embedder.mainFrame())?.url()).toBe("chrome-error://chromewebdata/");
    await expect(frame.getByRole("heading", { level: 1, name: "Endpoints" })).toHaveCount(0);
    await expect(frame.getByText("Acme Webhooks")).toHaveCount(0);
  } finally {
    for (const server of pageServers) await server.close();
    await embedderContext.close();
    await portalContext.close();
    await receiver.close();
    await elsewhere.close();
  }
});
