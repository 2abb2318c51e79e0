"use server";

import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { setFlash, validatedActionWithUser, type ActionState } from "@/lib/actions";
import { createConsumer, deleteConsumer, updateConsumer } from "@/lib/consumers/queries";
import { createPortalLink, revokePortalLinks } from "@/lib/portal/queries";
import { publicOrigin } from "@/lib/public-origin";
import { consumerFormSchema, consumerNameFormSchema } from "@/lib/validations/consumer";
import { portalLinkFormSchema } from "@/lib/validations/portal";

const consumerUidSchema = z.object({ uid: z.string().min(1) });

export const createConsumerAction = validatedActionWithUser(consumerFormSchema, async (input, user): Promise<ActionState> => {
  const created = await createConsumer(user.id, input);
  if ("conflict" in created) return { fieldErrors: { uid: created.conflict } };
  revalidatePath("/consumers");
  await setFlash(`Consumer ${created.name} added.`);
  redirect(`/consumers/${encodeURIComponent(created.uid)}`);
});

export const updateConsumerAction = validatedActionWithUser(
  consumerNameFormSchema,
  async ({ uid, name }, user): Promise<ActionState> => {
    if (!(await updateConsumer(user.id, uid, { name }))) return { error: "This consumer no longer exists." };
    revalidatePath(`/consumers/${encodeURIComponent(uid)}`);
    revalidatePath("/consumers");
    return { message: "Saved." };
  },
);

export const deleteConsumerAction = validatedActionWithUser(consumerUidSchema, async ({ uid }, user): Promise<ActionState> => {
  if (!(await deleteConsumer(user.id, uid))) return { error: "This consumer no longer exists." };
  revalidatePath("/consumers");
  revalidatePath("/endpoints");
  await setFlash(`Consumer ${uid} deleted, with its endpoints. Their deliveries stay in the log.`);
  redirect("/consumers");
});

export interface CreatePortalLinkState extends ActionState {
  /**
   * The new link, only in the response to the action that created it: whoever holds it is signed
   * in to the consumer's portal, so it is not stored (nor listed) anywhere to be shown again.
   */
  link?: { url: string; expiresAt: string };
}

// The wrapper passes the handler's result through as is, so the extra `link` reaches the form.
export const createPortalLinkAction: (previous: CreatePortalLinkState, formData: FormData) => Promise<CreatePortalLinkState> = validatedActionWithUser(
  portalLinkFormSchema,
  async ({ uid, expiresIn }, user): Promise<CreatePortalLinkState> => {
    const link = await createPortalLink(user.id, uid, expiresIn, publicOrigin(await headers()));
    if (!link) return { error: "This consumer no longer exists." };
    return { link };
  },
);

export const revokePortalLinksAction = validatedActionWithUser(consumerUidSchema, async ({ uid }, user): Promise<ActionState> => {
  if (!(await revokePortalLinks(user.id, uid))) return { error: "This consumer no longer exists." };
  return { message: "Portal links revoked: the existing links, and the portal sessions opened with them, no longer work." };
});
