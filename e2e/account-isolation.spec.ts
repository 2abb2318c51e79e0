// SPEC §1: one account can never see or change another account's endpoints or deliveries;
// foreign ids answer 404, exactly like ids that do not exist.
import { expect, test } from "@playwright/test";
import { addEndpoint, signUp, startReceiver } from "./helpers";

test("a second account gets 404 for the first account's endpoint and delivery", async ({ browser }) => {
  const receiver = await startReceiver(200);
  const owner = await browser.newContext();
  const stranger = await browser.newContext();
  try {
    const ownerPage = await owner.newPage();
    await signUp(ownerPage);
    const endpointId = await addEndpoint(ownerPage, "Private endpoint", receiver.url);
    await ownerPage.getByRole("button", { name: "Send test event" }).click();
    const deliveryLink = ownerPage.getByRole("link", { name: "webhook.test" });
    await expect(deliveryLink).toBeVisible();
    const deliveryPath = (await deliveryLink.getAttribute("href"))!;
    expect(deliveryPath).toMatch(/^\/deliveries\/dlv_/);

    // The owner can open both.
    expect((await ownerPage.goto(`/endpoints/${endpointId}`))!.status()).toBe(200);
    expect((await ownerPage.goto(deliveryPath))!.status()).toBe(200);

    const strangerPage = await stranger.newPage();
    await signUp(strangerPage);
    for (const path of [`/endpoints/${endpointId}`, deliveryPath]) {
      const response = await strangerPage.goto(path);
      expect(response!.status(), path).toBe(404);
      await expect(strangerPage.getByRole("heading", { name: "Not found" })).toBeVisible();
      await expect(strangerPage.getByText("Private endpoint")).toHaveCount(0);
    }

    // Nor does the stranger's log (or its data route) list anything of the owner's.
    const api = await strangerPage.request.get(`/api/dashboard/deliveries?endpointId=${endpointId}`);
    expect(api.status()).toBe(200);
    expect((await api.json()).data).toEqual([]);
    await strangerPage.goto("/deliveries");
    await expect(strangerPage.getByRole("cell", { name: /No deliveries yet/ })).toBeVisible();
    await strangerPage.goto("/endpoints");
    await expect(strangerPage.getByText("No endpoints yet")).toBeVisible();
  } finally {
    await owner.close();
    await stranger.close();
    await receiver.close();
  }
});
