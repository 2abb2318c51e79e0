// Deleting an endpoint asks for confirmation, removes it from the list and its URL, and keeps its
// deliveries in the log.
import { expect, test } from "@playwright/test";
import { addEndpoint, signUp, startReceiver } from "./helpers";

test("Delete asks first, removes the endpoint, and keeps its history in the log", async ({ page }) => {
  const receiver = await startReceiver(200);
  try {
    await signUp(page);
    // A second endpoint, so the list is not empty after the delete and shows what remains.
    await addEndpoint(page, "Keeper", receiver.url);
    const endpointId = await addEndpoint(page, "Doomed", receiver.url);
    const endpointPath = `/endpoints/${endpointId}`;

    await page.getByRole("button", { name: "Send test event" }).click();
    await expect.poll(() => receiver.requests.length).toBe(1);
    const recent = page.getByRole("region", { name: "Recent deliveries" }).getByRole("row").filter({ hasText: "webhook.test" });
    await expect(recent).toContainText("succeeded");

    // Delete only asks; Cancel leaves everything as it was.
    await page.getByRole("button", { name: "Delete", exact: true }).click();
    const confirm = page.getByRole("button", { name: "Delete endpoint" });
    const cancel = page.getByRole("button", { name: "Cancel" });
    await expect(confirm).toBeVisible();
    await expect(cancel).toBeVisible();
    await expect(page.getByText("Delete this endpoint? Its history stays in the log.")).toBeVisible();
    await page.screenshot({ path: "test-results/screenshots/endpoint-delete-confirm.png", fullPage: true });
    await cancel.click();
    await expect(confirm).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Delete", exact: true })).toBeVisible();
    await page.reload();
    await expect(page).toHaveURL(new RegExp(`${endpointPath}$`));
    await expect(page.getByRole("heading", { level: 1 })).toContainText("Doomed");

    await page.getByRole("button", { name: "Delete", exact: true }).click();
    await page.getByRole("button", { name: "Delete endpoint" }).click();
    await expect(page).toHaveURL(/\/endpoints$/);
    // The action redirected, so its confirmation arrives as a toast on the list page.
    await expect(page.getByRole("status").filter({ hasText: "Endpoint deleted." })).toBeVisible();
    const list = page.getByRole("list").filter({ has: page.getByRole("link", { name: /Keeper/ }) });
    await expect(list.getByRole("link", { name: /Keeper/ })).toBeVisible();
    await expect(page.getByRole("link", { name: /Doomed/ })).toHaveCount(0);
    await expect(page.locator(`a[href="${endpointPath}"]`)).toHaveCount(0);
    await page.screenshot({ path: "test-results/screenshots/endpoint-deleted.png", fullPage: true });

    // The delivery made before the delete is still in the log.
    await page.goto("/deliveries");
    const row = page.getByRole("table").getByRole("row").filter({ hasText: "webhook.test" });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText("succeeded");
    await expect(row).toContainText("Doomed");

    // The endpoint's own page is gone. (Not the HTTP status: the dashboard's loading.tsx makes
    // pages stream, so Next sends 200 before the page calls notFound().)
    await page.goto(endpointPath);
    await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
    await expect(page.getByText("This page does not exist, or it belongs to another account.")).toBeVisible();
    await expect(page.getByRole("button", { name: "Send test event" })).toHaveCount(0);
    await page.screenshot({ path: "test-results/screenshots/endpoint-deleted-not-found.png", fullPage: true });
    expect(receiver.requests).toHaveLength(1);
  } finally {
    await receiver.close();
  }
});
