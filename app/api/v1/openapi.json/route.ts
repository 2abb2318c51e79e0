// The OpenAPI document: public, so tools can read it without a key.
import { NextResponse } from "next/server";
import { publicMethodNotAllowed } from "@/lib/api/http";
import { openApiDocument } from "@/lib/api/openapi";

export function GET() {
  return NextResponse.json(openApiDocument(), { headers: { "cache-control": "public, max-age=300" } });
}

export const { POST, PUT, PATCH, DELETE, OPTIONS } = publicMethodNotAllowed("GET");
