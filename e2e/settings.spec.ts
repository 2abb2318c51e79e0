// SPEC §1 and §7: API keys are created in Settings, shown once, stored hashed, and revocable;
// a key authenticates the REST API until it is revoked, then gets 401.
import { expect, test } from "@playwright/test";
import { signUp } from "./helpers";

const API_KEY = /^hl_[A-Za-z0-9_-]{43}$/;

test("create an API key, see it once, use it against the API, revoke it", async ({ page, request }) => {
  const { email } = await signUp(page);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
  await expect(page).toHaveURL(/\/settings$/);
  await expect(page.getByRole("heading", { name: "Settings", level: 1 })).toBeVisible();
  await expect(page.getByRole("region", { name: "Account" })).toContainText(email);

  // The empty state says what keys are for and how to send one.
  await expect(page.getByText("No API keys yet")).toBeVisible();
  await expect(page.getByText(/curl -H "Authorization: Bearer hl_…" http:\/\/\S+\/api\/v1\/endpoints/)).toBeVisible();

  // A name is required; the error sits beside the field.
  const name = page.getByLabel("Name", { exact: true });
  await page.getByRole("button", { name: "Create API key" }).click();
  await expect(name).toHaveAttribute("aria-invalid", "true");
  await expect(name).toHaveAccessibleDescription("Name is required");
  await expect(page.getByRole("textbox", { name: "New API key" })).toHaveCount(0);
  await name.fill("x".repeat(101));
  await page.getByRole("button", { name: "Create API key" }).click();
  await expect(name).toHaveAccessibleDescription("Name must be at most 100 characters");
  await expect(name).toHaveValue("x".repeat(101));
  await expect(page.getByText("No API keys yet")).toBeVisible();

  await name.fill("CI");
  await page.getByRole("button", { name: "Create API key" }).click();
  const shown = page.getByRole("textbox", { name: "New API key" });
  await expect(shown).toHaveValue(API_KEY);
  const key = await shown.inputValue();
  await expect(page.getByText("it will not be shown again")).toBeVisible();
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.getByRole("button", { name: "Copy", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "Copied to the clipboard." })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
  await expect(name).toHaveValue("");

  const row = page.getByRole("row").filter({ has: page.getByRole("cell", { name: "CI", exact: true }) });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(`${key.slice(0, 7)}…`);
  await expect(row).toContainText("Never used");
  await expect(row).toContainText("active");

  // Shown once: after a reload the key is listed but its secret is gone from the page.
  await page.reload();
  await expect(row).toContainText(`${key.slice(0, 7)}…`);
  await expect(page.getByRole("textbox", { name: "New API key" })).toHaveCount(0);
  expect(await page.content()).not.toContain(key);

  // `request` shares no cookies with the page: the key alone authenticates.
  const authorized = { headers: { authorization: `Bearer ${key}` } };
  const listed = await request.get("/api/v1/endpoints", authorized);
  expect(listed.status()).toBe(200);
  expect(Array.isArray((await listed.json()).data)).toBe(true);
  await page.reload();
  await expect(row).not.toContainText("Never used");

  await row.getByRole("button", { name: "Revoke" }).click();
  await row.getByRole("button", { name: "Revoke key" }).click();
  await expect(row).toContainText("revoked");
  await expect(row.getByRole("button", { name: "Revoke" })).toHaveCount(0);

  const afterRevoke = await request.get("/api/v1/endpoints", authorized);
  expect(afterRevoke.status()).toBe(401);

  // A second, active key beside the revoked one, for the screenshot.
  await name.fill("Orders service (production)");
  await page.getByRole("button", { name: "Create API key" }).click();
  await expect(page.getByRole("textbox", { name: "New API key" })).toHaveValue(API_KEY);
  await page.screenshot({ path: "test-results/screenshots/settings.png", fullPage: true });
});
