import { env } from "./env";

/**
 * Where browsers and API clients reach this Hookline: the configured public URL, else the
 * address the request was sent to (as a TLS-terminating proxy forwards it, first hop).
 */
export function publicOrigin(requestHeaders: Headers): string {
  if (env.HOOKLINE_PUBLIC_URL) return env.HOOKLINE_PUBLIC_URL.replace(/\/+$/, "");
  const first = (name: string) => requestHeaders.get(name)?.split(",")[0]?.trim() || null;
  const host = first("x-forwarded-host") ?? first("host") ?? `localhost:${env.PORT}`;
  return `${first("x-forwarded-proto") ?? "http"}://${host}`;
}
