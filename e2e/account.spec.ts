// Settings → Account: change the password (other browsers are signed out, the old password
// stops working) and delete the account after typing its password. Every page visited is watched
// for Content-Security-Policy violations, which would mean the CSP breaks the app.
import { expect, test, type Browser, type Page } from "@playwright/test";
import { signUp } from "./helpers";

/** Collects CSP violations and uncaught errors of a page. */
function watchForCspViolations(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (/Content[- ]Security[- ]Policy/i.test(message.text())) problems.push(`${page.url()}: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`${page.url()}: ${error.message}`));
  return problems;
}

/**
 * A second browser (own cookies) coming from its own address as a proxy would report it, so its
 * failed sign-in counts only against itself in the server's per-address throttle.
 */
async function otherBrowser(browser: Browser) {
  const context = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": `203.0.113.${(process.pid % 200) + 20}` } });
  return { context, page: await context.newPage() };
}

async function signIn(page: Page, email: string, password: string) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("change password: old one stops working, other browsers are signed out; then delete the account", async ({ page, browser }) => {
  const problems = watchForCspViolations(page);
  const { email, password } = await signUp(page);

  // The app's pages run under the CSP without violations (client navigation and polling included).
  const nav = page.getByRole("navigation", { name: "Main" });
  const pages: [string, string][] = [["Overview", "/overview"], ["Endpoints", "/endpoints"], ["Events", "/events"], ["Deliveries", "/deliveries"], ["Inbox", "/inbox"], ["API", "/api-reference"], ["Settings", "/settings"]];
  for (const [name, path] of pages) {
    await nav.getByRole("link", { name, exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`${path}$`));
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  }
  // Scripts really run under the policy: the React app answers a click without a page load.
  expect(await page.evaluate(() => performance.getEntriesByType("navigation").length)).toBe(1);
  await page.reload();
  await expect(page).toHaveURL(/\/settings$/);

  const other = await otherBrowser(browser);
  const otherProblems = watchForCspViolations(other.page);
  await signIn(other.page, email, password);
  await expect(other.page).toHaveURL(/\/endpoints$/);

  const account = page.getByRole("region", { name: "Account" });
  const current = account.getByLabel("Current password");
  const fresh = account.getByLabel("New password");
  const change = account.getByRole("button", { name: "Change password" });

  // Field errors sit beside their field.
  await change.click();
  await expect(current).toHaveAccessibleDescription("Enter your current password");
  await expect(fresh).toHaveAccessibleDescription("Password must be at least 8 characters");
  await current.fill("not my password");
  await fresh.fill("short");
  await change.click();
  // (The form empties itself after each submission: passwords are typed again.)
  await expect(current).not.toHaveAttribute("aria-invalid");
  await expect(fresh).toHaveAccessibleDescription("Password must be at least 8 characters");
  await current.fill("not my password");
  await fresh.fill("a much better passphrase");
  await change.click();
  await expect(current).toHaveAccessibleDescription("That is not your current password");
  await expect(current).toHaveAttribute("aria-invalid", "true");

  await current.fill(password);
  await fresh.fill("a much better passphrase");
  await change.click();
  await expect(page.getByRole("status").filter({ hasText: "Password changed" })).toHaveText("Password changed. 1 other session was signed out.");
  await page.screenshot({ path: "test-results/screenshots/settings-account.png", fullPage: true });

  // This browser stays signed in; the other one is out at its next request.
  await page.reload();
  await expect(page.getByRole("heading", { name: "Settings", level: 1 })).toBeVisible();
  await other.page.goto("/endpoints");
  await expect(other.page).toHaveURL(/\/sign-in$/);
  await signIn(other.page, email, password);
  await expect(other.page.getByRole("alert").filter({ hasText: "Invalid email or password." })).toBeVisible();
  await signIn(other.page, email, "a much better passphrase");
  await expect(other.page).toHaveURL(/\/endpoints$/);

  // Delete: a first click only opens the confirmation, which wants the account's password.
  const danger = page.getByRole("region", { name: "Danger zone" });
  await danger.getByRole("button", { name: "Delete account" }).click();
  const confirm = danger.getByLabel("Password", { exact: true });
  await confirm.fill(password); // the old password no longer counts
  await danger.getByRole("button", { name: "Delete account and all its data" }).click();
  await expect(confirm).toHaveAccessibleDescription("That is not your password; nothing was deleted");
  await expect(confirm).toHaveAttribute("aria-invalid", "true");
  await page.reload();
  await expect(page.getByRole("heading", { name: "Settings", level: 1 })).toBeVisible();
  await other.page.goto("/endpoints");
  await expect(other.page).toHaveURL(/\/endpoints$/);

  await danger.getByRole("button", { name: "Delete account" }).click();
  await danger.getByLabel("Password", { exact: true }).fill("a much better passphrase");
  await page.screenshot({ path: "test-results/screenshots/settings-delete-account.png", fullPage: true });
  await danger.getByRole("button", { name: "Delete account and all its data" }).click();
  await expect(page).toHaveURL(/\/sign-up\?deleted=1$/);
  await expect(page.getByRole("status")).toHaveText("Your account and all its data have been deleted.");

  // Gone everywhere: the dashboard sends both browsers to sign in, and the password no longer works.
  await page.goto("/settings");
  await expect(page).toHaveURL(/\/sign-in$/);
  await other.page.goto("/endpoints");
  await expect(other.page).toHaveURL(/\/sign-in$/);
  await signIn(page, email, "a much better passphrase");
  await expect(page.getByRole("alert").filter({ hasText: "Invalid email or password." })).toBeVisible();

  await other.context.close();
  expect(problems).toEqual([]);
  expect(otherProblems).toEqual([]);
});
