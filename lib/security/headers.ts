/**
 * The security headers every response carries (set in proxy.ts, which sees every request but
 * Next's own static files; next.config.js adds the static ones to those files too).
 *
 * - Pages get a Content-Security-Policy with a fresh nonce per request: Next's App Router
 *   renders inline bootstrap scripts, and Next puts the nonce it finds in the request's CSP
 *   header on them, so `script-src` needs neither 'unsafe-inline' nor a list of hashes.
 *   'strict-dynamic' lets those scripts load the page's chunks. Styles allow 'unsafe-inline'
 *   because React and Next write style attributes; styles cannot run code.
 * - API responses are data, never documents: their policy forbids everything.
 * - Portal pages (SPEC §12) may be framed by the origins their account allows, and show its logo:
 *   their policy names those, they carry no X-Frame-Options, and no Referer leaves them (their
 *   path holds the session's token).
 * - HSTS only when the request arrived over https (a browser ignores it over http anyway, and
 *   sending it from a plain-http development server would be wrong).
 * Pure functions: no request objects, so they are unit-testable.
 */

export const STATIC_SECURITY_HEADERS: Record<string, string> = {
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "strict-origin-when-cross-origin",
};

/** Two years, as the HSTS preload list asks; not preloaded, so an operator can still back out. */
export const HSTS = "max-age=63072000; includeSubDomains";

export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/** Who may frame a portal page and where its logo comes from: origins only (lib/validations/portal.ts). */
export interface PortalFraming {
  frameAncestors: string[];
  imageOrigins: string[];
}

export function pageCsp(nonce: string, development = false, portal?: PortalFraming): string {
  const imageSources = ["'self'", "data:", "blob:", ...(portal?.imageOrigins ?? [])].join(" ");
  const frameAncestors = portal?.frameAncestors.length ? portal.frameAncestors.join(" ") : "'none'";
  return [
    "default-src 'self'",
    // React's development build evaluates code for its debugging aids; production never does.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    `img-src ${imageSources}`,
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors}`,
  ].join("; ");
}

/**
 * Whether the browser reached Hookline over https: the configured public URL decides when it is
 * set; otherwise the `x-forwarded-proto` a TLS-terminating proxy adds (first hop).
 */
export function servedOverHttps(publicUrl: string | undefined, forwardedProto: string | null): boolean {
  if (publicUrl) return publicUrl.startsWith("https://");
  return forwardedProto?.split(",")[0]?.trim().toLowerCase() === "https";
}

/** Every header for one response, CSP included. */
export function securityHeaders(options: { api: boolean; nonce: string; https: boolean; development?: boolean; portal?: PortalFraming }): Record<string, string> {
  const { portal } = options;
  const headers: Record<string, string> = {
    ...STATIC_SECURITY_HEADERS,
    "Content-Security-Policy": options.api ? API_CSP : pageCsp(options.nonce, options.development, portal),
    ...(options.https ? { "Strict-Transport-Security": HSTS } : {}),
  };
  if (portal) {
    headers["Referrer-Policy"] = "no-referrer";
    // frame-ancestors decides; an X-Frame-Options DENY beside it would refuse the allowed origins
    // in browsers that still read it first.
    if (portal.frameAncestors.length) delete headers["X-Frame-Options"];
  }
  return headers;
}
