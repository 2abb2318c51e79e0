// Prometheus scrape target (text exposition format). Open unless HOOKLINE_METRICS_TOKEN is set,
// then Bearer-token only. It exposes installation-wide counts, never an account's data.
import { NextResponse, type NextRequest } from "next/server";
import { env } from "@/lib/env";
import { metricsRequestAllowed, renderMetrics } from "@/lib/metrics/render";

export const dynamic = "force-dynamic";

export async function GET(request: NextRequest) {
  if (!metricsRequestAllowed(request.headers.get("authorization"), env.HOOKLINE_METRICS_TOKEN)) {
    return NextResponse.json(
      { type: "about:blank", status: 401, title: "Unauthorized", detail: "Send the metrics token as `Authorization: Bearer …` (HOOKLINE_METRICS_TOKEN)." },
      { status: 401, headers: { "content-type": "application/problem+json", "www-authenticate": 'Bearer realm="hookline-metrics"' } },
    );
  }
  const { contentType, body } = await renderMetrics();
  return new NextResponse(body, { headers: { "content-type": contentType, "cache-control": "no-store" } });
}
