import { z } from "zod";
import { withoutNul } from "./text";

export const MAX_API_KEY_NAME_LENGTH = 100;

/** Naming a key says what uses it, so a leaked or unused key can be recognised and revoked. */
export const createApiKeySchema = z.object({
  name: z
    .string({ error: "Name is required" })
    .trim()
    .min(1, "Name is required")
    .max(MAX_API_KEY_NAME_LENGTH, `Name must be at most ${MAX_API_KEY_NAME_LENGTH} characters`)
    .refine(...withoutNul("Name")),
});

export type CreateApiKeyInput = z.infer<typeof createApiKeySchema>;
