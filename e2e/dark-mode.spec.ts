// Dark mode follows the system setting, and stays readable (axe colour contrast included).
import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { addEndpoint, signUp, startReceiver } from "./helpers";

test.use({ colorScheme: "dark" });

test("pages turn dark with the system setting and keep sufficient contrast", async ({ page }) => {
  const receiver = await startReceiver(200);
  try {
    await page.goto("/sign-in");
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    // A dark background, in whichever notation Chromium reports it (lab/oklch lightness, or rgb).
    const [, space, first] = /^(\w+)\(([\d.]+)/.exec(background) ?? [];
    const lightness = space === "lab" ? Number(first) / 100 : space === "oklch" ? Number(first) : Number(first) / 255;
    expect(lightness, background).toBeLessThan(0.25);
    await signUp(page);
    await addEndpoint(page, "Dark receiver", receiver.url);
    await page.getByRole("button", { name: "Send test event" }).click();
    await expect(page.getByRole("region", { name: "Recent deliveries" }).getByRole("row").filter({ hasText: "webhook.test" })).toContainText("succeeded");
    for (const path of ["/overview", "/deliveries", "/settings"]) {
      await page.goto(path);
      const results = await new AxeBuilder({ page }).analyze();
      expect(results.violations.filter((violation) => violation.impact === "serious" || violation.impact === "critical").map((violation) => `${violation.id} ${violation.nodes.map((node) => node.target.join(" ")).slice(0, 3).join(", ")}`), path).toEqual([]);
    }
    await page.goto("/deliveries");
    await page.screenshot({ path: "test-results/screenshots/dark-mode.png", fullPage: true });
  } finally {
    await receiver.close();
  }
});
