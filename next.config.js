/** @type {import('next').NextConfig} */
const nextConfig = {
  // Hookline is self-hosted behind its own URL; no telemetry-style extras, no image service.
  poweredByHeader: false,
  // npm test type-checks the whole project (tsc --noEmit, route types included) right after its
  // build, so that build skips its own check of the app's part; every other build checks.
  typescript: { ignoreBuildErrors: process.env.HOOKLINE_TYPES_CHECKED_AFTER_BUILD === "1" },
  images: { unoptimized: true },
  experimental: {
    // Dashboard forms: the largest carries event or schedule JSON data of at most 256 KiB. Same
    // value as FORM_MAX_BODY_BYTES in lib/api/body-limits.ts (a unit test checks), which
    // scripts/server.ts enforces before Next reads a body at all.
    serverActions: { bodySizeLimit: "512kb" },
    // Next's proxy step (proxy.ts) copies a POST's body in memory for the proxy to read; proxy.ts
    // never reads it, so copy no more than the largest body any route accepts (the inbox's 1 MiB,
    // INBOX_MAX_REQUEST_BYTES). Longer bodies are refused by scripts/server.ts before this.
    proxyClientMaxBodySize: "1mb",
  },
  // proxy.ts sets every security header (CSP with a nonce, HSTS over https) on what it sees; Next's
  // build files skip the proxy, so they get the static ones here (same values as
  // lib/security/headers.ts STATIC_SECURITY_HEADERS).
  async headers() {
    return [
      {
        source: "/_next/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
        ],
      },
    ];
  },
};

module.exports = nextConfig;
