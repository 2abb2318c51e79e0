// The event-type catalog from the dashboard: schema and example mistakes show beside their
// fields; an entry shows its schema and example formatted and can be edited; endpoints pick
// filter types from the catalog and send a type's example as a signed test event; the Events
// page refuses data that does not match the type's schema; deleting empties the catalog again.
import { expect, test } from "@playwright/test";
import { Webhook } from "standardwebhooks";
import { addEndpoint, expectAccessible, signUp, startReceiver } from "./helpers";


const ORDER_SCHEMA = { type: "object", required: ["amount"], properties: { amount: { type: "number", minimum: 0 } } };

test("catalog entry with schema and example → endpoint filter and typed test event → Send event validated → delete", async ({ page }) => {
  const receiver = await startReceiver(200);
  try {
    await signUp(page);
    const nav = page.getByRole("navigation", { name: "Main" });
    await nav.getByRole("link", { name: "Event types", exact: true }).click();
    await expect(page).toHaveURL(/\/event-types$/);
    await expect(page.getByRole("heading", { level: 1, name: "Event types" })).toBeVisible();
    await expect(page.getByRole("heading", { name: "No event types yet" })).toBeVisible();
    await expectAccessible(page, "event types (empty)");

    // A schema that is not JSON Schema: refused beside Schema, and what was typed stays.
    const form = page.getByRole("form", { name: "Add event type" });
    await form.getByLabel("Name").fill("order.created");
    await form.getByLabel("Description").fill("An order was placed.");
    await form.getByLabel("Schema").fill('{"type": "nonsense"}');
    await form.getByRole("button", { name: "Create event type" }).click();
    await expect(form.getByLabel("Schema")).toHaveAttribute("aria-invalid", "true");
    await expect(form.getByText(/^\/type: must be equal to one of the allowed values/)).toBeVisible();
    await expect(form.getByLabel("Name")).toHaveValue("order.created");
    await expect(form.getByLabel("Name")).not.toHaveAttribute("aria-invalid", "true");

    // An example that does not match the schema: refused beside Example, at the value's pointer.
    await form.getByLabel("Schema").fill(JSON.stringify(ORDER_SCHEMA));
    await form.getByLabel("Example").fill('{"amount": -5}');
    await form.getByRole("button", { name: "Create event type" }).click();
    await expect(form.getByLabel("Example")).toHaveAttribute("aria-invalid", "true");
    await expect(form.getByText("/amount: Does not match the schema: must be >= 0")).toBeVisible();
    await expect(form.getByLabel("Schema")).not.toHaveAttribute("aria-invalid", "true");

    await form.getByLabel("Example").fill('{"amount": 42}');
    await form.getByRole("button", { name: "Create event type" }).click();
    await expect(page).toHaveURL(/\/event-types\/order\.created$/);
    await expect(page.getByRole("status").filter({ hasText: "Event type order.created added to the catalog." })).toBeVisible();

    // Listed, with its description and a schema.
    await page.getByRole("link", { name: "← Event types" }).click();
    await expect(page).toHaveURL(/\/event-types$/);
    const row = page.getByRole("row").filter({ has: page.getByRole("link", { name: "order.created" }) });
    await expect(row).toContainText("An order was placed.");
    await expect(row).toContainText("Validated");
    await expect(row).not.toContainText("deprecated");
    await expectAccessible(page, "event types");
    await page.screenshot({ path: "test-results/screenshots/event-types.png", fullPage: true });

    // A name already in the catalog: refused beside Name.
    await page.getByRole("button", { name: "Add event type" }).click();
    await form.getByLabel("Name").fill("order.created");
    await form.getByRole("button", { name: "Create event type" }).click();
    await expect(form.getByLabel("Name")).toHaveAttribute("aria-invalid", "true");
    await expect(form.getByLabel("Name")).toHaveAccessibleDescription("The catalog already has an event type named order.created.");
    await form.getByRole("button", { name: "Cancel" }).click();

    // Its page shows the schema and the example pretty-printed.
    await row.getByRole("link", { name: "order.created" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "order.created" })).toBeVisible();
    await expect(page.getByRole("region", { name: "Schema" }).locator("pre")).toHaveText(JSON.stringify(ORDER_SCHEMA, null, 2));
    await expect(page.getByRole("region", { name: "Example" }).locator("pre")).toHaveText(JSON.stringify({ amount: 42 }, null, 2));
    await expectAccessible(page, "event type page");
    await page.emulateMedia({ colorScheme: "dark" });
    await expectAccessible(page, "event type page (dark)");
    await page.emulateMedia({ colorScheme: "light" });
    await page.screenshot({ path: "test-results/screenshots/event-type.png", fullPage: true });

    // Edit in place: a new description, marked deprecated.
    const edit = page.getByRole("form", { name: "Edit event type" });
    await expect(edit.getByLabel("Schema")).toHaveValue(JSON.stringify(ORDER_SCHEMA, null, 2));
    await edit.getByLabel("Description").fill("A customer placed an order; amount in cents.");
    await edit.getByLabel("Deprecated").check();
    await edit.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Saved." })).toHaveText("Saved.");
    await expect(page.getByText("A customer placed an order; amount in cents.", { exact: true })).toBeVisible();
    await expect(page.getByRole("heading", { level: 1, name: "order.created" })).toContainText("deprecated");
    await edit.getByLabel("Deprecated").uncheck();
    await edit.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "order.created" })).not.toContainText("deprecated");

    // An endpoint: its filter editor offers the catalog's types.
    await addEndpoint(page, "Shop", receiver.url);
    const settings = page.getByRole("region", { name: "Settings" });
    const catalogType = settings.getByRole("group", { name: "From your catalog" }).getByRole("checkbox", { name: "order.created" });
    await expect(catalogType).not.toBeChecked();
    await catalogType.check();
    await expect(settings.getByLabel("Event types")).toHaveValue("order.created");
    await settings.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Saved." })).toHaveText("Saved.");
    await expect(settings.getByLabel("Event types")).toHaveValue("order.created");
    await page.reload();
    await expect(settings.getByLabel("Event types")).toHaveValue("order.created");
    await expect(catalogType).toBeChecked();

    // The type's example as a test event, signed with the endpoint's secret.
    await page.getByRole("button", { name: "Reveal secret" }).click();
    const secret = await page.getByRole("textbox", { name: "Signing secret" }).inputValue();
    const testType = page.getByLabel("Test event type");
    await expect(testType.getByRole("option")).toHaveText(["webhook.test", "order.created"]);
    await testType.selectOption({ label: "order.created" });
    await page.getByRole("button", { name: "Send test event" }).click();
    await expect(page.getByRole("status").filter({ hasText: /Test event msg_\S+ queued\./ })).toBeVisible();
    await expect.poll(() => receiver.requests.length).toBe(1);
    const [request] = receiver.requests;
    const verified = new Webhook(secret).verify(request.body, request.headers as Record<string, string>) as { type: string; data: unknown };
    expect(verified.type).toBe("order.created");
    expect(verified.data).toEqual({ amount: 42 });
    await expectAccessible(page, "endpoint page with the catalog");

    // Send event checks the data against the catalog: refused beside Data, nothing created.
    await nav.getByRole("link", { name: "Events", exact: true }).click();
    await expect(page).toHaveURL(/\/events$/);
    const send = page.getByRole("form", { name: "Send event" });
    await send.getByLabel("Type").fill("order.created");
    await send.getByLabel("Data (JSON)").fill('{"amount": -1}');
    await send.getByRole("button", { name: "Send event" }).click();
    await expect(send.getByLabel("Data (JSON)")).toHaveAttribute("aria-invalid", "true");
    await expect(send.getByText(/^Does not match the schema of order\.created/)).toContainText("/amount: must be >= 0");
    await expect(send.getByLabel("Data (JSON)")).toHaveValue('{"amount": -1}');
    await page.reload();
    await expect(page.getByRole("link", { name: "order.created" })).toHaveCount(1);
    expect(receiver.requests).toHaveLength(1);

    // Delete, with confirmation: the catalog is empty again.
    await nav.getByRole("link", { name: "Event types", exact: true }).click();
    // The events page has "order.created" links too: wait for the catalog before clicking.
    await expect(page).toHaveURL(/\/event-types$/);
    await expect(page.getByRole("heading", { level: 1, name: "Event types" })).toBeVisible();
    await page.getByRole("link", { name: "order.created" }).click();
    await expect(page).toHaveURL(/\/event-types\/order\.created$/);
    await page.getByRole("button", { name: "Delete", exact: true }).click();
    await page.getByRole("button", { name: "Delete event type" }).click();
    await expect(page).toHaveURL(/\/event-types$/);
    await expect(page.getByRole("heading", { name: "No event types yet" })).toBeVisible();
    await expect(page.getByRole("status").filter({ hasText: "Event type order.created deleted." })).toBeVisible();
  } finally {
    await receiver.close();
  }
});
