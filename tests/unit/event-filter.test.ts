import { describe, expect, it } from "vitest";
import { matchesEventTypes } from "@/lib/events/filter";

describe("matchesEventTypes", () => {
  it("accepts every type when the filter is empty", () => {
    for (const type of ["order.created", "invoice.paid", "webhook.test", "x"]) {
      expect(matchesEventTypes([], type)).toBe(true);
    }
  });

  it("matches exact types only", () => {
    expect(matchesEventTypes(["order.created"], "order.created")).toBe(true);
    expect(matchesEventTypes(["order.created"], "order.updated")).toBe(false);
    expect(matchesEventTypes(["order.created"], "order.created.v2")).toBe(false);
    expect(matchesEventTypes(["order.created"], "order")).toBe(false);
    expect(matchesEventTypes(["order.created"], "Order.Created")).toBe(false);
  });

  it("treats order.* as a prefix wildcard on whole segments", () => {
    const filter = ["order.*"];
    expect(matchesEventTypes(filter, "order.created")).toBe(true);
    expect(matchesEventTypes(filter, "order.item.added")).toBe(true);
    expect(matchesEventTypes(filter, "orders.created")).toBe(false);
    expect(matchesEventTypes(filter, "invoice.paid")).toBe(false);
    expect(matchesEventTypes(filter, "order")).toBe(false);
    expect(matchesEventTypes(filter, "suborder.created")).toBe(false);
  });

  it("supports nested wildcards", () => {
    const filter = ["order.item.*"];
    expect(matchesEventTypes(filter, "order.item.added")).toBe(true);
    expect(matchesEventTypes(filter, "order.created")).toBe(false);
  });

  it("matches when any one filter matches", () => {
    const filter = ["invoice.paid", "order.*"];
    expect(matchesEventTypes(filter, "invoice.paid")).toBe(true);
    expect(matchesEventTypes(filter, "order.shipped")).toBe(true);
    expect(matchesEventTypes(filter, "invoice.created")).toBe(false);
    expect(matchesEventTypes(filter, "customer.created")).toBe(false);
  });

  it("does not treat dots as regex wildcards", () => {
    expect(matchesEventTypes(["order.created"], "orderXcreated")).toBe(false);
    expect(matchesEventTypes(["order.*"], "orderXcreated")).toBe(false);
  });
});
