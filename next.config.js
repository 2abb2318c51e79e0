/** @type {import('next').NextConfig} */
const nextConfig = {
  // Hookline is self-hosted behind its own URL; no telemetry-style extras, no image service.
  poweredByHeader: false,
  images: { unoptimized: true },
};

module.exports = nextConfig;
