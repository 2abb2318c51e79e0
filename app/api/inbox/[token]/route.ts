// The built-in inbox's receiving end: public (the token in the path is the secret), records
// any request, answers 200 so deliveries to it succeed. The token is looked up before the body
// is read, and the body is read with a cap (chunked ones too).
import { NextResponse, type NextRequest } from "next/server";
import { readBodyUpTo } from "@/lib/api/http";
import { INBOX_MAX_REQUEST_BYTES } from "@/lib/api/body-limits";
import { inboxOwner, recordInboxRequest } from "@/lib/inbox/queries";
import { inboxTooLargeResponse, noInboxResponse } from "@/lib/inbox/responses";

async function receive(request: NextRequest, context: { params: Promise<{ token: string }> }) {
  const { token } = await context.params;
  const userId = await inboxOwner(token);
  if (!userId) return noInboxResponse();
  if (Number(request.headers.get("content-length") ?? 0) > INBOX_MAX_REQUEST_BYTES) return inboxTooLargeResponse();
  const body = await readBodyUpTo(request, INBOX_MAX_REQUEST_BYTES);
  if (body.tooLarge) return inboxTooLargeResponse(body.closeConnection ? { connection: "close" } : {});
  const headers = Object.fromEntries(request.headers.entries());
  await recordInboxRequest(userId, { method: request.method, headers, body: body.bytes.toString("utf8") });
  return NextResponse.json({ received: true });
}

export const POST = receive;
export const PUT = receive;
