// FIFO endpoints (SPEC §11) from the dashboard: Ordering set to FIFO in the endpoint's settings;
// two events sent with the same Ordering key from the Send event form; the second's delivery
// page says what it waits behind while the receiver holds the first; once the first is answered
// the second goes out, after it, and succeeds. An over-long key is refused beside its field.
import { expect, test as base } from "@playwright/test";
import { addEndpoint, expectAccessible, signUp, startHoldingReceiver } from "./helpers";

type HoldingReceiver = Awaited<ReturnType<typeof startHoldingReceiver>>;

const test = base.extend<{ receiver: HoldingReceiver }>({
  receiver: async ({}, provide) => {
    const receiver = await startHoldingReceiver(200);
    try {
      await provide(receiver);
    } finally {
      await receiver.close();
    }
  },
});

const KEY = "customer-42";

test("FIFO endpoint: the second event with the same ordering key waits behind the first, then follows it", async ({ page, receiver }) => {
  await signUp(page);
  await addEndpoint(page, "Ledger", receiver.url);

  // Ordering: unordered by default, FIFO once saved, shown on the page and in the list.
  const settings = page.getByRole("region", { name: "Settings" });
  const ordering = settings.getByLabel("Ordering", { exact: true });
  await expect(ordering).toHaveValue("unordered");
  await expect(ordering).toHaveAccessibleDescription(/one delivery at a time per ordering key/);
  await expect(page.getByRole("heading", { level: 1 })).not.toContainText("FIFO");
  await ordering.selectOption({ label: "FIFO (in order per ordering key)" });
  await settings.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toHaveText("Saved.");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("FIFO");
  await expect(ordering).toHaveValue("fifo");
  await page.reload();
  await expect(page.getByRole("region", { name: "Settings" }).getByLabel("Ordering", { exact: true })).toHaveValue("fifo");
  await page.goto("/endpoints");
  await expect(page.getByRole("link", { name: /Ledger/ })).toContainText("FIFO");

  await page.goto("/events");
  const form = page.getByRole("form", { name: "Send event" });
  const keyField = form.getByLabel("Ordering key");
  await expect(keyField).toHaveAttribute("maxlength", "128");
  await expect(keyField).toHaveAccessibleDescription("FIFO endpoints deliver events with the same key one at a time, in order.");

  // The browser stops typing at 128 characters; a longer key sent anyway (the limit removed, as
  // a script could) is refused by the server, beside the field, and nothing is sent.
  await keyField.evaluate((input) => input.removeAttribute("maxlength"));
  await form.getByLabel("Type").fill("ledger.entry");
  await form.getByLabel("Data (JSON)").fill('{"n": 0}');
  await keyField.fill("k".repeat(129));
  await form.getByRole("button", { name: "Send event" }).click();
  await expect(keyField).toHaveAttribute("aria-invalid", "true");
  await expect(keyField).toHaveAccessibleDescription(/at most 128 characters/);
  await expect(form.getByText(/at most 128 characters/)).toBeVisible();
  await expect(form.getByLabel("Type")).not.toHaveAttribute("aria-invalid", "true");
  expect(receiver.requests).toHaveLength(0);

  // Two events with the same key. The receiver holds the first one's request unanswered.
  const eventRows = page.getByRole("table").getByRole("row").filter({ hasText: "msg_" });
  await keyField.fill(KEY);
  await form.getByLabel("Data (JSON)").fill('{"n": 1}');
  await form.getByRole("button", { name: "Send event" }).click();
  await expect(eventRows).toHaveCount(1);
  await expect(keyField).not.toHaveAttribute("aria-invalid", "true");
  await expect.poll(() => receiver.requests.length).toBe(1);
  await expect(keyField).toHaveValue(KEY);
  await form.getByLabel("Data (JSON)").fill('{"n": 2}');
  await form.getByRole("button", { name: "Send event" }).click();
  await expect(eventRows).toHaveCount(2);
  // Newest first.
  const [second, first] = await eventRows.getByRole("cell", { name: /^msg_/ }).allTextContents();
  expect(receiver.requests[0].headers["webhook-id"]).toBe(first);

  // The event shows its key; its delivery says what it waits behind.
  await page.goto(`/events/${second}`);
  await expect(page.getByText("Ordering key", { exact: true })).toBeVisible();
  await expect(page.getByText(KEY, { exact: true })).toBeVisible();
  // In the log too, the delivery reads as waiting, not as stuck.
  await expect(page.getByRole("region", { name: "Deliveries" }).getByText("waiting its turn")).toBeVisible();
  await page.getByRole("region", { name: "Deliveries" }).getByRole("link", { name: "ledger.entry" }).click();
  await expect(page).toHaveURL(/\/deliveries\/dlv_/);
  const heading = page.getByRole("heading", { level: 1 });
  await expect(heading).toContainText("pending");
  const notice = page.getByRole("status").filter({ hasText: "Waits behind" });
  await expect(notice).toContainText(`in ordering key ${KEY}`);
  await expect(notice).toContainText("1 delivery ahead");
  const behind = notice.getByRole("link", { name: /^dlv_/ });
  const firstDelivery = (await behind.textContent())!;
  await expect(behind).toHaveAttribute("href", `/deliveries/${firstDelivery}`);
  await expectAccessible(page, "delivery waiting behind another (FIFO)");
  await page.screenshot({ path: "test-results/screenshots/fifo-waiting.png", fullPage: true });
  // While the first is unanswered, nothing of the second's has been sent.
  expect([...new Set(receiver.requests.map((request) => request.headers["webhook-id"]))]).toEqual([first]);

  // Answered: the page (refreshing itself) sees the second go out and succeed.
  receiver.release();
  await expect(heading).toContainText("succeeded", { timeout: 30_000 });
  await expect(notice).toHaveCount(0);
  const ids = receiver.requests.map((request) => request.headers["webhook-id"]);
  const secondAt = ids.indexOf(second);
  expect(ids.filter((id) => id === second)).toHaveLength(1);
  // Every request of the first (one, or more if the hold outlasted the attempt timeout) came before the second's, and the second only after the first was answered.
  expect(ids.slice(0, secondAt).every((id) => id === first)).toBe(true);
  expect(ids.lastIndexOf(first)).toBeLessThan(secondAt);
  expect(receiver.requests[0].afterRelease).toBe(false);
  expect(receiver.requests[secondAt].afterRelease).toBe(true);
  expect(JSON.parse(receiver.requests[0].body)).toMatchObject({ type: "ledger.entry", data: { n: 1 } });
  expect(JSON.parse(receiver.requests[secondAt].body)).toMatchObject({ type: "ledger.entry", data: { n: 2 } });

  // The delivery it waited behind is the first event's, and it succeeded.
  await page.goto(`/deliveries/${firstDelivery}`);
  await expect(heading).toContainText("succeeded");
  await expect(page.getByText(first, { exact: true })).toBeVisible();
});
