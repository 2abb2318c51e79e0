/**
 * JSON that grows when indented, through the real server: an event whose data is 250 KB
 * compact but 32 MB indented (125,000 numbers 61 levels deep) is accepted by the API, and its
 * dashboard page shows it unindented at its own size (a few views of the indented page ran the
 * server out of heap); the Send event form refuses data nested deeper than the API takes beside
 * its Data field (it answered 500 at 20,000 levels).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db";
import { createApiKey } from "@/lib/auth/api-keys";
import { MAX_FIELD_DEPTH } from "@/lib/validations/json-field";
import { apiClient, startApiServer, stopServersAfterAll } from "../helpers/api-client";
import { signUpAndSignIn, submitForm } from "../helpers/forms";

stopServersAfterAll();

let origin = "";
let cookie = "";
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  origin = (await startApiServer()).origin;
  const email = `deep-${Date.now()}@example.test`;
  cookie = await signUpAndSignIn(origin, email, "correct horse battery staple");
  const { id } = await prisma.user.findUniqueOrThrow({ where: { email }, select: { id: true } });
  api = apiClient(origin, (await createApiKey(id, "deep")).key);
}, 120_000);

const nested = (depth: number, inner: string) => "[".repeat(depth) + inner + "]".repeat(depth);

describe("deep JSON", () => {
  it("an event 32 MB once indented is shown unindented, its page about its own size", async () => {
    const data = JSON.parse(nested(61, Array(125_000).fill(0).join(",")));
    const sent = await api.post("/api/v1/events", { type: "wide.deep", data });
    expect(sent.status).toBe(202);

    const page = await fetch(`${origin}/events/${sent.body.id}`, { headers: { cookie } });
    expect(page.status).toBe(200);
    const html = await page.text();
    // (Asserted as booleans: a failure would otherwise print the whole page.)
    expect(html.includes("Shown unindented: indented, it would be over 1024 KiB of text."), "the note beside compact data").toBe(true);
    // The data twice (the HTML and React's payload for the page), compact: ~0.5 MB, not 64 MB.
    expect(html.length).toBeLessThan(2 * 1024 * 1024);
  });

  it("Send event refuses data nested past the API's limit beside Data, any depth, and stores nothing", async () => {
    const sendForm = (html: string) => /name="data"/.test(html);
    for (const depth of [MAX_FIELD_DEPTH + 1, 20_000]) {
      const result = await submitForm(`${origin}/events`, { type: "too.deep", data: nested(depth, "0"), orderingKey: "" }, { cookie, pick: sendForm });
      expect(result.status).toBe(200);
      expect(result.html.includes(`Data must not be nested more than ${MAX_FIELD_DEPTH} levels deep`), `the message beside Data at depth ${depth}`).toBe(true);
    }
    expect(await prisma.event.count({ where: { type: "too.deep" } })).toBe(0);
  });
});
