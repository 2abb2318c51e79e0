// A cheap first gate: dashboard pages without a session cookie go straight to sign-in.
// The real check (a valid, unexpired session) happens on the server in requireUser().
import { NextResponse, type NextRequest } from "next/server";
import { SESSION_COOKIE } from "./lib/auth/cookie";

export function proxy(request: NextRequest) {
  if (!request.cookies.has(SESSION_COOKIE)) {
    const url = request.nextUrl.clone();
    url.pathname = "/sign-in";
    url.search = "";
    return NextResponse.redirect(url);
  }
  return NextResponse.next();
}

export const config = {
  matcher: ["/endpoints/:path*", "/deliveries/:path*", "/events/:path*", "/schedules/:path*", "/settings/:path*", "/api-reference"],
};
