import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { requireUser } from "@/lib/auth/current-user";
import { getDelivery } from "@/lib/deliveries/queries";
import { attemptsBeforeParam } from "@/lib/validations/delivery";
import { DeliveryDetailView } from "@/components/deliveries/delivery-detail";
import { retryDeliveryAction } from "../actions";

export const metadata: Metadata = { title: "Delivery" };

export default async function DeliveryPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ before?: string | string[] }> }) {
  const user = await requireUser();
  const before = attemptsBeforeParam((await searchParams).before);
  const delivery = await getDelivery(user.id, (await params).id, { before });
  if (!delivery) notFound();
  return <DeliveryDetailView delivery={delivery} base="" retry={retryDeliveryAction} latest={before === undefined} />;
}
