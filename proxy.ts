// A cheap first gate in front of the app:
// - dashboard pages without a session cookie go straight to sign-in (the real check, a valid
//   and unexpired session, happens on the server in requireUser());
// - API paths that are not valid percent-encoding get a 400 problem here, because Next fails
//   to decode them into route params and would answer a bare 500.
import { NextResponse, type NextRequest } from "next/server";
import { SESSION_COOKIE } from "./lib/auth/cookie";

function undecodablePath(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return false;
  } catch {
    return true;
  }
}

export function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl;
  if (pathname.startsWith("/api/")) {
    if (!undecodablePath(pathname)) return NextResponse.next();
    return NextResponse.json(
      { type: "about:blank", status: 400, title: "Bad Request", detail: "The URL path is not valid percent-encoding." },
      { status: 400, headers: { "content-type": "application/problem+json" } },
    );
  }
  if (!request.cookies.has(SESSION_COOKIE)) {
    const url = request.nextUrl.clone();
    url.pathname = "/sign-in";
    url.search = "";
    return NextResponse.redirect(url);
  }
  return NextResponse.next();
}

export const config = {
  matcher: ["/overview", "/inbox", "/endpoints/:path*", "/deliveries/:path*", "/events/:path*", "/schedules/:path*", "/settings/:path*", "/api-reference", "/api/:path*"],
};
