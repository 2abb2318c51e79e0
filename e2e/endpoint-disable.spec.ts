// Disabling an endpoint stops deliveries to it; enabling it starts them again. A receiver that
// answers 410 Gone gets its endpoint disabled automatically, and the page says why.
import { expect, test } from "@playwright/test";
import { addEndpoint, signUp, startReceiver } from "./helpers";

test("Disable stops test events, Enable lets them through again", async ({ page }) => {
  const receiver = await startReceiver(200);
  try {
    await signUp(page);
    await addEndpoint(page, "Toggled", receiver.url);
    const heading = page.getByRole("heading", { level: 1 });
    await expect(heading).toContainText("enabled");

    await page.getByRole("button", { name: "Disable", exact: true }).click();
    await expect(heading).toContainText("disabled");
    await expect(page.getByRole("button", { name: "Enable", exact: true })).toBeVisible();
    await expect(page.getByRole("button", { name: "Disable", exact: true })).toHaveCount(0);

    // A disabled endpoint refuses the test event, says so, and nothing is sent.
    await page.getByRole("button", { name: "Send test event" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "The endpoint is disabled" })).toHaveText(
      "The endpoint is disabled: enable it to send a test event.",
    );
    await page.screenshot({ path: "test-results/screenshots/endpoint-disabled.png", fullPage: true });

    // The state is stored, not just shown: it survives a reload.
    await page.reload();
    await expect(heading).toContainText("disabled");
    await expect(page.getByRole("button", { name: "Enable", exact: true })).toBeVisible();
    expect(receiver.requests).toHaveLength(0);

    await page.getByRole("button", { name: "Enable", exact: true }).click();
    await expect(heading).toContainText("enabled");
    await expect(heading).not.toContainText("disabled");
    await expect(page.getByRole("button", { name: "Disable", exact: true })).toBeVisible();

    await page.getByRole("button", { name: "Send test event" }).click();
    await expect(page.getByRole("status").filter({ hasText: /^Test event \S+ queued\.$/ })).toBeVisible();
    await expect.poll(() => receiver.requests.length).toBe(1);
    const row = page.getByRole("region", { name: "Recent deliveries" }).getByRole("row").filter({ hasText: "webhook.test" });
    await expect(row).toContainText("succeeded");
    expect(receiver.requests).toHaveLength(1);
  } finally {
    await receiver.close();
  }
});

test("an endpoint that answers 410 Gone is disabled automatically, with the reason shown", async ({ page }) => {
  const receiver = await startReceiver(200);
  try {
    await signUp(page);
    await addEndpoint(page, "Gone", receiver.url);
    receiver.setStatus(410);
    await page.getByRole("button", { name: "Send test event" }).click();
    await expect.poll(() => receiver.requests.length).toBe(1);

    // The worker records the 410 after the response; reload until the page reflects it.
    const heading = page.getByRole("heading", { level: 1 });
    await expect(async () => {
      await page.reload();
      await expect(heading).toContainText("disabled", { timeout: 1_000 });
    }).toPass({ timeout: 15_000 });
    await expect(page.getByRole("status").filter({ hasText: "410 Gone" })).toContainText(
      /The endpoint answered 410 Gone on .+, so it was disabled automatically\./,
    );
    await expect(page.getByRole("button", { name: "Enable", exact: true })).toBeVisible();
    const row = page.getByRole("region", { name: "Recent deliveries" }).getByRole("row").filter({ hasText: "webhook.test" });
    await expect(row).toContainText("failed");
    await expect(row).toContainText("410");
    await page.screenshot({ path: "test-results/screenshots/endpoint-disabled-410.png", fullPage: true });

    // 410 is final: no retry.
    expect(receiver.requests).toHaveLength(1);
  } finally {
    await receiver.close();
  }
});
