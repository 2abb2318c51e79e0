// The built-in inbox: a receiver served by Hookline itself, with signature checking.
import { expect, test } from "@playwright/test";
import { addEndpoint, expectAccessible, signUp, startReceiver } from "./helpers";

test("a test event sent to the built-in inbox shows up there with a valid signature", async ({ page }) => {
  const other = await startReceiver(200);
  try {
    await signUp(page);
    await addEndpoint(page, "Somewhere else", other.url);
    await page.getByRole("link", { name: "Inbox" }).click();
    await expect(page.getByText("Nothing received yet.")).toBeVisible();
    const inboxUrl = await page.getByLabel("Your inbox URL").inputValue();
    expect(inboxUrl).toMatch(/\/api\/inbox\/[A-Za-z0-9_-]{24}$/);
    // No endpoint points here yet: nothing is preselected (not the unrelated endpoint).
    const check = page.getByRole("form", { name: "Check signatures" });
    const secretOf = check.getByLabel(/Check signatures with the secret of/);
    await expect(secretOf).toHaveValue("");

    await page.getByRole("button", { name: "Add as endpoint" }).click();
    await expect(page).toHaveURL(/\/endpoints\/ep_/);
    const inboxEndpointId = page.url().split("/").pop()!;
    await expect(page.getByRole("heading", { name: /Built-in inbox/ })).toBeVisible();
    await page.getByRole("button", { name: "Send test event" }).click();
    await expect(page.getByRole("region", { name: "Recent deliveries" }).getByRole("row").filter({ hasText: "webhook.test" })).toContainText("succeeded");

    await page.getByRole("link", { name: "Inbox" }).click();
    const received = page.getByRole("list", { name: "Received requests" }).getByRole("listitem");
    await expect(received).toHaveCount(1);
    await expect(received.first()).toContainText("POST");
    await expect(received.first()).toContainText("Hello Built-in inbox, current time is");

    // The endpoint that delivers here is preselected, and its secret already checks what arrived.
    await expect(secretOf).toHaveValue(inboxEndpointId);
    await expect(secretOf.locator("option:checked")).toHaveText("Built-in inbox");
    await expect(received.first()).toContainText("signature valid");

    await secretOf.selectOption({ label: "Somewhere else" });
    await check.getByRole("button", { name: "Check" }).click();
    await expect(received.first()).toContainText("signature invalid: no signature matches");
    await expect(secretOf.locator("option:checked")).toHaveText("Somewhere else");

    // Choosing no endpoint is a choice too: the default does not come back.
    await secretOf.selectOption({ label: "(no endpoint)" });
    await check.getByRole("button", { name: "Check" }).click();
    await expect(page).toHaveURL(/[?&]endpoint=(&|$)/);
    await expect(received.first()).not.toContainText(/signature (valid|invalid)/);
    await expect(secretOf).toHaveValue("");

    // An unknown inbox token is a 404, and the inbox accepts nothing for it.
    const response = await page.request.post(inboxUrl.replace(/[^/]+$/, "no-such-inbox"), { data: { hello: "world" } });
    expect(response.status()).toBe(404);

    await expectAccessible(page, "inbox");
    await page.screenshot({ path: "test-results/screenshots/inbox.png", fullPage: true });
  } finally {
    await other.close();
  }
});

test("an inbox of large requests is shown a page at a time, the newest first", async ({ page }) => {
  await signUp(page);
  await page.getByRole("link", { name: "Inbox" }).click();
  const inboxUrl = await page.getByLabel("Your inbox URL").inputValue();
  // Five bodies of 250 KB: four fit in the page's 1 MiB of bodies, the fifth goes to the next page.
  for (let index = 1; index <= 5; index++) {
    const response = await page.request.post(inboxUrl, { headers: { "content-type": "text/plain" }, data: `request ${index} `.padEnd(250_000, "x") });
    expect(response.status()).toBe(200);
  }

  await page.reload();
  const received = page.getByRole("list", { name: "Received requests" }).getByRole("listitem");
  const pages = page.getByRole("navigation", { name: "Inbox pages" });
  await expect(received).toHaveCount(4);
  await expect(received.first()).toContainText("request 5 ");
  await expect(received.last()).toContainText("request 2 ");
  await expect(pages.getByRole("link", { name: "Latest requests" })).toHaveCount(0);

  await pages.getByRole("link", { name: "Older requests" }).click();
  await expect(page).toHaveURL(/\/inbox\?before=inb_/);
  await expect(received).toHaveCount(1);
  await expect(received.first()).toContainText("request 1 ");
  await expect(pages.getByRole("link", { name: "Older requests" })).toHaveCount(0);

  await pages.getByRole("link", { name: "Latest requests" }).click();
  await expect(page).toHaveURL(/\/inbox$/);
  await expect(received).toHaveCount(4);
});
