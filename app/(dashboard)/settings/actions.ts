"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { validatedActionWithUser, type ActionState } from "@/lib/actions";
import { changePassword, deleteAccountWithPassword } from "@/lib/auth/accounts";
import { createApiKey, revokeApiKey } from "@/lib/auth/api-keys";
import { clearSessionCookie, currentSessionToken } from "@/lib/auth/current-user";
import { throttledMessage } from "@/lib/auth/throttle";
import { accountPasswordKey, accountPasswordThrottle } from "@/lib/auth/throttles";
import { updatePortalSettings } from "@/lib/portal/queries";
import { createApiKeySchema } from "@/lib/validations/api-key";
import { changePasswordSchema, deleteAccountSchema } from "@/lib/validations/auth";
import { portalSettingsFormSchema } from "@/lib/validations/portal";

export interface CreateApiKeyState extends ActionState {
  /**
   * The full key, present only in the response to the action that created it: it lives in the
   * creating page's memory and nowhere else (the database holds its hash), so a reload loses it.
   */
  newKey?: { id: string; name: string; key: string };
}

// The wrapper passes the handler's result through as is, so the extra `newKey` reaches the form.
export const createApiKeyAction: (previous: CreateApiKeyState, formData: FormData) => Promise<CreateApiKeyState> = validatedActionWithUser(
  createApiKeySchema,
  async ({ name }, user): Promise<CreateApiKeyState> => {
    const { key, apiKey } = await createApiKey(user.id, name);
    revalidatePath("/settings");
    return { newKey: { id: apiKey.id, name: apiKey.name, key } };
  },
);

const apiKeyIdSchema = z.object({ keyId: z.string().min(1) });

export const revokeApiKeyAction = validatedActionWithUser(apiKeyIdSchema, async ({ keyId }, user): Promise<ActionState> => {
  if (!(await revokeApiKey(user.id, keyId))) return { error: "This API key no longer exists." };
  revalidatePath("/settings");
  return { message: "API key revoked." };
});

export const updatePortalSettingsAction = validatedActionWithUser(portalSettingsFormSchema, async (input, user): Promise<ActionState> => {
  await updatePortalSettings(user.id, input);
  // The page reloads the settings as stored (origins deduplicated, colour lower-cased).
  revalidatePath("/settings");
  return { message: "Portal settings saved." };
});

/**
 * Counts a password check of the account before it is made (argon2 awaits, so concurrent
 * guesses must not all pass a check made before any was counted). A refusal says how long to
 * wait; null lets the check go ahead.
 */
async function passwordCheckRefused(userId: string): Promise<string | null> {
  const wait = await accountPasswordThrottle.take([accountPasswordKey(userId)], Date.now());
  return wait > 0 ? throttledMessage(wait, "wrong passwords") : null;
}

export const changePasswordAction = validatedActionWithUser(
  changePasswordSchema,
  async ({ currentPassword, newPassword }, user): Promise<ActionState> => {
    const refused = await passwordCheckRefused(user.id);
    if (refused) return { fieldErrors: { currentPassword: refused } };
    const result = await changePassword(user.id, currentPassword, newPassword, await currentSessionToken());
    if ("wrongPassword" in result) return { fieldErrors: { currentPassword: "That is not your current password" } };
    await accountPasswordThrottle.clear([accountPasswordKey(user.id)]);
    const others = result.signedOut === 1 ? "1 other session was" : `${result.signedOut} other sessions were`;
    return { message: `Password changed. ${others} signed out.` };
  },
);

export const deleteAccountAction = validatedActionWithUser(deleteAccountSchema, async ({ password }, user): Promise<ActionState> => {
  const refused = await passwordCheckRefused(user.id);
  if (refused) return { fieldErrors: { password: refused } };
  const result = await deleteAccountWithPassword(user.id, password);
  if ("wrongPassword" in result) return { fieldErrors: { password: "That is not your password; nothing was deleted" } };
  await accountPasswordThrottle.clear([accountPasswordKey(user.id)]);
  await clearSessionCookie();
  redirect("/sign-up?deleted=1");
});
