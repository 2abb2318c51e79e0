// A delivery replayed many times shows its latest 20 attempts, counts the earlier ones, and leads
// to them page by page ("Earlier attempts", then "Latest attempts" back). The replays are real:
// POST /api/v1/deliveries/{id}/retry with a key created in Settings, each one delivered by the
// server's worker before the next.
import { expect, test, type APIRequestContext } from "@playwright/test";
import { addEndpoint, createApiKey, expectAccessible, signUp, startReceiver } from "./helpers";

async function deliveryStatus(request: APIRequestContext, key: string, id: string): Promise<string> {
  const response = await request.get(`/api/v1/deliveries/${id}`, { headers: { authorization: `Bearer ${key}` } });
  expect(response.status()).toBe(200);
  return ((await response.json()) as { status: string }).status;
}

test("a delivery's attempts are shown page by page, the latest first", async ({ page, request }) => {
  const receiver = await startReceiver(200);
  try {
    await signUp(page);
    await addEndpoint(page, "Replayed", receiver.url);
    const key = await createApiKey(page);
    const headers = { authorization: `Bearer ${key}` };

    const sent = await request.post("/api/v1/events", { headers, data: { type: "order.created", data: { id: 1 } } });
    expect(sent.status()).toBe(202);
    const eventId = ((await sent.json()) as { id: string }).id;
    let deliveryId = "";
    await expect(async () => {
      const listed = (await (await request.get(`/api/v1/deliveries?eventId=${eventId}`, { headers })).json()) as { data: Array<{ id: string }> };
      deliveryId = listed.data[0]?.id ?? "";
      expect(deliveryId).not.toBe("");
    }).toPass();

    // 22 attempts: the first, then 21 replays, each once the previous one has succeeded.
    for (let replay = 0; replay <= 21; replay++) {
      await expect.poll(() => deliveryStatus(request, key, deliveryId)).toBe("succeeded");
      if (replay < 21) expect((await request.post(`/api/v1/deliveries/${deliveryId}/retry`, { headers })).status()).toBe(202);
    }

    await page.goto(`/deliveries/${deliveryId}`);
    const attempts = page.getByRole("region", { name: "Attempts" }).getByRole("listitem");
    const pages = page.getByRole("navigation", { name: "Attempt pages" });
    await expect(attempts).toHaveCount(20);
    await expect(attempts.first().getByRole("heading", { level: 3 })).toContainText(/^Attempt 3\s*200/);
    await expect(attempts.last().getByRole("heading", { level: 3 })).toContainText(/^Attempt 22\s*200/);
    await expect(pages).toContainText("2 earlier attempts");
    await expect(pages.getByRole("link", { name: "Latest attempts" })).toHaveCount(0);
    await expectAccessible(page, "delivery page with earlier attempts");

    await pages.getByRole("link", { name: "Earlier attempts" }).click();
    await expect(page).toHaveURL(new RegExp(`/deliveries/${deliveryId}\\?before=3$`));
    await expect(attempts).toHaveCount(2);
    await expect(attempts.first().getByRole("heading", { level: 3 })).toContainText(/^Attempt 1\s*200/);
    await expect(attempts.last().getByRole("heading", { level: 3 })).toContainText(/^Attempt 2\s*200/);
    await expect(pages.getByRole("link", { name: "Earlier attempts" })).toHaveCount(0);

    await pages.getByRole("link", { name: "Latest attempts" }).click();
    await expect(page).toHaveURL(new RegExp(`/deliveries/${deliveryId}$`));
    await expect(attempts).toHaveCount(20);
    await expect(attempts.last().getByRole("heading", { level: 3 })).toContainText(/^Attempt 22\s*200/);
  } finally {
    await receiver.close();
  }
});
