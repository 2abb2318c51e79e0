// The delivery log's data for the dashboard's live refresh (session cookie auth).
import { NextResponse, type NextRequest } from "next/server";
import { firstFieldErrors } from "@/lib/actions";
import { getCurrentUser } from "@/lib/auth/current-user";
import { listDeliveries } from "@/lib/deliveries/queries";
import { parseDeliveryListQuery } from "@/lib/validations/delivery";

export async function GET(request: NextRequest) {
  const user = await getCurrentUser();
  if (!user) return NextResponse.json({ error: "Sign in to see deliveries." }, { status: 401 });
  const query = parseDeliveryListQuery(request.nextUrl.searchParams);
  if (!query.success) return NextResponse.json({ error: "Invalid filter", fieldErrors: firstFieldErrors(query.error) }, { status: 400 });
  return NextResponse.json(await listDeliveries(user.id, query.data), { headers: { "cache-control": "no-store" } });
}
