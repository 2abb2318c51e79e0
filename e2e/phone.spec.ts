// On a phone-sized screen every page fits the width (tables scroll inside their own box) and
// the whole navigation stays reachable.
import { expect, test } from "@playwright/test";
import { addEndpoint, signUp, startReceiver } from "./helpers";

test.use({ viewport: { width: 390, height: 844 } });

test("pages fit a 390 px wide screen", async ({ page }) => {
  const receiver = await startReceiver(200);
  try {
    await signUp(page);
    await addEndpoint(page, "Phone receiver", receiver.url);
    await page.getByRole("button", { name: "Send test event" }).click();
    await expect(page.getByRole("region", { name: "Recent deliveries" }).getByRole("row").filter({ hasText: "webhook.test" })).toContainText("succeeded");
    for (const path of ["/overview", "/endpoints", page.url().replace(/^https?:\/\/[^/]+/, ""), "/events", "/deliveries", "/inbox", "/settings", "/api-reference"]) {
      await page.goto(path);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${path} is wider than the screen`).toBeLessThanOrEqual(0);
      for (const link of ["Overview", "Endpoints", "Events", "Deliveries", "Inbox", "Settings", "API"]) {
        await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: link, exact: true })).toBeInViewport();
      }
    }
    await page.goto("/deliveries");
    await page.screenshot({ path: "test-results/screenshots/phone-deliveries.png" });
  } finally {
    await receiver.close();
  }
});
