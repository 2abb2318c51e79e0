// The built-in inbox's receiving end: public (the token in the path is the secret), records
// any request, answers 200 so deliveries to it succeed.
import { NextResponse, type NextRequest } from "next/server";
import { INBOX_MAX_BODY, receiveInboxRequest } from "@/lib/inbox/queries";

async function receive(request: NextRequest, context: { params: Promise<{ token: string }> }) {
  const { token } = await context.params;
  if (Number(request.headers.get("content-length") ?? 0) > INBOX_MAX_BODY * 4) {
    return NextResponse.json({ error: "Too large for the inbox." }, { status: 413 });
  }
  const body = (await request.text()).slice(0, INBOX_MAX_BODY);
  const headers = Object.fromEntries(request.headers.entries());
  const stored = await receiveInboxRequest(token, { method: request.method, headers, body });
  if (!stored) return NextResponse.json({ error: "No inbox here." }, { status: 404 });
  return NextResponse.json({ received: true });
}

export const POST = receive;
export const PUT = receive;
