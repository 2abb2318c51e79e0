// The account's side of the endpoint portal (SPEC §12): the brand and the allowed origins in
// Settings (mistakes beside their fields, what was typed kept, saved values shown normalised
// after a reload), and on a consumer's page a portal link created with a chosen lifetime, copied,
// revoked, and refused once the consumer is gone. The portal pages themselves are another spec's.
import { expect, test } from "@playwright/test";
import { expectAccessible, signUp } from "./helpers";

const PORTAL_URL = /\/portal\/con_[0-9A-Z]{26}\.[0-9a-z]+\.[A-Za-z0-9_-]{43}$/;

test("portal settings refuse bad values beside their fields, save good ones and show them after a reload", async ({ page }) => {
  await signUp(page);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
  await expect(page).toHaveURL(/\/settings$/);
  const region = page.getByRole("region", { name: "Endpoint portal" });
  await expect(region.getByRole("heading", { level: 2, name: "Endpoint portal" })).toBeVisible();
  await expect(region).toContainText("embedded in an iframe only by pages on the allowed origins");
  const form = page.getByRole("form", { name: "Endpoint portal" });
  const brand = form.getByLabel("Brand name");
  const colour = form.getByLabel("Accent colour");
  const logo = form.getByLabel("Logo URL");
  const origins = form.getByLabel("Allowed origins");
  const save = form.getByRole("button", { name: "Save portal settings" });

  // Nothing set yet: empty fields, and the hints say what empty means.
  await expect(brand).toHaveValue("");
  await expect(colour).toHaveValue("");
  await expect(colour).toHaveAttribute("placeholder", "#4f46e5");
  await expect(origins).toHaveValue("");
  await expect(origins).toHaveAccessibleDescription(/One per line, like https:\/\/app\.example\.com.*Empty: the portal cannot be embedded/);

  // A colour that is not #rrggbb and an origin with a path: refused beside each, typed text kept.
  await brand.fill("Acme Webhooks");
  await colour.fill("indigo");
  await logo.fill("https://cdn.example.com/acme.svg");
  await origins.fill("https://app.example.com/path\nhttps://admin.example.com");
  await save.click();
  await expect(colour).toHaveAttribute("aria-invalid", "true");
  await expect(colour).toHaveAccessibleDescription("Accent colour must be a hex colour like #4f46e5");
  await expect(origins).toHaveAttribute("aria-invalid", "true");
  await expect(origins).toHaveAccessibleDescription(/^https:\/\/app\.example\.com\/path is not an origin/);
  await expect(brand).not.toHaveAttribute("aria-invalid", "true");
  await expect(logo).not.toHaveAttribute("aria-invalid", "true");
  await expect(brand).toHaveValue("Acme Webhooks");
  await expect(colour).toHaveValue("indigo");
  await expect(logo).toHaveValue("https://cdn.example.com/acme.svg");
  await expect(origins).toHaveValue("https://app.example.com/path\nhttps://admin.example.com");
  await expect(page.getByRole("status").filter({ hasText: "Portal settings saved." })).toHaveCount(0);
  await expectAccessible(page, "settings (portal form with errors)");

  // A script URL is no origin either; the colour, now fixed, is no longer flagged.
  await colour.fill("#4F46E5");
  await origins.fill("https://app.example.com\njavascript:alert(1)");
  await save.click();
  await expect(origins).toHaveAccessibleDescription(/^javascript:alert\(1\) is not an origin/);
  await expect(colour).not.toHaveAttribute("aria-invalid", "true");
  await expect(origins).toHaveValue("https://app.example.com\njavascript:alert(1)");

  // Nothing was saved by the refused submissions.
  await page.reload();
  await expect(brand).toHaveValue("");
  await expect(origins).toHaveValue("");

  // Valid values, origins separated by commas and lines, one repeated: saved, shown as stored.
  await brand.fill("Acme Webhooks");
  await colour.fill("#4F46E5");
  await logo.fill("https://cdn.example.com/acme.svg");
  await origins.fill("https://app.example.com, https://*.example.org\nhttp://localhost:3000\nhttps://app.example.com/");
  await save.click();
  await expect(page.getByRole("status").filter({ hasText: "Portal settings saved." })).toBeVisible();
  await expect(origins).not.toHaveAttribute("aria-invalid", "true");
  await expect(origins).toHaveValue("https://app.example.com\nhttps://*.example.org\nhttp://localhost:3000");

  await page.reload();
  await expect(brand).toHaveValue("Acme Webhooks");
  await expect(colour).toHaveValue("#4f46e5");
  await expect(logo).toHaveValue("https://cdn.example.com/acme.svg");
  await expect(origins).toHaveValue("https://app.example.com\nhttps://*.example.org\nhttp://localhost:3000");
  await expectAccessible(page, "settings (portal form saved)");
  await page.emulateMedia({ colorScheme: "dark" });
  await expectAccessible(page, "settings (portal form saved, dark)");
  await page.emulateMedia({ colorScheme: "light" });
  await region.screenshot({ path: "test-results/screenshots/portal-settings.png" });

  // Empty fields clear the settings.
  await brand.fill("");
  await colour.fill("");
  await logo.fill("");
  await origins.fill("");
  await save.click();
  await expect(page.getByRole("status").filter({ hasText: "Portal settings saved." })).toBeVisible();
  await page.reload();
  await expect(brand).toHaveValue("");
  await expect(colour).toHaveValue("");
  await expect(logo).toHaveValue("");
  await expect(origins).toHaveValue("");
});

test("a consumer's portal link: created with a lifetime, copied, revoked; refused once the consumer is gone", async ({ page, context }) => {
  await signUp(page);
  await page.goto("/consumers");
  const add = page.getByRole("form", { name: "Add consumer" });
  await add.getByLabel("UID").fill("acme-corp");
  await add.getByLabel("Name").fill("Acme Corp");
  await add.getByRole("button", { name: "Create consumer" }).click();
  await expect(page).toHaveURL(/\/consumers\/acme-corp$/);

  const region = page.getByRole("region", { name: "Endpoint portal" });
  await expect(region).toContainText("Whoever has the link is signed in until it expires");
  const lifetime = region.getByLabel("Link lifetime");
  await expect(lifetime).toHaveValue("3600");
  await expect(lifetime.getByRole("option")).toHaveText(["1 hour", "1 day", "7 days"]);
  await expect(region.getByRole("textbox", { name: "Portal link" })).toHaveCount(0);

  // A one-day link: its URL, a way to open it in a new tab, and when it expires.
  await lifetime.selectOption({ label: "1 day" });
  const requested = Date.now();
  await region.getByRole("button", { name: "Create portal link" }).click();
  const shown = region.getByRole("textbox", { name: "Portal link" });
  await expect(shown).toHaveValue(PORTAL_URL);
  const url = await shown.inputValue();
  const open = region.getByRole("link", { name: "Open portal" });
  await expect(open).toHaveAttribute("href", url);
  await expect(open).toHaveAttribute("target", "_blank");
  await expect(open).toHaveAttribute("rel", "noopener noreferrer");
  await expect(lifetime).toHaveValue("86400");
  const expires = region.getByText(/^Expires \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC/);
  await expect(expires).toBeVisible();
  const expiresAt = Date.parse(`${(await expires.textContent())!.slice("Expires ".length, "Expires ".length + 19).replace(" ", "T")}Z`);
  expect(expiresAt).toBeGreaterThanOrEqual(Math.floor(requested / 1000) * 1000 + 86_400_000 - 1000);
  expect(expiresAt).toBeLessThanOrEqual(Date.now() + 86_400_000);
  // The expiry shown is the one signed into the link (base-36 Unix seconds).
  expect(parseInt(url.split("/").pop()!.split(".")[1], 36) * 1000).toBe(expiresAt);

  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await region.getByRole("button", { name: "Copy", exact: true }).click();
  await expect(region.getByRole("status").filter({ hasText: "Copied to the clipboard." })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);
  await expectAccessible(page, "consumer page (portal link)");
  await page.emulateMedia({ colorScheme: "dark" });
  await expectAccessible(page, "consumer page (portal link, dark)");
  await page.emulateMedia({ colorScheme: "light" });
  await region.screenshot({ path: "test-results/screenshots/portal-link.png" });

  // Revoking asks first; Cancel leaves the link alone.
  await region.getByRole("button", { name: "Revoke portal links" }).click();
  await expect(region.getByText("Revoke every portal link of this consumer?")).toBeVisible();
  await region.getByRole("button", { name: "Cancel" }).click();
  await expect(shown).toHaveValue(url);
  await region.getByRole("button", { name: "Revoke portal links" }).click();
  await region.getByRole("button", { name: "Revoke links" }).click();
  await expect(page.getByRole("status").filter({ hasText: /^Portal links revoked: the existing links.*no longer work\.$/ })).toBeVisible();
  // The revoked link is not offered any more, and the confirmation is closed.
  await expect(region.getByRole("textbox", { name: "Portal link" })).toHaveCount(0);
  await expect(region.getByRole("button", { name: "Revoke links" })).toHaveCount(0);
  await expect(region.getByRole("button", { name: "Revoke portal links" })).toBeVisible();

  // A new link after the revocation: signed with a new key, so it is another URL.
  await lifetime.selectOption({ label: "1 hour" });
  await region.getByRole("button", { name: "Create portal link" }).click();
  await expect(shown).toHaveValue(PORTAL_URL);
  expect(await shown.inputValue()).not.toBe(url);
  await expectAccessible(page, "consumer page (portal link after revocation)");

  // The consumer deleted in another tab: both buttons say so beside them, the page stays.
  const other = await context.newPage();
  await other.goto("/consumers/acme-corp");
  await other.getByRole("button", { name: "Delete", exact: true }).click();
  await other.getByRole("button", { name: "Delete consumer" }).click();
  await expect(other).toHaveURL(/\/consumers$/);
  await other.close();

  await region.getByRole("button", { name: "Create portal link" }).click();
  await expect(region.getByRole("alert")).toHaveText("This consumer no longer exists.");
  await expect(region.getByRole("textbox", { name: "Portal link" })).toHaveCount(0);
  await region.getByRole("button", { name: "Revoke portal links" }).click();
  await region.getByRole("button", { name: "Revoke links" }).click();
  await expect(region.getByRole("alert")).toHaveText(["This consumer no longer exists.", "This consumer no longer exists."]);
  await expect(page.getByRole("heading", { level: 1, name: "Acme Corp" })).toBeVisible();
});
