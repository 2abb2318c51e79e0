// Search (SPEC §11): the Search box on Events and Deliveries finds events by the words in their
// data, whatever their case and accents; it combines with the other filters and with paging,
// keeps the log's live refresh searching, and says plainly when nothing matches.
import { expect, test, type Page } from "@playwright/test";
import { addEndpoint, expectAccessible, signUp, startReceiver } from "./helpers";


async function applyFilters(page: Page, form: string, filters: { search?: string; status?: string }) {
  const filterForm = page.getByRole("form", { name: form });
  if (filters.search !== undefined) await filterForm.getByRole("searchbox", { name: "Search" }).fill(filters.search);
  if (filters.status !== undefined) await filterForm.getByLabel("Status").selectOption(filters.status);
  await filterForm.getByRole("button", { name: "Apply filters" }).click();
}

// Oldest first: the two order events end up newest, next to each other, so paging from one to
// the other shows whether the search was kept (without it the invoice would come along).
const EVENTS = [
  { type: "invoice.paid", data: { customer: "Oslo Supplies", total: 12 } },
  { type: "order.created", data: { customer: "Zürich Gadgets", items: 3 } },
  { type: "order.shipped", data: { customer: "Berlin Tools", carrier: "DHL" } },
];

test("search events and deliveries by the words in their data, with filters and paging", async ({ page }) => {
  const receiver = await startReceiver(200);
  try {
    await signUp(page);
    await addEndpoint(page, "Search receiver", receiver.url);
    await page.goto("/events");
    const send = page.getByRole("form", { name: "Send event" });
    const eventRows = page.getByRole("table").getByRole("row").filter({ hasText: "msg_" });
    for (const [index, event] of EVENTS.entries()) {
      await send.getByLabel("Type").fill(event.type);
      await send.getByLabel("Data (JSON)").fill(JSON.stringify(event.data));
      await send.getByRole("button", { name: "Send event" }).click();
      // The page's answer, not only the webhook: the form resets its fields to what was sent when
      // the answer arrives, which could undo the next event's typing (as seen in CI: sent twice).
      await expect(eventRows).toHaveCount(index + 1);
      await expect.poll(() => receiver.requests.length).toBe(index + 1);
    }

    // Events: lower case and no umlaut still find "Zürich".
    await expect(eventRows).toHaveCount(3);
    await applyFilters(page, "Filter events", { search: "zurich" });
    await expect(page).toHaveURL(/[?&]q=zurich(&|$)/);
    await expect(eventRows).toHaveCount(1);
    await expect(eventRows).toContainText("order.created");
    await expectAccessible(page, "events (searched)");

    // Nothing matches: the empty state says so, and Clear search brings the whole list back.
    await applyFilters(page, "Filter events", { search: "Atlantis" });
    await expect(page.getByText("No events match “Atlantis”.")).toBeVisible();
    await expect(eventRows).toHaveCount(0);
    await page.getByRole("link", { name: "Clear search" }).click();
    await expect(page).toHaveURL(/\/events$/);
    await expect(page.getByRole("searchbox", { name: "Search" })).toHaveValue("");
    await expect(eventRows).toHaveCount(3);

    // Paging keeps the search: the next page of "order" is the other order event, not the invoice.
    await page.goto("/events?q=order&limit=1");
    await expect(eventRows).toHaveCount(1);
    await expect(eventRows).toContainText("order.shipped");
    await page.getByRole("link", { name: "Older events" }).click();
    await expect(page).toHaveURL(/[?&]q=order(&|$)/);
    await expect(eventRows).toHaveCount(1);
    await expect(eventRows).toContainText("order.created");

    // Deliveries: once every delivery has succeeded, the search narrows the log to one...
    await page.goto("/deliveries");
    const deliveryRows = page.getByRole("table").getByRole("row").filter({ hasText: "Search receiver" });
    await expect(deliveryRows.filter({ hasText: "succeeded" })).toHaveCount(3);
    const refreshedWithSearch = page.waitForResponse((response) => {
      const url = new URL(response.url());
      return url.pathname === "/api/dashboard/deliveries" && url.searchParams.get("q") === "berlin";
    });
    await applyFilters(page, "Filter deliveries", { search: "berlin" });
    await expect(page).toHaveURL(/[?&]q=berlin(&|$)/);
    await expect(deliveryRows).toHaveCount(1);
    await expect(deliveryRows).toContainText("order.shipped");
    // ...and the live refresh asks for the same search, so the log does not fill up again.
    expect((await (await refreshedWithSearch).json()).data).toHaveLength(1);

    // Combined with the status filter: both apply.
    await applyFilters(page, "Filter deliveries", { status: "succeeded" });
    await expect(page).toHaveURL(/status=succeeded/);
    await expect(page).toHaveURL(/[?&]q=berlin(&|$)/);
    await expect(deliveryRows).toHaveCount(1);
    await expectAccessible(page, "deliveries (searched)");
    await applyFilters(page, "Filter deliveries", { status: "failed" });
    await expect(page.getByText("No deliveries match “berlin” with these filters.")).toBeVisible();
    await expect(deliveryRows).toHaveCount(0);
    // Clear search drops only the search; the status filter stays.
    await page.getByRole("link", { name: "Clear search" }).click();
    await expect(page).toHaveURL(/status=failed/);
    await expect(page).not.toHaveURL(/[?&]q=/);
    await expect(page.getByText("No deliveries match these filters.")).toBeVisible();
    await expect(page.getByRole("searchbox", { name: "Search" })).toHaveValue("");

    // A search with no letter or digit: its message beside the box, the other filters still applied.
    await applyFilters(page, "Filter deliveries", { search: "?!", status: "succeeded" });
    const searchBox = page.getByRole("form", { name: "Filter deliveries" }).getByRole("searchbox", { name: "Search" });
    await expect(searchBox).toHaveAttribute("aria-invalid", "true");
    await expect(searchBox).toHaveValue("?!");
    await expect(searchBox).toHaveAccessibleDescription("q must contain a letter or a digit");
    await expect(deliveryRows).toHaveCount(3);

    // Paging keeps the search here too.
    await page.goto("/deliveries?q=order&limit=1");
    await expect(deliveryRows).toHaveCount(1);
    await expect(deliveryRows).toContainText("order.shipped");
    await page.getByRole("link", { name: "Older deliveries" }).click();
    await expect(page).toHaveURL(/[?&]q=order(&|$)/);
    await expect(deliveryRows).toHaveCount(1);
    await expect(deliveryRows).toContainText("order.created");
    await page.screenshot({ path: "test-results/screenshots/search.png", fullPage: true });
  } finally {
    await receiver.close();
  }
});
