"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { setFlash, validatedActionWithUser, type ActionState } from "@/lib/actions";
import { createConsumer, deleteConsumer, updateConsumer } from "@/lib/consumers/queries";
import { consumerFormSchema, consumerNameFormSchema } from "@/lib/validations/consumer";

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
