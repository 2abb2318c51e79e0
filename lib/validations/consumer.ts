import { z } from "zod";
import { pageQuerySchema } from "./delivery";
import { displayName } from "./text";

/**
 * A consumer's uid: the account's own identifier for its customer (SPEC §12), in API paths and
 * events. URL-safe characters only, so it is its own path segment; "." and ".." would resolve away.
 */
const CONSUMER_UID_PATTERN = /^[a-zA-Z0-9_.-]{1,128}$/;

export const consumerUid = z
  .string({ error: "uid must be a string" })
  .regex(CONSUMER_UID_PATTERN, "uid must be 1–128 characters of letters, digits, '_', '.' or '-'")
  .refine((uid) => uid !== "." && uid !== "..", { message: "uid cannot be . or .." });

/** POST /api/v1/consumers. */
export const createConsumerSchema = z.strictObject({
  uid: consumerUid.describe("Your own identifier for this customer, e.g. `acme-corp`: unique in the account."),
  name: displayName,
});

/** PATCH /api/v1/consumers/{uid}: the name (the uid is the consumer's address). */
export const updateConsumerSchema = z.strictObject({ name: displayName });

export const consumerListQuerySchema = pageQuerySchema.extend({ cursor: consumerUid.optional() });

/** The dashboard's forms: the same fields in a plain object (a form posts React's own fields beside its inputs). */
export const consumerFormSchema = z.object(createConsumerSchema.shape);
export const consumerNameFormSchema = z.object({ ...updateConsumerSchema.shape, uid: z.string().min(1) });

export type CreateConsumerInput = z.infer<typeof createConsumerSchema>;
export type UpdateConsumerInput = z.infer<typeof updateConsumerSchema>;
