// The endpoint page lists its deliveries newest first, one page at a time: "Older deliveries"
// moves to the next page with a keyset cursor in the URL (so a page can be reloaded or shared),
// and "Newest deliveries" comes back.
import { expect, test } from "@playwright/test";
import { addEndpoint, createApiKey, signUp, startReceiver } from "./helpers";

const PAGE_SIZE = 50;
const EVENTS = PAGE_SIZE + 5;

test("Older deliveries pages through an endpoint's log", async ({ page, request }) => {
  const receiver = await startReceiver(200);
  try {
    await signUp(page);
    const endpointId = await addEndpoint(page, "Busy shop", receiver.url);
    const key = await createApiKey(page);

    // One event type per event, numbered in the order sent, so each row says which one it is.
    const typeOf = (n: number) => `order.n${String(n).padStart(3, "0")}`;
    for (let n = 1; n <= EVENTS; n++) {
      for (;;) {
        const response = await request.post("/api/v1/events", { headers: { authorization: `Bearer ${key}` }, data: { type: typeOf(n), data: { n } } });
        if (response.status() === 429) {
          await new Promise((resolve) => setTimeout(resolve, 1000 * Number(response.headers()["retry-after"] ?? 1)));
          continue;
        }
        expect(response.status()).toBe(202);
        break;
      }
    }

    await page.goto(`/endpoints/${endpointId}`);
    const log = page.getByRole("region", { name: "Recent deliveries" });
    const rows = log.getByRole("row").filter({ hasText: "order.n" });
    await expect(rows).toHaveCount(PAGE_SIZE);
    await expect(rows.first()).toContainText(typeOf(EVENTS));
    await expect(rows.last()).toContainText(typeOf(EVENTS - PAGE_SIZE + 1));
    await expect(log.getByRole("link", { name: "Newest deliveries" })).toHaveCount(0);

    await log.getByRole("link", { name: "Older deliveries" }).click();
    await expect(page).toHaveURL(new RegExp(`/endpoints/${endpointId}\\?cursor=dlv_[^&#]+#recent-heading$`));
    await expect(rows).toHaveCount(EVENTS - PAGE_SIZE);
    await expect(rows.first()).toContainText(typeOf(EVENTS - PAGE_SIZE));
    await expect(rows.last()).toContainText(typeOf(1));
    await expect(rows.filter({ hasText: typeOf(EVENTS) })).toHaveCount(0);
    await expect(log.getByRole("link", { name: "Older deliveries" })).toHaveCount(0);
    // Still the endpoint's own page, not the delivery log.
    await expect(page.getByRole("heading", { name: /Busy shop/, level: 1 })).toBeVisible();

    // The URL is the page: a reload shows the same older deliveries.
    await page.reload();
    await expect(rows).toHaveCount(EVENTS - PAGE_SIZE);
    await expect(rows.last()).toContainText(typeOf(1));

    await log.getByRole("link", { name: "Newest deliveries" }).click();
    await expect(page).toHaveURL(new RegExp(`/endpoints/${endpointId}#recent-heading$`));
    await expect(rows).toHaveCount(PAGE_SIZE);
    await expect(rows.first()).toContainText(typeOf(EVENTS));
  } finally {
    await receiver.close();
  }
});
