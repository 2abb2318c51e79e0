"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { validatedActionWithUser, type ActionState } from "@/lib/actions";
import { retryDelivery } from "@/lib/deliveries/queries";

export const retryDeliveryAction = validatedActionWithUser(
  z.object({ deliveryId: z.string().min(1) }),
  async ({ deliveryId }, user): Promise<ActionState> => {
    const result = await retryDelivery(user.id, deliveryId);
    if (!result.ok) {
      const errors = {
        not_found: "This delivery no longer exists.",
        in_progress: "This delivery is already queued or in flight.",
        endpoint_deleted: "This delivery's endpoint was deleted, so it cannot be attempted again.",
      };
      return { error: errors[result.reason] };
    }
    revalidatePath(`/deliveries/${deliveryId}`);
    return { message: "Queued: the worker will attempt it again now." };
  },
);
