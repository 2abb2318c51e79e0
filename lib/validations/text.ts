/**
 * Free text that is stored as is (names, descriptions, idempotency keys) may not hold U+0000:
 * PostgreSQL text cannot store it, and no name needs it. Refused as a field error, the same on
 * both engines, instead of failing the write.
 */

import { z } from "zod";

/** `refine` arguments for a field labelled `label` (e.g. "Name"). */
export function withoutNul(label: string) {
  return [(text: string) => !text.includes("\u0000"), { message: `${label} must not contain the NUL character (U+0000)` }] as const;
}

/** The name of something the user creates (an endpoint, a schedule): shown in lists and logs. */
export const displayName = z
  .string({ error: "Name is required" })
  .trim()
  .min(1, "Name is required")
  .max(100, "Name must be at most 100 characters")
  .refine(...withoutNul("Name"));
