// The overview: last-hour chart by outcome, 24 h success rate and latency, endpoints needing attention.
import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { addEndpoint, signUp, startReceiver } from "./helpers";

test("the overview counts deliveries by outcome and lists failing endpoints", async ({ page }) => {
  const healthy = await startReceiver(200);
  const broken = await startReceiver(500);
  try {
    await signUp(page);
    await page.goto("/overview");
    await expect(page.getByText("Nothing sent in the last hour.")).toBeVisible();
    await expect(page.getByText("All endpoints are enabled and delivering.")).toBeVisible();

    await addEndpoint(page, "Healthy", healthy.url);
    await page.getByRole("button", { name: "Send test event" }).click();
    await expect.poll(() => healthy.requests.length).toBe(1);
    await addEndpoint(page, "Broken", broken.url);
    await page.getByRole("button", { name: "Send test event" }).click();
    // 0s,1s,2s schedule on the e2e server: three 500s, then failed.
    await expect.poll(() => broken.requests.length, { timeout: 20_000 }).toBe(3);
    await expect(page.getByRole("region", { name: "Recent deliveries" }).getByRole("row").filter({ hasText: "webhook.test" })).toContainText("failed");

    await page.goto("/overview");
    const stats = page.getByRole("definition");
    await expect(page.getByText("Deliveries (24 h)").locator("..")).toContainText("2");
    await expect(page.getByText("Success rate (24 h)").locator("..")).toContainText("50.0 %");
    await expect(stats.filter({ hasText: / ms$/ }).first()).toBeVisible();
    await expect(page.getByRole("img", { name: /Deliveries per minute, last hour: 2 in total/ })).toBeVisible();
    const attention = page.getByRole("region", { name: "Endpoints needing attention" });
    await expect(attention.getByRole("link", { name: "Broken" })).toBeVisible();
    await expect(attention).toContainText("3 attempts in a row");
    await expect(attention.getByRole("link", { name: "Healthy" })).toHaveCount(0);

    const results = await new AxeBuilder({ page }).analyze();
    expect(results.violations.filter((violation) => violation.impact === "serious" || violation.impact === "critical").map((violation) => violation.id)).toEqual([]);
    await page.screenshot({ path: "test-results/screenshots/overview.png", fullPage: true });
  } finally {
    await healthy.close();
    await broken.close();
  }
});
