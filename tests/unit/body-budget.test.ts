/**
 * lib/api/body-budget.ts: bytes of bodies in transit counted per client, within
 * HOOKLINE_MAX_BODY_BYTES_IN_TRANSIT (16 MiB by default), given back once, clients apart.
 */
import { describe, expect, it } from "vitest";
import { bodyBytesToCount, clientOfAccount, clientOfAddress, reserveBodyBytes } from "@/lib/api/body-budget";
import { env } from "@/lib/env";

const BUDGET = env.HOOKLINE_MAX_BODY_BYTES_IN_TRANSIT;

describe("reserveBodyBytes", () => {
  it("counts up to the budget, refuses past it, and gives back each reservation once", () => {
    const client = clientOfAccount("usr_budget_unit");
    const half = reserveBodyBytes(client, BUDGET / 2)!;
    const rest = reserveBodyBytes(client, BUDGET / 2)!;
    expect(half).toBeTypeOf("function");
    expect(rest).toBeTypeOf("function");
    expect(reserveBodyBytes(client, 1)).toBeNull();
    // Another client has its own budget.
    const other = reserveBodyBytes(clientOfAddress("192.0.2.7"), BUDGET / 2);
    expect(other).toBeTypeOf("function");
    half();
    half(); // a second call gives nothing back twice
    expect(reserveBodyBytes(client, BUDGET / 2 + 1)).toBeNull();
    const again = reserveBodyBytes(client, BUDGET / 2)!;
    expect(again).toBeTypeOf("function");
    rest();
    again();
    other!();
  });

  it("lets one body of any size through a client with nothing in transit", () => {
    const release = reserveBodyBytes(clientOfAddress(undefined), BUDGET * 4);
    expect(release).toBeTypeOf("function");
    expect(reserveBodyBytes(clientOfAddress(undefined), 1)).toBeNull();
    release!();
    const small = reserveBodyBytes(clientOfAddress(undefined), 1);
    expect(small).toBeTypeOf("function");
    small!();
  });
});

describe("bodyBytesToCount", () => {
  it("is the declared length within the limit, else the limit", () => {
    expect(bodyBytesToCount("120", 1000)).toBe(120);
    expect(bodyBytesToCount("0", 1000)).toBe(0);
    expect(bodyBytesToCount("5000", 1000)).toBe(1000);
    expect(bodyBytesToCount(undefined, 1000)).toBe(1000);
    expect(bodyBytesToCount("nonsense", 1000)).toBe(1000);
    expect(bodyBytesToCount("-5", 1000)).toBe(1000);
  });
});
