// A cheap first gate in front of the app:
// - every response gets the security headers (lib/security/headers.ts), pages with a per-request
//   CSP nonce that Next reads back from the request's CSP header and puts on its inline scripts;
// - portal pages (/portal/<token>/…, SPEC §12) may be framed by the origins the token's account
//   allows, which takes a database read; any token that does not verify keeps 'none';
// - dashboard pages without a session cookie go straight to sign-in (the real check, a valid
//   and unexpired session, happens on the server in requireUser());
// - API paths that are not valid percent-encoding get a 400 problem here, because Next fails
//   to decode them into route params and would answer a bare 500.
import { NextResponse, type NextRequest } from "next/server";
import { SESSION_COOKIE } from "./lib/auth/cookie";
import { env } from "./lib/env";
import { verifyPortalToken } from "./lib/portal/queries";
import { securityHeaders, servedOverHttps, type PortalFraming } from "./lib/security/headers";

/** Pages that need a signed-in user; public pages (/, /sign-in, /sign-up) are not among them. */
const DASHBOARD_PATHS = ["/overview", "/inbox", "/endpoints", "/consumers", "/deliveries", "/events", "/event-types", "/schedules", "/settings", "/api-reference"];

function isDashboardPath(pathname: string): boolean {
  return DASHBOARD_PATHS.some((prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`));
}

function undecodablePath(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return false;
  } catch {
    return true;
  }
}

function withHeaders(response: NextResponse, headers: Record<string, string>): NextResponse {
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

const PORTAL_PAGE = /^\/portal\/([^/]+)(?:\/|$)/;

/** The framing a portal page's account allows; an expired link still says whose it was, so its page can say so inside the frame. */
async function portalFraming(pathname: string): Promise<PortalFraming | undefined> {
  const token = PORTAL_PAGE.exec(pathname)?.[1];
  if (!token) return undefined;
  const session = await verifyPortalToken(token);
  if (!session) return { frameAncestors: [], imageOrigins: [] };
  const { allowedOrigins, logoUrl } = session.settings;
  return { frameAncestors: allowedOrigins, imageOrigins: logoUrl ? [new URL(logoUrl).origin] : [] };
}

export async function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl;
  const api = pathname.startsWith("/api/");
  // API responses are never documents, so they need no nonce.
  const nonce = api ? "" : btoa(crypto.randomUUID());
  const headers = securityHeaders({
    api,
    nonce,
    https: servedOverHttps(env.HOOKLINE_PUBLIC_URL, request.headers.get("x-forwarded-proto")),
    development: process.env.NODE_ENV === "development",
    portal: api ? undefined : await portalFraming(pathname),
  });

  if (api && undecodablePath(pathname)) {
    return withHeaders(
      NextResponse.json(
        { type: "about:blank", status: 400, title: "Bad Request", detail: "The URL path is not valid percent-encoding." },
        { status: 400, headers: { "content-type": "application/problem+json" } },
      ),
      headers,
    );
  }
  if (isDashboardPath(pathname) && !request.cookies.has(SESSION_COOKIE)) {
    const url = request.nextUrl.clone();
    url.pathname = "/sign-in";
    url.search = "";
    return withHeaders(NextResponse.redirect(url), headers);
  }
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("content-security-policy", headers["Content-Security-Policy"]);
  return withHeaders(NextResponse.next({ request: { headers: requestHeaders } }), headers);
}

export const config = {
  // Everything but Next's immutable build files (next.config.js gives those the static headers).
  matcher: ["/((?!_next/static|_next/image).*)"],
};
