/**
 * Is this URL the server's own built-in inbox? Such URLs are exempt from the SSRF guard
 * (they are loopback when Hookline runs locally), but only for this server's own origin
 * (HOOKLINE_PUBLIC_URL, or loopback on its own port) and only under /api/inbox/. Pure.
 */
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

export function isOwnInboxUrl(text: string, publicUrl: string | undefined, port: number): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  if (!/^\/api\/inbox\/[A-Za-z0-9_-]+$/.test(url.pathname) || url.username || url.password) return false;
  if (publicUrl && url.origin === new URL(publicUrl).origin) return true;
  return url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname) && Number(url.port || 80) === port;
}

/**
 * The endpoint that delivers to this account's own inbox (the inbox page checks signatures with
 * its secret by default), or null. The inbox token is random and per account, so a URL whose
 * path is this token's inbox points here, whichever host name it was added under; an enabled
 * endpoint wins over a disabled one, then the list's order (newest first). Pure.
 */
export function ownInboxEndpoint<E extends { url: string; enabled: boolean }>(endpoints: E[], inboxToken: string): E | null {
  const inboxPath = `/api/inbox/${inboxToken}`;
  const pointingHere = endpoints.filter((endpoint) => {
    try {
      return new URL(endpoint.url).pathname === inboxPath;
    } catch {
      return false;
    }
  });
  return pointingHere.find((endpoint) => endpoint.enabled) ?? pointingHere[0] ?? null;
}
