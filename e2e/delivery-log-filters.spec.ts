// The delivery log filtered by endpoint and status: the filters land in the URL (so a filtered
// view can be bookmarked or shared) and only matching rows are listed.
import { expect, test } from "@playwright/test";
import { addEndpoint, signUp, startReceiver } from "./helpers";

test("filter the log by status and endpoint", async ({ page }) => {
  const healthy = await startReceiver(200);
  const broken = await startReceiver(500);
  try {
    await signUp(page);
    const healthyId = await addEndpoint(page, "Healthy shop", healthy.url);
    await page.getByRole("button", { name: "Send test event" }).click();
    await expect(page.getByRole("status").filter({ hasText: /^Test event \S+ queued\.$/ })).toBeVisible();
    const brokenId = await addEndpoint(page, "Broken shop", broken.url);
    await page.getByRole("button", { name: "Send test event" }).click();
    await expect(page.getByRole("status").filter({ hasText: /^Test event \S+ queued\.$/ })).toBeVisible();
    // The e2e server retries on a 0s,1s,2s schedule: the broken endpoint's delivery fails for good.
    await expect.poll(() => broken.requests.length, { timeout: 20_000 }).toBe(3);
    await expect.poll(() => healthy.requests.length).toBe(1);

    await page.goto("/deliveries");
    const rows = page.getByRole("table").getByRole("row").filter({ hasText: "webhook.test" });
    await expect(rows).toHaveCount(2);
    await expect(rows.filter({ hasText: "Broken shop" })).toContainText("failed", { timeout: 20_000 });

    await page.getByLabel("Endpoint").selectOption({ label: "Broken shop" });
    await page.getByLabel("Status").selectOption("failed");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect(page).toHaveURL(new RegExp(`endpointId=${brokenId}`));
    await expect(page).toHaveURL(/status=failed/);
    await expect(rows).toHaveCount(1);
    await expect(rows).toContainText("Broken shop");
    await expect(rows).toContainText("failed");
    await page.screenshot({ path: "test-results/screenshots/delivery-log-filters.png", fullPage: true });

    // Same endpoint, a status it has no rows in: the empty state says so.
    await page.getByLabel("Status").selectOption("succeeded");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect(page).toHaveURL(/status=succeeded/);
    await expect(page.getByText("No deliveries match these filters.")).toBeVisible();
    await expect(rows).toHaveCount(0);

    // The other endpoint's succeeded delivery, straight from a URL.
    await page.goto(`/deliveries?endpointId=${healthyId}&status=succeeded`);
    await expect(page.getByLabel("Endpoint")).toHaveValue(healthyId);
    await expect(rows).toHaveCount(1);
    await expect(rows).toContainText("Healthy shop");
    await expect(rows).toContainText("succeeded");

    await page.getByRole("link", { name: "Clear filters" }).click();
    await expect(page).toHaveURL(/\/deliveries$/);
    await expect(rows).toHaveCount(2);
  } finally {
    await healthy.close();
    await broken.close();
  }
});
