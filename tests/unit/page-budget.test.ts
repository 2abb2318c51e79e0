// pageWithinBudget (lib/page-budget.ts): which rows of a list page are read whole, given their
// data sizes newest first (fetched with limit + 1), and where the next page starts.
import { describe, expect, it } from "vitest";
import { MAX_PAGE_DATA_BYTES, pageWithinBudget } from "@/lib/page-budget";

const rows = (...bytes: number[]) => bytes.map((payloadBytes, index) => ({ id: `id${index}`, payloadBytes }));

describe("pageWithinBudget", () => {
  it("takes `limit` small rows and leads on when there are more, or ends when there are not", () => {
    expect(pageWithinBudget(rows(10, 10, 10, 10), 3)).toEqual({ ids: ["id0", "id1", "id2"], nextCursor: "id2" });
    expect(pageWithinBudget(rows(10, 10, 10), 3)).toEqual({ ids: ["id0", "id1", "id2"], nextCursor: null });
    expect(pageWithinBudget(rows(), 3)).toEqual({ ids: [], nextCursor: null });
  });

  it("ends the page where the next row would pass the budget, and leads on from there", () => {
    const half = MAX_PAGE_DATA_BYTES / 2;
    expect(pageWithinBudget(rows(half, half, 1, 1), 10)).toEqual({ ids: ["id0", "id1"], nextCursor: "id1" });
    expect(pageWithinBudget(rows(half, half + 1, 1), 10)).toEqual({ ids: ["id0"], nextCursor: "id0" });
  });

  it("always takes one row, however large, so every page moves on", () => {
    expect(pageWithinBudget(rows(MAX_PAGE_DATA_BYTES * 3, 1), 10)).toEqual({ ids: ["id0"], nextCursor: "id0" });
    expect(pageWithinBudget(rows(MAX_PAGE_DATA_BYTES * 3), 10)).toEqual({ ids: ["id0"], nextCursor: null });
  });
});
