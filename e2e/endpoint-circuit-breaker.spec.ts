// SPEC §10: an endpoint that keeps failing is paused by a circuit breaker; its page says so and
// when the next probe goes out, and the waiting deliveries all go through once it answers again.
import { expect, test } from "@playwright/test";
import { addEndpoint, signUp, startReceiver } from "./helpers";

test("an endpoint failing 10 times in a row is shown paused, and resumes once a probe succeeds", async ({ page }) => {
  test.setTimeout(120_000);
  const receiver = await startReceiver(500);
  try {
    await signUp(page);
    await addEndpoint(page, "Flaky", receiver.url);
    // The e2e server retries on 0s,1s,2s: four test events make 12 failures in about 2 s.
    const sendTestEvent = async () => {
      await page.getByRole("button", { name: "Send test event" }).click();
      await expect(page.getByRole("status").filter({ hasText: /^Test event \S+ queued\.$/ }).first()).toBeVisible();
    };
    for (let i = 0; i < 4; i++) await sendTestEvent();
    await expect.poll(() => receiver.requests.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(10);

    const notice = page.getByRole("status").filter({ hasText: /^Paused: the last \d+ attempts failed/ });
    await expect(async () => {
      await page.reload();
      await expect(notice).toBeVisible({ timeout: 1000 });
    }).toPass({ timeout: 20_000 });
    await expect(notice).toContainText("when one delivery is sent as a probe");
    await page.screenshot({ path: "test-results/screenshots/endpoint-paused.png", fullPage: true });

    // New events wait instead of each costing attempts: only probes go out, at least 5 s apart
    // (each failed probe pauses the endpoint again for HOOKLINE_CIRCUIT_BREAKER_MIN_PAUSE or
    // longer: lib/webhooks/circuit-breaker.ts), where the retry schedule alone would have made up
    // to 9 requests for these 3 events within about 3 s. Sending them can take a while on a loaded
    // machine, so the bound counts the time measured, not the 3 s waited.
    const waitingSince = Date.now();
    const beforeWaiting = receiver.requests.length;
    for (let i = 0; i < 3; i++) await sendTestEvent();
    await page.waitForTimeout(3000);
    const probes = receiver.requests.length - beforeWaiting;
    const elapsedMs = Date.now() - waitingSince;
    expect(probes, `requests in ${elapsedMs} ms`).toBeLessThanOrEqual(1 + Math.floor(elapsedMs / 5000));

    receiver.setStatus(200);
    const recent = page.getByRole("region", { name: "Recent deliveries" });
    await expect(async () => {
      await page.reload();
      await expect(notice).toHaveCount(0);
      // The 3 that waited, and any of the first 4 whose retries were not used up yet.
      expect(await recent.getByRole("row").filter({ hasText: "succeeded" }).count()).toBeGreaterThanOrEqual(3);
    }).toPass({ timeout: 60_000 });
  } finally {
    await receiver.close();
  }
});
