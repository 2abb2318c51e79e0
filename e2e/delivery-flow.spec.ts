// The whole flow a newcomer follows: sign up, add an endpoint, send a test event, and watch the
// signed delivery arrive and show up in the log.
import { expect, test } from "@playwright/test";
import { Webhook } from "standardwebhooks";
import { addEndpoint, signUp, startReceiver } from "./helpers";

test("sign up → add endpoint → send test event → signed delivery in the log", async ({ page }) => {
  const receiver = await startReceiver(200);
  try {
    await signUp(page);
    await addEndpoint(page, "Local receiver", receiver.url);

    await page.getByRole("button", { name: "Reveal secret" }).click();
    const secret = await page.getByRole("textbox", { name: "Signing secret" }).inputValue();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    // The log is opened before anything is sent and never reloaded: the row must appear and
    // reach "succeeded" through the page's own live refresh.
    const log = await page.context().newPage();
    await log.goto("/deliveries");
    await expect(log.getByRole("cell", { name: /No deliveries yet/ })).toBeVisible();

    await page.getByRole("button", { name: "Send test event" }).click();
    await expect.poll(() => receiver.requests.length).toBe(1);

    const [request] = receiver.requests;
    expect(request.method).toBe("POST");
    expect(request.headers["content-type"]).toBe("application/json");
    expect(request.headers["user-agent"]).toMatch(/^Hookline\//);
    const verified = new Webhook(secret).verify(request.body, request.headers as Record<string, string>) as {
      type: string;
      data: { message: string };
    };
    expect(verified.type).toBe("webhook.test");
    expect(verified.data.message).toMatch(/^Hello Local receiver, current time is \d{4}-\d\d-\d\dT/);

    const table = log.getByRole("table");
    for (const column of ["Status", "Event", "Endpoint", "Attempts", "Response", "Time"]) {
      await expect(table.getByRole("columnheader", { name: column })).toBeVisible();
    }
    const row = table.getByRole("row").filter({ hasText: "webhook.test" });
    // The page was loaded once; the log refreshes itself until the worker's result shows.
    await expect(row).toContainText("succeeded");
    await expect(row).toContainText("200");
    await expect(row).toContainText("Local receiver");
    await log.screenshot({ path: "test-results/screenshots/delivery-log.png", fullPage: true });

    // Still exactly one request: success is not retried.
    expect(receiver.requests).toHaveLength(1);
  } finally {
    await receiver.close();
  }
});
