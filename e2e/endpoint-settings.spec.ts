// Editing an endpoint from its page: field errors beside the field, filters and custom headers
// saved and used by the next delivery, and secret rotation.
import { expect, test } from "@playwright/test";
import { Webhook } from "standardwebhooks";
import { addEndpoint, signUp, startReceiver } from "./helpers";

test("edit settings with inline errors, custom headers reach the receiver, rotate the secret", async ({ page }) => {
  const receiver = await startReceiver(200);
  try {
    await signUp(page);
    await addEndpoint(page, "Orders", receiver.url);
    const settings = page.getByRole("region", { name: "Settings" });

    // A bad URL is refused, with the message beside the URL field, and nothing is saved.
    await settings.getByLabel("URL").fill("ftp://example.com/hook");
    await settings.getByRole("button", { name: "Save changes" }).click();
    await expect(settings.getByText("URL must start with https:// or http://")).toBeVisible();
    await expect(settings.getByLabel("URL")).toHaveAttribute("aria-invalid", "true");

    // A reserved header is refused beside the headers field.
    await settings.getByLabel("URL").fill(receiver.url);
    await settings.getByLabel("Custom headers").fill("webhook-signature: forged");
    await settings.getByRole("button", { name: "Save changes" }).click();
    await expect(settings.getByText(/webhook-signature is set by Hookline/)).toBeVisible();

    await settings.getByLabel("Description").fill("Order events for the warehouse");
    await settings.getByLabel("Event types").fill("order.*");
    await settings.getByLabel("Custom headers").fill("X-Tenant: acme");
    await settings.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Saved." })).toHaveText("Saved.");
    await page.reload();
    await expect(page.getByRole("region", { name: "Settings" }).getByLabel("Event types")).toHaveValue("order.*");
    await expect(page.getByText("Order events for the warehouse").first()).toBeVisible();

    // Rotation: a new secret, and deliveries are signed by both during the overlap.
    await page.getByRole("button", { name: "Reveal secret" }).click();
    const before = await page.getByRole("textbox", { name: "Signing secret" }).inputValue();
    await page.getByRole("button", { name: "Rotate secret" }).click();
    await expect(page.getByRole("status").filter({ hasText: /New secret in use/ })).toBeVisible();
    // The old secret is shown as still valid for the overlap, on the page itself (not only the toast).
    await expect(page.getByText(/The previous secret is still valid/)).toContainText(/until \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC/);
    await page.getByRole("button", { name: "Reveal secret" }).click();
    const after = await page.getByRole("textbox", { name: "Signing secret" }).inputValue();
    expect(after).toMatch(/^whsec_/);
    expect(after).not.toBe(before);

    // The test event bypasses the type filter (it targets this endpoint) and carries the header.
    await page.getByRole("button", { name: "Send test event" }).click();
    await expect.poll(() => receiver.requests.length).toBe(1);
    const [request] = receiver.requests;
    expect(request.headers["x-tenant"]).toBe("acme");
    const headers = request.headers as Record<string, string>;
    expect(headers["webhook-signature"].split(" ")).toHaveLength(2);
    expect(() => new Webhook(after).verify(request.body, headers)).not.toThrow();
    expect(() => new Webhook(before).verify(request.body, headers)).not.toThrow();
    await page.screenshot({ path: "test-results/screenshots/endpoint-settings.png", fullPage: true });
  } finally {
    await receiver.close();
  }
});
