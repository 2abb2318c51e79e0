// A delivery that failed every scheduled attempt is sent again from its page with Retry: same
// webhook-id, a fourth attempt, and the page follows it to "succeeded" on its own.
import { expect, test, type Locator } from "@playwright/test";
import { addEndpoint, signUp, startReceiver } from "./helpers";

test("a failed delivery is retried from its page and succeeds", async ({ page }) => {
  const receiver = await startReceiver(500);
  try {
    await signUp(page);
    await addEndpoint(page, "Broken", receiver.url);
    await page.getByRole("button", { name: "Send test event" }).click();
    await expect(page.getByRole("status").filter({ hasText: /^Test event \S+ queued\.$/ })).toBeVisible();

    // From the log to the delivery page.
    await page.goto("/deliveries");
    await page.getByRole("table").getByRole("link", { name: "webhook.test" }).click();
    await expect(page).toHaveURL(/\/deliveries\/dlv_/);

    const heading = page.getByRole("heading", { level: 1 });
    const attempts = page.getByRole("region", { name: "Attempts" }).getByRole("listitem");
    const detail = (term: string) => page.locator("dl > div").filter({ has: page.getByRole("term").getByText(term, { exact: true }) }).getByRole("definition");
    const attemptCount = detail("Attempts");
    // The e2e server retries on a 0s,1s,2s schedule: three 500s, then failed. The page refreshes
    // itself while the delivery is pending or in flight.
    await expect(heading).toContainText("failed", { timeout: 20_000 });
    await expect(attempts).toHaveCount(3);
    await expectAttempts(attempts, ["500", "500", "500"]);
    await expect(attemptCount).toHaveText("3");
    expect(receiver.requests).toHaveLength(3);
    await page.screenshot({ path: "test-results/screenshots/delivery-failed.png", fullPage: true });

    receiver.setStatus(200);
    await page.getByRole("button", { name: "Retry" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Queued" })).toHaveText("Queued: the worker will attempt it again now.");

    // No reload: the page follows the new attempt by itself.
    await expect(heading).toContainText("succeeded");
    await expect(attempts).toHaveCount(4);
    await expectAttempts(attempts, ["500", "500", "500", "200"]);
    await expect(attemptCount).toHaveText("4");
    await page.screenshot({ path: "test-results/screenshots/delivery-retried.png", fullPage: true });

    // One message, delivered four times under the same webhook-id.
    expect(receiver.requests).toHaveLength(4);
    const webhookId = (await detail("Event (webhook-id)").textContent())?.trim();
    expect(webhookId).toBeTruthy();
    expect(receiver.requests.map((request) => request.headers["webhook-id"])).toEqual([webhookId, webhookId, webhookId, webhookId]);
  } finally {
    await receiver.close();
  }
});

async function expectAttempts(attempts: Locator, statuses: string[]): Promise<void> {
  for (const [index, status] of statuses.entries()) {
    await expect(attempts.nth(index).getByRole("heading", { level: 3 })).toContainText(new RegExp(`^Attempt ${index + 1}\\s*${status}`));
  }
}
