// The OpenAPI document: public, so tools can read it without a key.
import { NextResponse } from "next/server";
import { openApiDocument } from "@/lib/api/openapi";

export function GET() {
  return NextResponse.json(openApiDocument(), { headers: { "cache-control": "public, max-age=300" } });
}
