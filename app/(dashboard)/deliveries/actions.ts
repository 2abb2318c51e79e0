"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { RETRY_QUEUED, retryErrors } from "@/lib/action-messages";
import { validatedActionWithUser, type ActionState } from "@/lib/actions";
import { retryDelivery } from "@/lib/deliveries/queries";

export const retryDeliveryAction = validatedActionWithUser(
  z.object({ deliveryId: z.string().min(1) }),
  async ({ deliveryId }, user): Promise<ActionState> => {
    const result = await retryDelivery(user.id, deliveryId);
    if (!result.ok) return { error: retryErrors[result.reason] };
    revalidatePath(`/deliveries/${deliveryId}`);
    return { message: RETRY_QUEUED };
  },
);
