// Free text stored as is refuses U+0000 with a field error (PostgreSQL text cannot hold it).
import { describe, expect, it } from "vitest";
import { createApiKeySchema } from "@/lib/validations/api-key";
import { createEndpointSchema } from "@/lib/validations/endpoint";
import { idempotencyKey } from "@/lib/validations/event";
import { createScheduleSchema } from "@/lib/validations/schedule";

const NUL = "\u0000";

describe("free text without U+0000", () => {
  it.each([
    ["endpoint name", () => createEndpointSchema.safeParse({ name: `a${NUL}b`, url: "https://example.com/hook" }), "name"],
    ["endpoint description", () => createEndpointSchema.safeParse({ name: "a", url: "https://example.com/hook", description: NUL }), "description"],
    ["API key name", () => createApiKeySchema.safeParse({ name: `key${NUL}` }), "name"],
    ["schedule name", () => createScheduleSchema.safeParse({ name: NUL, cron: "* * * * *", type: "t", data: {} }), "name"],
  ])("%s: a field error, not a stored value", (_, parse, field) => {
    const result = parse();
    expect(result.success).toBe(false);
    expect(result.error!.issues.find((issue) => issue.path[0] === field)?.message).toMatch(/NUL character/);
  });

  it("idempotency keys too; ordinary text passes", () => {
    expect(idempotencyKey.safeParse(`k${NUL}`).success).toBe(false);
    expect(idempotencyKey.safeParse("order-42").success).toBe(true);
    expect(createEndpointSchema.safeParse({ name: "Orders — prod ✓", url: "https://example.com/hook" }).success).toBe(true);
  });
});
