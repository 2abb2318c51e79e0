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
