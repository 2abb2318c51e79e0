// SPEC §10 quotas in the dashboard: past an account's quota, "Create endpoint" (and the Inbox's
// "Add as endpoint"), "Create API key", "Create schedule" and "Create event type" answer with the quota's message
// beside the button, keep what was typed, and create nothing; a schedule that runs more often
// than the minimum interval gets its error beside the Cron field.
//
// These limits are small, so this file runs its own server (its own database, same build)
// instead of changing the shared one's configuration under every other spec.
import { expect, test as base } from "@playwright/test";
import { addEndpoint, signUp } from "./helpers";
import { freePort } from "../scripts/bench/harness";
import { createE2eDatabase, startHookline } from "./support/hookline";

const LIMITS = { HOOKLINE_MAX_ENDPOINTS: "2", HOOKLINE_MAX_API_KEYS: "2", HOOKLINE_MAX_SCHEDULES: "1", HOOKLINE_MAX_EVENT_TYPES: "1", HOOKLINE_MIN_SCHEDULE_INTERVAL: "10s" };

const test = base.extend<object, { limitedOrigin: string }>({
  limitedOrigin: [
    async ({}, provide) => {
      // Same engine as the shared server (e2e/support/hookline.ts).
      const database = await createE2eDatabase("quotas");
      try {
        const server = await startHookline(await freePort(), {
          ...LIMITS,
          DATABASE_URL: database.url,
          HOOKLINE_ALLOWED_CIDRS: "127.0.0.0/8",
          // Built by the shared server's start; nothing here needs deliveries.
          HOOKLINE_SKIP_BUILD: "1",
          HOOKLINE_WORKER: "off",
        });
        try {
          await provide(server.origin);
        } finally {
          await server.stop();
        }
      } finally {
        await database.drop();
      }
    },
    { scope: "worker", timeout: 90_000 },
  ],
  baseURL: async ({ limitedOrigin }, provide) => provide(limitedOrigin),
});

test("Create endpoint past the quota: the message beside the button, nothing created (Inbox too)", async ({ page }) => {
  await signUp(page);
  await addEndpoint(page, "One", "http://127.0.0.1:9/one");
  await addEndpoint(page, "Two", "http://127.0.0.1:9/two");

  await page.goto("/endpoints");
  await page.getByRole("button", { name: "Add endpoint" }).click();
  const form = page.getByRole("region", { name: "Add endpoint" });
  await form.getByLabel("Name").fill("Three");
  await form.getByLabel("URL").fill("http://127.0.0.1:9/three");
  await form.getByRole("button", { name: "Create endpoint" }).click();
  await expect(form.getByRole("alert")).toHaveText(
    "This account has reached its limit of 2 endpoints. Delete an endpoint you no longer need, or ask the operator of this Hookline to raise the limit (HOOKLINE_MAX_ENDPOINTS).",
  );
  await expect(page).toHaveURL(/\/endpoints$/);
  await expect(form.getByLabel("Name")).toHaveValue("Three");

  await page.goto("/inbox");
  await page.getByRole("button", { name: "Add as endpoint" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "limit of 2 endpoints" })).toBeVisible();

  await page.goto("/endpoints");
  await expect(page.getByRole("link", { name: "One" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Two" })).toBeVisible();
  await expect(page.getByText("Three")).toHaveCount(0);
  await expect(page.getByText("Built-in inbox")).toHaveCount(0);
});

test("Create API key past the quota: the message beside the button, no key shown", async ({ page }) => {
  await signUp(page);
  await page.goto("/settings");
  const name = page.getByLabel("Name", { exact: true });
  const create = page.getByRole("button", { name: "Create API key" });
  for (const label of ["CI", "Orders service"]) {
    await name.fill(label);
    await create.click();
    await expect(page.getByRole("heading", { name: `API key “${label}” created` })).toBeVisible();
  }

  await name.fill("One too many");
  await create.click();
  // The alert right after the form that holds the button.
  await expect(page.locator("form:has(button:text-is('Create API key')) + p[role=alert]")).toHaveText(
    "This account has reached its limit of 2 active API keys. Revoke a key you no longer use, or ask the operator of this Hookline to raise the limit (HOOKLINE_MAX_API_KEYS).",
  );
  await expect(page.getByRole("textbox", { name: "New API key" })).toHaveCount(0);
  await expect(name).toHaveValue("One too many");
  await page.reload();
  await expect(page.getByRole("cell", { name: "One too many" })).toHaveCount(0);
  await expect(page.getByRole("row").filter({ hasText: "active" })).toHaveCount(2);
});

test("Create schedule: too frequent beside Cron, past the quota beside the button", async ({ page }) => {
  await signUp(page);
  await page.goto("/schedules");
  await page.getByRole("button", { name: "Add schedule" }).click();
  const form = page.getByRole("form", { name: "Add schedule" });

  // The Hello ticker preset runs every 5 s; this server allows every 10 s at most.
  await form.getByRole("button", { name: "Hello ticker" }).click();
  await form.getByRole("button", { name: "Create schedule" }).click();
  const cron = form.getByLabel("Cron");
  await expect(cron).toHaveAttribute("aria-invalid", "true");
  await expect(cron).toHaveAccessibleDescription(
    "This runs 5 s apart at times; schedules here may run at most once every 10 s (HOOKLINE_MIN_SCHEDULE_INTERVAL, set by the operator)",
  );
  await expect(cron).toHaveValue("*/5 * * * * *");
  await cron.fill("*/10 * * * * *");
  await form.getByRole("button", { name: "Create schedule" }).click();
  await expect(page).toHaveURL(/\/schedules\/sch_/);

  await page.goto("/schedules");
  await page.getByRole("button", { name: "Add schedule" }).click();
  await form.getByRole("button", { name: "Hello ticker" }).click();
  await form.getByLabel("Cron").fill("*/30 * * * * *");
  await form.getByRole("button", { name: "Create schedule" }).click();
  await expect(form.getByRole("alert")).toHaveText(
    "This account has reached its limit of 1 schedule. Delete a schedule you no longer need, or ask the operator of this Hookline to raise the limit (HOOKLINE_MAX_SCHEDULES).",
  );
  await expect(form.getByLabel("Cron")).toHaveValue("*/30 * * * * *");
  await expect(page).toHaveURL(/\/schedules$/);
  await page.reload();
  await expect(page.getByRole("link", { name: /Hello ticker/ })).toHaveCount(1);
});

test("Create event type past the quota: the message beside the button, nothing created", async ({ page }) => {
  await signUp(page);
  await page.goto("/event-types");
  const form = page.getByRole("form", { name: "Add event type" });
  await form.getByLabel("Name").fill("order.created");
  await form.getByRole("button", { name: "Create event type" }).click();
  await expect(page).toHaveURL(/\/event-types\/order\.created$/);

  await page.goto("/event-types");
  await page.getByRole("button", { name: "Add event type" }).click();
  await form.getByLabel("Name").fill("order.paid");
  await form.getByLabel("Example").fill('{"amount": 42}');
  await form.getByRole("button", { name: "Create event type" }).click();
  await expect(form.getByRole("alert")).toHaveText(
    "This account has reached its limit of 1 event type. Delete an event type you no longer need, or ask the operator of this Hookline to raise the limit (HOOKLINE_MAX_EVENT_TYPES).",
  );
  await expect(form.getByLabel("Name")).toHaveValue("order.paid");
  await expect(form.getByLabel("Example")).toHaveValue('{"amount": 42}');
  await page.reload();
  await expect(page.getByRole("row").filter({ has: page.getByRole("link") })).toHaveCount(1);
});
