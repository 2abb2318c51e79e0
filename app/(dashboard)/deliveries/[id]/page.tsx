import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { requireUser } from "@/lib/auth/current-user";
import { getDelivery } from "@/lib/deliveries/queries";
import { DeliveryDetailView } from "@/components/deliveries/delivery-detail";
import { retryDeliveryAction } from "../actions";

export const metadata: Metadata = { title: "Delivery" };

export default async function DeliveryPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const delivery = await getDelivery(user.id, (await params).id);
  if (!delivery) notFound();
  return <DeliveryDetailView delivery={delivery} base="" retry={retryDeliveryAction} />;
}
