// A portal's delivery log data for its live refresh (SPEC §12): the link's token in the path is
// the session; the log is always narrowed to the session's consumer's endpoints.
import { NextResponse, type NextRequest } from "next/server";
import { firstFieldErrors } from "@/lib/actions";
import { listDeliveries } from "@/lib/deliveries/queries";
import { portalSession } from "@/lib/portal/queries";
import { parseDeliveryListQuery } from "@/lib/validations/delivery";

export async function GET(request: NextRequest, { params }: { params: Promise<{ token: string }> }) {
  const session = await portalSession((await params).token);
  if (!session) return NextResponse.json({ error: "This portal link has expired or was revoked." }, { status: 404 });
  const query = parseDeliveryListQuery(request.nextUrl.searchParams);
  if (!query.success) return NextResponse.json({ error: "Invalid filter", fieldErrors: firstFieldErrors(query.error) }, { status: 400 });
  const deliveries = await listDeliveries(session.userId, { ...query.data, consumer: session.consumer.uid });
  return NextResponse.json(deliveries, { headers: { "cache-control": "no-store" } });
}
