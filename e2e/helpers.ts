import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** An HTTP receiver on 127.0.0.1 that records every request and answers `status`. */
export async function startReceiver(
  initialStatus = 200,
): Promise<{ url: string; requests: ReceivedRequest[]; setStatus: (status: number) => void; close: () => Promise<void> }> {
  let status = initialStatus;
  const requests: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(status, { "content-type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    requests,
    setStatus: (next: number) => {
      status = next;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * An HTTP receiver on 127.0.0.1 that holds every request (no answer) until `release()`, then
 * answers `status` to the held ones and at once to any later one. `afterRelease` says which
 * side of the release a request arrived on. `close()` releases first, so nothing hangs.
 */
export async function startHoldingReceiver(
  status = 200,
): Promise<{ url: string; requests: Array<ReceivedRequest & { afterRelease: boolean }>; release: () => void; close: () => Promise<void> }> {
  let released = false;
  const held: Array<() => void> = [];
  const requests: Array<ReceivedRequest & { afterRelease: boolean }> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), afterRelease: released });
      const answer = () => void res.writeHead(status, { "content-type": "text/plain" }).end("ok");
      if (released) answer();
      else held.push(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const release = () => {
    released = true;
    for (const answer of held.splice(0)) answer();
  };
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    requests,
    release,
    close: () => {
      release();
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

let counter = 0;
export function uniqueEmail(): string {
  return `user-${Date.now()}-${process.pid}-${++counter}@example.com`;
}

export async function signUp(page: Page, email = uniqueEmail(), password = "correct horse battery"): Promise<{ email: string; password: string }> {
  await page.goto("/sign-up");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page).toHaveURL(/\/endpoints$/);
  return { email, password };
}

export async function addEndpoint(page: Page, name: string, url: string): Promise<string> {
  await page.goto("/endpoints");
  await page.getByRole("button", { name: "Add endpoint" }).first().click();
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("URL").fill(url);
  await page.getByRole("button", { name: "Create endpoint" }).click();
  await expect(page).toHaveURL(/\/endpoints\/ep_/);
  return page.url().split("/").pop()!;
}

/** Creates an API key in Settings (as a user would) and returns it. */
export async function createApiKey(page: Page, name = "e2e"): Promise<string> {
  await page.goto("/settings");
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByRole("button", { name: "Create API key" }).click();
  const shown = page.getByRole("textbox", { name: "New API key" });
  await expect(shown).toHaveValue(/^hl_/);
  return shown.inputValue();
}

/** No serious or critical accessibility violation (axe-core) on the page as it is now. */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  // Next streams a dynamic page's metadata after its content, so right after a client-side
  // navigation the new <title> can still be on its way; axe would report a page without one.
  // Wait for it (and fail here if it never comes).
  await expect(page, `${screen} has no title`).toHaveTitle(/\S/);
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => `${violation.id}: ${violation.help}`);
  expect(serious, `${screen} has accessibility violations`).toEqual([]);
}
