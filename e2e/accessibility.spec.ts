// No serious or critical accessibility violation (axe-core) on the main screens.
import { expect, test } from "@playwright/test";
import { addEndpoint, expectAccessible, signUp, startReceiver } from "./helpers";


test("sign-in, endpoints, endpoint, events, deliveries, delivery, settings and API pages pass axe", async ({ page }) => {
  const receiver = await startReceiver(200);
  try {
    await page.goto("/sign-in");
    await expectAccessible(page, "sign-in");
    await page.goto("/sign-up");
    await expectAccessible(page, "sign-up");

    await signUp(page);
    await expectAccessible(page, "endpoints (empty)");
    await addEndpoint(page, "Axe receiver", receiver.url);
    await page.getByRole("button", { name: "Send test event" }).click();
    await expect.poll(() => receiver.requests.length).toBe(1);
    await page.reload();
    await expectAccessible(page, "endpoint page");

    await page.goto("/endpoints");
    await expectAccessible(page, "endpoints");
    await page.goto("/events");
    await expectAccessible(page, "events");
    await page.goto("/deliveries");
    await expect(page.getByRole("row").filter({ hasText: "succeeded" })).toHaveCount(1);
    await expectAccessible(page, "deliveries");
    await page.getByRole("link", { name: "webhook.test" }).click();
    await expect(page.getByRole("heading", { name: /webhook\.test/ })).toBeVisible();
    await expectAccessible(page, "delivery page");
    await page.goto("/settings");
    await expectAccessible(page, "settings");
    await page.goto("/api-reference");
    await expectAccessible(page, "API reference");
  } finally {
    await receiver.close();
  }
});
