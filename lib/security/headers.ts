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

export function pageCsp(nonce: string, development = false): string {
  return [
    "default-src 'self'",
    // React's development build evaluates code for its debugging aids; production never does.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
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
export function securityHeaders(options: { api: boolean; nonce: string; https: boolean; development?: boolean }): Record<string, string> {
  return {
    ...STATIC_SECURITY_HEADERS,
    "Content-Security-Policy": options.api ? API_CSP : pageCsp(options.nonce, options.development),
    ...(options.https ? { "Strict-Transport-Security": HSTS } : {}),
  };
}
