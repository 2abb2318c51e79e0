// Sending an event from the dashboard, following it to its deliveries, and filtering the log.
import { expect, test } from "@playwright/test";
import { addEndpoint, signUp, startReceiver } from "./helpers";

test("send an event from the form, see its fan-out, filter the log by type and status", async ({ page }) => {
  const receiver = await startReceiver(200);
  try {
    await signUp(page);
    await addEndpoint(page, "Warehouse", receiver.url);
    await page.getByRole("link", { name: "Events" }).click();
    const form = page.getByRole("form", { name: "Send event" });

    await form.getByLabel("Type").fill("order created");
    await form.getByLabel("Data (JSON)").fill("{ not json");
    await form.getByRole("button", { name: "Send event" }).click();
    await expect(form.getByText(/Type must be 1–128 characters/)).toBeVisible();
    await expect(form.getByText(/Data must be valid JSON/)).toBeVisible();

    await form.getByLabel("Type").fill("order.created");
    await form.getByLabel("Data (JSON)").fill('{"order": 42}');
    await form.getByRole("button", { name: "Send event" }).click();
    await expect(page.getByRole("status").filter({ hasText: "sent to 1 endpoint" })).toBeVisible();
    await expect.poll(() => receiver.requests.length).toBe(1);
    expect(JSON.parse(receiver.requests[0].body)).toMatchObject({ type: "order.created", data: { order: 42 } });

    await form.getByLabel("Type").fill("invoice.paid");
    await form.getByLabel("Data (JSON)").fill("{}");
    await form.getByRole("button", { name: "Send event" }).click();
    await expect.poll(() => receiver.requests.length).toBe(2);

    await page.getByRole("link", { name: "order.created" }).click();
    await expect(page.getByRole("heading", { name: "order.created" })).toBeVisible();
    await expect(page.getByText('"order": 42')).toBeVisible();
    await expect(page.getByRole("row").filter({ hasText: "Warehouse" })).toContainText("succeeded");

    await page.getByRole("link", { name: "Deliveries" }).click();
    await page.getByLabel("Event type").fill("invoice.paid");
    await page.getByLabel("Status").selectOption("succeeded");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect(page).toHaveURL(/eventType=invoice.paid/);
    await expect(page).toHaveURL(/status=succeeded/);
    const rows = page.getByRole("table").getByRole("row").filter({ hasText: "Warehouse" });
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText("invoice.paid");
    await page.screenshot({ path: "test-results/screenshots/events.png", fullPage: true });
  } finally {
    await receiver.close();
  }
});
