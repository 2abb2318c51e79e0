import { describe, expect, it } from "vitest";
import { planFairClaims, type ActiveEndpoint } from "@/lib/worker/fair-share";

const limits = { concurrency: 64, accountConcurrency: 32, endpointConcurrency: 16, minClaim: 4 };
const none = { total: 0, byAccount: new Map<string, number>(), byEndpoint: new Map<string, number>() };

function endpoints(accountId: string, count: number): ActiveEndpoint[] {
  return Array.from({ length: count }, (_, i) => ({ endpointId: `${accountId}-ep${i}`, accountId }));
}

function byAccount(requests: Array<{ endpointId: string; limit: number }>): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const { endpointId, limit } of requests) totals[endpointId.split("-")[0]] = (totals[endpointId.split("-")[0]] ?? 0) + limit;
  return totals;
}

describe("planFairClaims", () => {
  it("splits the slots between accounts, not endpoints: 40 endpoints get no more than 1", () => {
    const requests = planFairClaims([...endpoints("H", 40), ...endpoints("V", 1)], none, limits);
    expect(byAccount(requests)).toEqual({ H: 32, V: 16 });
  });

  it("never lets one account hold more than its cap, even alone", () => {
    expect(byAccount(planFairClaims(endpoints("H", 40), none, limits))).toEqual({ H: 32 });
  });

  it("serves an account with nothing in flight before one that holds its cap", () => {
    const inFlight = { total: 32, byAccount: new Map([["H", 32]]), byEndpoint: new Map(endpoints("H", 2).map((e) => [e.endpointId, 16])) };
    const requests = planFairClaims([...endpoints("H", 40), ...endpoints("V", 2)], inFlight, limits);
    expect(byAccount(requests)).toEqual({ V: 32 });
  });

  it("passes on what an account cannot use", () => {
    const requests = planFairClaims([...endpoints("A", 1), ...endpoints("B", 4)], none, limits);
    // A's one endpoint takes its cap of 16; B gets the remaining 48 up to its account cap.
    expect(byAccount(requests)).toEqual({ A: 16, B: 32 });
  });

  it("shares an account's part between its endpoints", () => {
    const requests = planFairClaims(endpoints("A", 4), none, { ...limits, accountConcurrency: 64 });
    expect(requests.map((request) => request.limit)).toEqual([16, 16, 16, 16]);
  });

  it("never plans more than the free slots", () => {
    const inFlight = { total: 60, byAccount: new Map([["X", 60]]), byEndpoint: new Map() };
    const requests = planFairClaims([...endpoints("A", 3), ...endpoints("B", 3)], inFlight, { ...limits, accountConcurrency: 64 });
    expect(requests.reduce((sum, request) => sum + request.limit, 0)).toBe(4);
  });

  it("tops up a busy endpoint only once enough of its slots are free", () => {
    const busy = (n: number) => ({ total: n, byAccount: new Map([["A", n]]), byEndpoint: new Map([["A-ep0", n]]) });
    expect(planFairClaims(endpoints("A", 1), busy(14), limits)).toEqual([]);
    expect(planFairClaims(endpoints("A", 1), busy(12), limits)).toEqual([{ endpointId: "A-ep0", limit: 4 }]);
  });
});
