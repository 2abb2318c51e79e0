// Consumers from the dashboard (SPEC §12): add one (mistakes and a taken uid beside their
// fields), move an endpoint to it with the endpoint's Consumer select, see it on the consumer's
// page and in the endpoints list, rename it, and delete it with its endpoints, while an
// account-level endpoint stays. Unknown and foreign uids are 404 pages.
import { expect, test } from "@playwright/test";
import { addEndpoint, expectAccessible, signUp, startReceiver } from "./helpers";

test("add a consumer → move an endpoint to it → its page lists it → rename → delete with its endpoints", async ({ page, browser }) => {
  const receiver = await startReceiver(200);
  const stranger = await browser.newContext();
  try {
    await signUp(page);
    const nav = page.getByRole("navigation", { name: "Main" });
    await nav.getByRole("link", { name: "Consumers", exact: true }).click();
    await expect(page).toHaveURL(/\/consumers$/);
    await expect(page.getByRole("heading", { level: 1, name: "Consumers" })).toBeVisible();
    await expect(page.getByRole("heading", { name: "No consumers yet" })).toBeVisible();
    await expectAccessible(page, "consumers (empty)");

    // Mistakes are refused beside their fields, and what was typed stays.
    const form = page.getByRole("form", { name: "Add consumer" });
    await form.getByLabel("UID").fill("acme corp");
    await form.getByRole("button", { name: "Create consumer" }).click();
    await expect(form.getByLabel("UID")).toHaveAttribute("aria-invalid", "true");
    await expect(form.getByLabel("UID")).toHaveAccessibleDescription(/letters, digits/);
    await expect(form.getByLabel("Name")).toHaveAttribute("aria-invalid", "true");
    await expect(form.getByLabel("Name")).toHaveAccessibleDescription("Name is required");
    await expect(form.getByLabel("UID")).toHaveValue("acme corp");

    await form.getByLabel("UID").fill("acme-corp");
    await form.getByLabel("Name").fill("Acme Corp");
    await form.getByRole("button", { name: "Create consumer" }).click();
    await expect(page).toHaveURL(/\/consumers\/acme-corp$/);
    await expect(page.getByRole("status").filter({ hasText: "Consumer Acme Corp added." })).toBeVisible();
    await expect(page.getByRole("heading", { level: 1, name: "Acme Corp" })).toBeVisible();
    await expect(page.getByRole("region", { name: "Endpoints" })).toContainText("No endpoints yet.");

    // Listed; a uid the account already has is refused beside UID.
    await page.getByRole("link", { name: "← Consumers" }).click();
    await expect(page).toHaveURL(/\/consumers$/);
    const row = page.getByRole("row").filter({ has: page.getByRole("link", { name: "acme-corp", exact: true }) });
    await expect(row.getByRole("cell")).toHaveText(["acme-corp", "Acme Corp", "0"]);
    await page.getByRole("button", { name: "Add consumer" }).click();
    await form.getByLabel("UID").fill("acme-corp");
    await form.getByLabel("Name").fill("Another Acme");
    await form.getByRole("button", { name: "Create consumer" }).click();
    await expect(form.getByLabel("UID")).toHaveAttribute("aria-invalid", "true");
    await expect(form.getByLabel("UID")).toHaveAccessibleDescription("This account already has a consumer with uid acme-corp.");
    await expect(form.getByLabel("Name")).not.toHaveAttribute("aria-invalid", "true");
    await form.getByRole("button", { name: "Cancel" }).click();
    await expectAccessible(page, "consumers");

    // An account-level endpoint, and one moved to the consumer with the Consumer select.
    await addEndpoint(page, "Account hooks", receiver.url);
    const endpointId = await addEndpoint(page, "Acme hooks", receiver.url);
    const settings = page.getByRole("region", { name: "Settings" });
    const consumerSelect = settings.getByLabel("Consumer", { exact: true });
    await expect(consumerSelect).toHaveValue("");
    await expect(consumerSelect.getByRole("option")).toHaveText(["None (account-level endpoint)", "Acme Corp (acme-corp)"]);
    await consumerSelect.selectOption({ label: "Acme Corp (acme-corp)" });
    await settings.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Saved." })).toHaveText("Saved.");
    await expect(page.getByText(/^Belongs to consumer Acme Corp/)).toBeVisible();
    await page.reload();
    await expect(page.getByRole("region", { name: "Settings" }).getByLabel("Consumer", { exact: true })).toHaveValue("acme-corp");

    // The endpoints list marks it, and only it.
    await nav.getByRole("link", { name: "Endpoints", exact: true }).click();
    await expect(page).toHaveURL(/\/endpoints$/);
    await expect(page.getByRole("link", { name: /^Acme hooks/ })).toContainText("Consumer: Acme Corp");
    await expect(page.getByRole("link", { name: /^Account hooks/ })).not.toContainText("Consumer");

    // The consumer's page lists it, linking to it.
    await page.goto(`/endpoints/${endpointId}`);
    await page.getByRole("link", { name: "Acme Corp", exact: true }).click();
    await expect(page).toHaveURL(/\/consumers\/acme-corp$/);
    const endpoints = page.getByRole("region", { name: "Endpoints" });
    await expect(endpoints.getByRole("link")).toHaveCount(1);
    await expect(endpoints.getByRole("link", { name: /^Acme hooks/ })).toHaveAttribute("href", `/endpoints/${endpointId}`);
    await expectAccessible(page, "consumer page");
    await page.emulateMedia({ colorScheme: "dark" });
    await expectAccessible(page, "consumer page (dark)");
    await page.emulateMedia({ colorScheme: "light" });

    // Rename: the uid stays, the name changes everywhere.
    const rename = page.getByRole("form", { name: "Rename consumer" });
    await rename.getByLabel("Name").fill("");
    await rename.getByRole("button", { name: "Save changes" }).click();
    await expect(rename.getByLabel("Name")).toHaveAccessibleDescription("Name is required");
    await rename.getByLabel("Name").fill("Acme Corporation");
    await rename.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Saved." })).toHaveText("Saved.");
    await expect(page.getByRole("heading", { level: 1, name: "Acme Corporation" })).toBeVisible();
    await page.goto("/consumers");
    await expect(row.getByRole("cell")).toHaveText(["acme-corp", "Acme Corporation", "1"]);
    await page.screenshot({ path: "test-results/screenshots/consumers.png", fullPage: true });

    // An unknown uid, and another account's, are 404 pages.
    const unknown = await page.goto("/consumers/no-such-consumer");
    expect(unknown!.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
    const strangerPage = await stranger.newPage();
    await signUp(strangerPage);
    const foreign = await strangerPage.goto("/consumers/acme-corp");
    expect(foreign!.status()).toBe(404);
    await expect(strangerPage.getByRole("heading", { name: "Not found" })).toBeVisible();

    // Delete, after a confirmation that says its endpoints go too; the account-level one stays.
    await page.goto("/consumers/acme-corp");
    await page.getByRole("button", { name: "Delete", exact: true }).click();
    await expect(page.getByText("Delete this consumer? Its endpoints (1) are deleted too; their deliveries stay in the log.")).toBeVisible();
    await page.getByRole("button", { name: "Delete consumer" }).click();
    await expect(page).toHaveURL(/\/consumers$/);
    await expect(page.getByRole("status").filter({ hasText: "Consumer acme-corp deleted, with its endpoints." })).toBeVisible();
    await expect(page.getByRole("heading", { name: "No consumers yet" })).toBeVisible();
    await nav.getByRole("link", { name: "Endpoints", exact: true }).click();
    await expect(page).toHaveURL(/\/endpoints$/);
    await expect(page.getByRole("link", { name: /^Account hooks/ })).toBeVisible();
    await expect(page.getByRole("link", { name: /^Acme hooks/ })).toHaveCount(0);
    const gone = await page.goto(`/endpoints/${endpointId}`);
    expect(gone!.status()).toBe(404);
  } finally {
    await stranger.close();
    await receiver.close();
  }
});
