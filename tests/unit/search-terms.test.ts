// A search box's text as search terms (lib/events/search-terms.ts): words split on whitespace,
// those without a letter or digit dropped, duplicates once, bounded in number and length.
import { describe, expect, it } from "vitest";
import { MAX_SEARCH_LENGTH, MAX_SEARCH_TERMS, searchTerms } from "@/lib/events/search-terms";

describe("searchTerms", () => {
  it("splits on whitespace and keeps punctuation inside words (phrases are matched by the index)", () => {
    expect(searchTerms("  order.created\tBerlin  ")).toEqual(["order.created", "Berlin"]);
    expect(searchTerms('"quartz" NEAR(x) -y')).toEqual(['"quartz"', "NEAR(x)", "-y"]);
  });

  it("drops words without a letter or digit, and repeats", () => {
    expect(searchTerms("!!! -- berlin berlin ü")).toEqual(["berlin", "ü"]);
    expect(searchTerms("... ---")).toEqual([]);
  });

  it(`takes at most ${MAX_SEARCH_TERMS} words of the first ${MAX_SEARCH_LENGTH} characters`, () => {
    expect(searchTerms(Array.from({ length: 20 }, (_, index) => `w${index}`).join(" "))).toHaveLength(MAX_SEARCH_TERMS);
    expect(searchTerms(`${"a".repeat(MAX_SEARCH_LENGTH)}bcd`)).toEqual(["a".repeat(MAX_SEARCH_LENGTH)]);
  });
});
