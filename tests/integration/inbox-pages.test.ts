/**
 * The inbox page's list (lib/inbox/queries.ts listInboxRequests), on both engines: the latest
 * requests newest first, at most INBOX_PAGE of them and INBOX_PAGE_BODY_BYTES of body together
 * (at least one), each whole; `olderCursor` leads through the older ones, each exactly once; one
 * account never sees another's.
 */
import { describe, expect, it } from "vitest";
import { INBOX_KEEP, INBOX_MAX_BODY, INBOX_PAGE, INBOX_PAGE_BODY_BYTES, listInboxRequests, recordInboxRequest } from "@/lib/inbox/queries";
import { newAccount } from "../helpers/harness";

const LARGE_BODY_BYTES = 250_000;

async function receive(userId: string, body: string) {
  await recordInboxRequest(userId, { method: "POST", headers: { "content-type": "application/json" }, body });
}

/** Every page, following olderCursor: the bodies on each. */
async function allPages(userId: string): Promise<string[][]> {
  const pages: string[][] = [];
  let before: string | undefined;
  do {
    const page = await listInboxRequests(userId, { before });
    pages.push(page.requests.map((request) => request.body));
    before = page.olderCursor ?? undefined;
  } while (before !== undefined && pages.length < 10);
  return pages;
}

describe("the inbox page's requests", () => {
  it("end a page at the body budget, and lead on to the older ones, each once and whole", async () => {
    const account = await newAccount("inbox-large");
    const bodies = Array.from({ length: 6 }, (_, index) => `${index}`.padEnd(LARGE_BODY_BYTES, "x"));
    for (const body of bodies) await receive(account.id, body);
    const fit = Math.floor(INBOX_PAGE_BODY_BYTES / LARGE_BODY_BYTES);
    expect(fit).toBe(4);

    const newestFirst = [...bodies].reverse();
    expect(await allPages(account.id)).toEqual([newestFirst.slice(0, fit), newestFirst.slice(fit)]);
    expect(await allPages((await newAccount("inbox-empty")).id)).toEqual([[]]);
  });

  it("holds INBOX_PAGE small requests, and large ones among them end their page where the budget does, counted in bytes", async () => {
    const account = await newAccount("inbox-small");
    const bodies: string[] = [];
    for (let index = 0; index < INBOX_PAGE + 5; index++) bodies.push(JSON.stringify({ index }));
    // Two of the largest bodies the inbox keeps: INBOX_MAX_BODY characters of 3 bytes each (768 KiB);
    // one fits beside small ones in a page's budget, two do not.
    const large = ["A", "B"].map((letter) => letter + "€".repeat(INBOX_MAX_BODY - 1));
    bodies.splice(10, 0, ...large);
    for (const body of bodies) await receive(account.id, body);
    expect(bodies.length).toBeLessThanOrEqual(INBOX_KEEP);

    const newestFirst = [...bodies].reverse();
    const newer = newestFirst.indexOf(large[1]);
    expect(await allPages(account.id)).toEqual([newestFirst.slice(0, newer + 1), newestFirst.slice(newer + 1)]);
    const small = (await listInboxRequests((await seeded(INBOX_PAGE + 1)).id)).requests;
    expect(small).toHaveLength(INBOX_PAGE);
  });
});

/** An account whose inbox received `count` small requests. */
async function seeded(count: number) {
  const account = await newAccount("inbox-many");
  for (let index = 0; index < count; index++) await receive(account.id, `{"n":${index}}`);
  return account;
}
