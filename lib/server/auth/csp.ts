// The Content-Security-Policy of every page: scripts only with this response's nonce (Next puts it on its own
// scripts when it finds it in the request's CSP header) and what those scripts load ('strict-dynamic'). Styles may
// be inline: React's style attributes need it, and a style cannot run code.
export function pagePolicy(nonce: string, development: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/**
 * For what the proxy does not see (the API, built files): the parts of a policy that need no nonce. next-auth's own
 * small HTML pages (under /api/auth) carry inline styles, so no default-src here.
 */
export const STATIC_POLICY = "frame-ancestors 'none'; object-src 'none'; base-uri 'none'";

/** Every answer's headers (next.config.ts sets them on Next's, the scripts' API server on its own). */
export const SECURITY_HEADERS = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "no-referrer" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
  // Browsers ignore it over plain http (development), and keep to https once they have seen it in production.
  { key: "Strict-Transport-Security", value: "max-age=31536000; includeSubDomains" },
];
