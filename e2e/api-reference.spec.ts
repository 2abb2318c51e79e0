// The API reference page is rendered from the OpenAPI document the API itself serves.
import { expect, test } from "@playwright/test";
import { signUp } from "./helpers";

test("the API reference lists every documented route with its fields", async ({ page, request }) => {
  await signUp(page);
  await page.getByRole("link", { name: "API", exact: true }).click();
  await expect(page.getByRole("heading", { name: "API reference" })).toBeVisible();

  const document = await (await request.get("/api/v1/openapi.json")).json();
  const operations = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(([path, methods]) =>
    Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
  );
  expect(operations.length).toBeGreaterThanOrEqual(14);
  for (const operation of operations) await expect(page.getByRole("region", { name: operation, exact: true })).toBeVisible();

  const createEndpoint = page.getByRole("region", { name: "POST /api/v1/endpoints", exact: true });
  for (const field of ["name", "url", "destination", "eventTypes", "headers"]) {
    await expect(createEndpoint.getByRole("cell", { name: field, exact: false }).first()).toBeVisible();
  }
  await page.screenshot({ path: "test-results/screenshots/api-reference.png", fullPage: true });
});
