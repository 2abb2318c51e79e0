// Scheduled events from the dashboard: the Hello ticker preset reproduces the classic
// dispatcher ("Hello <name>, current time is …" every 5 seconds), signed; the schedule page
// shows the next runs and the events it made; pause, resume and delete work; field errors
// show beside the field.
import { expect, test } from "@playwright/test";
import { Webhook } from "standardwebhooks";
import { addEndpoint, expectAccessible, signUp, startReceiver } from "./helpers";


test("Hello ticker preset → signed greetings every 5 s → events, pause, delete", async ({ page }) => {
  const receiver = await startReceiver(200);
  try {
    await signUp(page);
    await addEndpoint(page, "Local receiver", receiver.url);
    await page.getByRole("button", { name: "Reveal secret" }).click();
    const secret = await page.getByRole("textbox", { name: "Signing secret" }).inputValue();

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Schedules" }).click();
    await expect(page).toHaveURL(/\/schedules$/);
    await expect(page.getByRole("heading", { name: "No schedules yet" })).toBeVisible();
    await expectAccessible(page, "schedules (empty)");

    // A mistake first: the error shows beside the field that caused it.
    const form = page.getByRole("form", { name: "Add schedule" });
    await form.getByLabel("Name").fill("Broken");
    await form.getByLabel("Event type").fill("broken.tick");
    await form.getByLabel("Cron").fill("* * *");
    await form.getByLabel("Timezone").fill("Mars/Olympus");
    await form.getByRole("button", { name: "Create schedule" }).click();
    await expect(form.getByLabel("Cron")).toHaveAttribute("aria-invalid", "true");
    await expect(form.getByText(/Cron must have 5 fields/)).toBeVisible();
    await expect(form.getByText(/Unknown time zone "Mars\/Olympus"/)).toBeVisible();
    await expect(form.getByLabel("Name")).toHaveValue("Broken");

    // The preset fills in the classic ticker.
    await form.getByRole("button", { name: "Hello ticker" }).click();
    await expect(form.getByLabel("Name")).toHaveValue("Hello ticker");
    await expect(form.getByLabel("Cron")).toHaveValue("*/5 * * * * *");
    await expect(form.getByLabel("Timezone")).toHaveValue("UTC");
    await expect(form.getByLabel("Event type")).toHaveValue("hello.tick");
    await expect(form.getByLabel("Endpoint")).toHaveValue("");
    await expect(form.getByLabel("Data (JSON)")).toHaveValue(/"message": "Hello \{\{endpoint\.name\}\}, current time is \{\{time\}\}"/);
    await expect(form.getByText(/Cron must have 5 fields/)).toHaveCount(0);
    await form.getByRole("button", { name: "Create schedule" }).click();

    await expect(page).toHaveURL(/\/schedules\/sch_/);
    await expect(page.getByRole("status").filter({ hasText: 'Schedule "Hello ticker" created.' })).toBeVisible();
    await expect(page.getByRole("heading", { level: 1, name: /Hello ticker/ })).toBeVisible();
    const runs = page.getByRole("list", { name: "Next 5 run times" }).getByRole("listitem");
    await expect(runs).toHaveCount(5);
    // Five seconds apart, on multiples of 5 s.
    const times = await runs.locator("time").evaluateAll((nodes) => nodes.map((node) => Date.parse(node.getAttribute("datetime")!)));
    expect(times.every((time, index) => time % 5000 === 0 && (index === 0 || time - times[index - 1] === 5000))).toBe(true);

    // The greeting arrives, signed with the endpoint's secret.
    await expect.poll(() => receiver.requests.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    const [first] = receiver.requests;
    expect(first.method).toBe("POST");
    const verified = new Webhook(secret).verify(first.body, first.headers as Record<string, string>) as { type: string; data: { message: string } };
    expect(verified.type).toBe("hello.tick");
    expect(verified.data.message).toMatch(/^Hello Local receiver, current time is \d{4}-\d\d-\d\dT\d\d:\d\d:\d[05]\.000Z$/);

    // The page lists the events it made, each linking to the event.
    await page.reload();
    const eventLink = page.getByRole("link", { name: "hello.tick" }).first();
    await expect(eventLink).toBeVisible();
    await expectAccessible(page, "schedule page");
    await page.screenshot({ path: "test-results/screenshots/schedule.png", fullPage: true });
    await eventLink.click();
    await expect(page).toHaveURL(/\/events\/msg_/);
    await expect(page.getByText(/Hello Local receiver, current time is/)).toBeVisible();
    await page.goBack();

    // Edit in place: every 10 seconds instead.
    const settings = page.getByRole("form", { name: "Schedule settings" });
    await settings.getByLabel("Cron").fill("*/10 * * * * *");
    await settings.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Saved." })).toHaveText("Saved.");
    await expect(page.getByText(/^\*\/10 \* \* \* \* \*$/)).toBeVisible();
    const tenApart = await runs.locator("time").evaluateAll((nodes) => nodes.map((node) => Date.parse(node.getAttribute("datetime")!)));
    expect(tenApart.every((time, index) => time % 10_000 === 0 && (index === 0 || time - tenApart[index - 1] === 10_000))).toBe(true);

    // Pause: no next runs, and no more greetings; then resume.
    await page.getByRole("button", { name: "Pause" }).click();
    await expect(page.getByRole("button", { name: "Resume" })).toBeVisible();
    await expect(page.getByText("Paused: no runs until you resume it.")).toBeVisible();
    // Paused by now. A tick fired just before may still be on its way, so what counts is each
    // greeting's tick time (its data: "current time is <tick>"), not how many arrive.
    const pausedAt = Date.now();
    // Past the next run the schedule would have made (every 10 s now), with time to deliver it.
    const nextRunIfRunning = Math.ceil(pausedAt / 10_000) * 10_000;
    await page.waitForTimeout(Math.max(6000, nextRunIfRunning + 5000 - Date.now()));
    const tickTimes = receiver.requests.map((request) => {
      const message = (JSON.parse(request.body) as { data: { message: string } }).data.message;
      return Date.parse(/current time is (\S+)$/.exec(message)?.[1] ?? "");
    });
    expect(tickTimes.length).toBeGreaterThan(0);
    // Every greeting is of a tick before the pause (one without a readable time, NaN, fails too).
    const notBeforePause = tickTimes.filter((tickAt) => !(tickAt <= pausedAt));
    expect(notBeforePause.map((tickAt) => (Number.isNaN(tickAt) ? "no time" : new Date(tickAt).toISOString()))).toEqual([]);
    await page.getByRole("button", { name: "Resume" }).click();
    await expect(page.getByRole("button", { name: "Pause" })).toBeVisible();
    await expect(page.getByRole("list", { name: "Next 5 run times" }).getByRole("listitem")).toHaveCount(5);

    // The list shows it; then delete, with confirmation.
    await page.goto("/schedules");
    await expect(page.getByRole("link", { name: /Hello ticker/ })).toContainText("*/10 * * * * *");
    await expectAccessible(page, "schedules");
    await page.getByRole("link", { name: /Hello ticker/ }).click();
    await page.getByRole("button", { name: "Delete", exact: true }).click();
    await page.getByRole("button", { name: "Delete schedule" }).click();
    await expect(page).toHaveURL(/\/schedules$/);
    await expect(page.getByRole("heading", { name: "No schedules yet" })).toBeVisible();
    await expect(page.getByRole("status").filter({ hasText: "Schedule deleted." })).toBeVisible();
  } finally {
    await receiver.close();
  }
});
