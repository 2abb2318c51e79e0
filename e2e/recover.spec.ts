// After an outage, "Recover" sends the endpoint's failed deliveries again.
import { expect, test } from "@playwright/test";
import { addEndpoint, signUp, startReceiver } from "./helpers";

test("a delivery that failed during an outage is recovered from the endpoint page", async ({ page }) => {
  const receiver = await startReceiver(503);
  try {
    await signUp(page);
    await addEndpoint(page, "Flaky", receiver.url);
    await page.getByRole("button", { name: "Send test event" }).click();
    // The e2e server retries on a 0s,1s,2s schedule: three 503s, then failed.
    const row = page.getByRole("region", { name: "Recent deliveries" }).getByRole("row").filter({ hasText: "webhook.test" });
    await expect(row).toContainText("failed", { timeout: 20_000 });
    expect(receiver.requests).toHaveLength(3);
    await page.reload();
    const health = page.getByRole("definition").filter({ hasText: "%" });
    await expect(health).toHaveText("0.0 %");

    receiver.setStatus(200);
    const recover = page.getByRole("form", { name: "Recover failed deliveries" });
    await recover.getByRole("button", { name: "Recover" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Re-queued" })).toHaveText("Re-queued 1 failed delivery.");
    await expect(row).toContainText("succeeded");
    await page.screenshot({ path: "test-results/screenshots/recover.png", fullPage: true });
    expect(receiver.requests).toHaveLength(4);
    expect(new Set(receiver.requests.map((request) => request.headers["webhook-id"])).size).toBe(1);
    await page.reload();
    await expect(health).toHaveText("100.0 %");
  } finally {
    await receiver.close();
  }
});
