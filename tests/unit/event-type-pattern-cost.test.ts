// The estimate of what a schema pattern costs on V8's linear engine (lib/event-types/pattern-cost.ts):
// exact values for the shapes the model distinguishes, and the orderings the bounds rely on.
import { describe, expect, it } from "vitest";
import { patternCost } from "@/lib/event-types/pattern-cost";

const perChar = (pattern: string) => patternCost(pattern).stepsPerChar;

describe("patternCost", () => {
  it.each([
    // An anchored chain of fixed-width pieces: one thread, at the widest piece.
    ["^[A-Z]{3}$", { stepsPerChar: 5, stepsPerCall: 9 }],
    ["^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", { stepsPerChar: 8, stepsPerCall: 25 }],
    // Unanchored: a thread starts at every character, so the whole program counts.
    ["[A-Z]{3}", { stepsPerChar: 10, stepsPerCall: 9 }],
    // A loop over a fixed-width body keeps one thread in it.
    ["^[a-z]+$", { stepsPerChar: 9, stepsPerCall: 10 }],
    // \S is 11 ranges, each an instruction (with its fork and jump).
    ["^\\S+$", { stepsPerChar: 39, stepsPerCall: 17 }],
    // Nine characters, 16 copies of \S, unanchored: the pattern that makes length a poor measure.
    ["(\\S{16})*", { stepsPerChar: 508, stepsPerCall: 71 }],
  ])("%s: %o", (pattern, expected) => {
    expect(patternCost(pattern)).toEqual(expected);
  });

  it("counts every loop after one of varying length as live at once, anchored or not", () => {
    expect(perChar("^a*a*a*a*c") - perChar("^a*a*c")).toBe(2 * (perChar("^a*a*a*c") - perChar("^a*a*c")));
    expect(perChar("a*".repeat(1000) + "c")).toBeGreaterThan(4000);
  });

  it("grows with the copies a repeat makes and the ranges a class has, not with the source's length", () => {
    expect(perChar("(\\S{16})*")).toBeGreaterThan(10 * perChar("(\\S)*"));
    expect(perChar("^\\S+$")).toBeGreaterThan(4 * perChar("^[a-z]+$"));
    expect(perChar(`^${"a".repeat(254)}$`)).toBe(perChar("^a$"));
  });

  it("is anchored only when every alternative starts with ^", () => {
    expect(perChar("^a|^b")).toBeLessThan(perChar("^a|b"));
  });

  it("gives a finite estimate for any text, even one the engine would refuse", () => {
    for (const text of ["(", ")(", "[", "\\", "[^]", "[]", "a{2,", "(?<n>a", "((((((((((", "a{99999999999}"]) {
      const cost = patternCost(text);
      expect(Number.isFinite(cost.stepsPerChar) && Number.isFinite(cost.stepsPerCall), text).toBe(true);
    }
  });
});
