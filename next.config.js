/** @type {import('next').NextConfig} */
const nextConfig = {
  // Hookline is self-hosted behind its own URL; no telemetry-style extras, no image service.
  poweredByHeader: false,
  images: { unoptimized: true },
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
