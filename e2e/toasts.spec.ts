// Toasts: a success confirms and goes away by itself after a few seconds; an error stays until
// it is closed; neither follows the user to another page. The page runs on Playwright's clock,
// so "a few seconds" and "much later" are jumps of the page's timers, not waits.
import { expect, test, type Page } from "@playwright/test";
import { addEndpoint, signUp, startReceiver } from "./helpers";

const toasts = (page: Page) => page.getByRole("button", { name: "Dismiss notification" });

/**
 * Pauses the page's clock 100 ms ahead of its time now. On a loaded machine the page's time can
 * pass that point before pauseAt arrives ("Cannot fast-forward to the past"): then again, from
 * the new time.
 */
async function pauseSoon(page: Page) {
  for (let attempt = 1; ; attempt++) {
    try {
      await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 100);
      return;
    } catch (error) {
      if (attempt === 5 || !String(error).includes("fast-forward to the past")) throw error;
    }
  }
}

/** No toast on the page right now (no waiting: a toast that would time out later must not pass). */
async function expectNoToastNow(page: Page) {
  expect(await toasts(page).count()).toBe(0);
}

test("a success toast dismisses itself after a few seconds", async ({ page }) => {
  const receiver = await startReceiver(200);
  try {
    await page.clock.install();
    await signUp(page);
    await addEndpoint(page, "Toasted", receiver.url);
    // The create action redirected here: its confirmation arrives as a toast (flash cookie).
    const created = page.getByRole("status").filter({ hasText: 'Endpoint "Toasted" created.' });
    await expect(created).toBeVisible();
    // From here the page's time moves only when the test moves it. Until then it ran on its own
    // (for as long as the checks above took on a loaded machine): half the toast's 5 s leaves
    // room for that, and 6 s in all is past its end however long that was.
    await pauseSoon(page);
    await page.clock.runFor(2_500);
    await expect(created).toBeVisible();
    await page.clock.runFor(3_500);
    await expect(created).toHaveCount(0);
    await expect(toasts(page)).toHaveCount(0);
    await page.clock.resume();

    // The same for a toast an action returns on the page itself.
    await page.getByRole("button", { name: "Send test event" }).click();
    const queued = page.getByRole("status").filter({ hasText: /^Test event \S+ queued\.$/ });
    await expect(queued).toBeVisible();
    await page.clock.runFor(6_000);
    await expect(queued).toHaveCount(0);
  } finally {
    await receiver.close();
  }
});

test("a toast does not follow the user to another page, nor come back", async ({ page }) => {
  const receiver = await startReceiver(200);
  try {
    await signUp(page);
    await addEndpoint(page, "Toasted", receiver.url);
    const endpointPath = new URL(page.url()).pathname;
    await expect(page.getByRole("status").filter({ hasText: 'Endpoint "Toasted" created.' })).toBeVisible();
    // Client-side navigation keeps the dashboard layout (and its toaster) alive: the marker
    // below proves the page was not reloaded, which would hide toasts for the wrong reason.
    await page.evaluate(() => Object.assign(window, { sameDocument: true }));
    const nav = page.getByRole("navigation", { name: "Main" });
    await nav.getByRole("link", { name: "Events" }).click();
    await expect(page).toHaveURL(/\/events$/);
    await expect(page.getByRole("heading", { name: "Events", level: 1 })).toBeVisible();
    expect(await page.evaluate(() => "sameDocument" in window)).toBe(true);
    await expectNoToastNow(page);

    await nav.getByRole("link", { name: "Endpoints" }).click();
    await page.getByRole("link", { name: /Toasted/ }).click();
    await expect(page).toHaveURL(new RegExp(`${endpointPath}$`));
    await page.getByRole("button", { name: "Send test event" }).click();
    await expect(page.getByRole("status").filter({ hasText: /^Test event \S+ queued\.$/ })).toBeVisible();
    await nav.getByRole("link", { name: "Deliveries" }).click();
    await expect(page).toHaveURL(/\/deliveries$/);
    await expect(page.getByRole("heading", { name: "Deliveries", level: 1 })).toBeVisible();
    await expectNoToastNow(page);
    await page.goBack();
    await expect(page).toHaveURL(new RegExp(`${endpointPath}$`));
    await expect(page.getByRole("heading", { name: /Toasted/, level: 1 })).toBeVisible();
    await expectNoToastNow(page);
    expect(await page.evaluate(() => "sameDocument" in window)).toBe(true);
  } finally {
    await receiver.close();
  }
});

test("an error toast stays until it is closed", async ({ page, context }) => {
  const receiver = await startReceiver(200);
  try {
    await page.clock.install();
    await signUp(page);
    const endpointId = await addEndpoint(page, "Soon gone", receiver.url);
    await page.clock.runFor(10_000);
    await expect(toasts(page)).toHaveCount(0);

    // Deleted in another tab while this one still shows it.
    const other = await context.newPage();
    await other.goto(`/endpoints/${endpointId}`);
    await other.getByRole("button", { name: "Delete", exact: true }).click();
    await other.getByRole("button", { name: "Delete endpoint" }).click();
    await expect(other).toHaveURL(/\/endpoints$/);
    await other.close();

    await page.getByRole("button", { name: "Reveal secret" }).click();
    const error = page.getByRole("alert").filter({ hasText: "This endpoint no longer exists" });
    await expect(error).toBeVisible();
    await expect(page.getByRole("textbox", { name: "Signing secret" })).toHaveCount(0);

    // Much longer than a success toast lives: still there, until closed.
    await page.clock.runFor(120_000);
    await expect(error).toBeVisible();
    await page.getByRole("button", { name: "Dismiss notification" }).click();
    await expect(error).toHaveCount(0);
  } finally {
    await receiver.close();
  }
});
