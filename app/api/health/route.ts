// Liveness for load balancers and monitors: public (it says nothing about any account), never
// cached; 200 when the database answers and a worker's heartbeat is fresh, else 503 with why.
import { NextResponse } from "next/server";
import { env } from "@/lib/env";
import { checkHealth } from "@/lib/health";

export const dynamic = "force-dynamic";

export async function GET() {
  const report = await checkHealth(Date.now(), env.HOOKLINE_HEARTBEAT_TIMEOUT_MS);
  return NextResponse.json(report, { status: report.status === "ok" ? 200 : 503, headers: { "cache-control": "no-store" } });
}
