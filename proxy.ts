// What happens before a page renders. Nothing here is the only line of defence (every page, action and route handler
// verifies the session and the request's origin itself):
// - a POST to a page (a server action) from another origin is refused early, with a plain 403;
// - a page opened on another host than NEXTAUTH_URL (127.0.0.1 for localhost, say) is sent to NEXTAUTH_URL first,
//   because a sign-in started there ends on NEXTAUTH_URL without its cookies and "could not be verified";
// - signed-out visitors of signed-in pages go straight to the sign-in page;
// - every page gets a Content-Security-Policy with a fresh nonce;
// - files (built assets, the icon, robots.txt) are read-only: any other method gets 405, so a forged server-action
//   POST to one never reaches Next's action handling (it answered 500 there).
import { type NextRequest, NextResponse } from "next/server";
import { env } from "@/lib/platform/env";
import { pagePolicy } from "@/lib/server/auth/csp";
import { CROSS_SITE_MESSAGE, isSameOriginRequest } from "@/lib/server/auth/same-origin";

const SESSION_COOKIES = ["next-auth.session-token", "__Secure-next-auth.session-token"];
const SIGNED_IN_PAGES = /^\/(profile|teams|admin)(\/|$)/;

function onCanonicalHost(request: NextRequest): NextResponse | null {
  const canonical = env().NEXTAUTH_URL;
  if (!canonical || (request.method !== "GET" && request.method !== "HEAD")) return null;
  // The host the browser asked for. Next.js's own follow-up fetch after a server action's redirect goes to the
  // instance's port (behind nginx, not NEXTAUTH_URL's) and says where the browser was in X-Forwarded-Host; sent
  // to NEXTAUTH_URL instead, that fetch would cross origins and lose its cookies.
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  if (host === new URL(canonical).host) return null;
  // Next shortens a proxy's redirect to the server's own name into a bare path, which would loop; the route
  // handler's redirect is sent as given.
  const headers = new Headers(request.headers);
  headers.set("x-portal-moved-to", `${request.nextUrl.pathname}${request.nextUrl.search}`);
  return NextResponse.rewrite(new URL("/api/moved", request.url), { request: { headers } });
}

function withNonce(request: NextRequest): NextResponse {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString("base64");
  const policy = pagePolicy(nonce, process.env.NODE_ENV === "development");
  const headers = new Headers(request.headers);
  headers.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", policy);
  return response;
}

/** Built assets and files: anything under /_next/, or a last path segment with an extension (no page has one). */
const FILES = /^\/_next\/|\.[A-Za-z0-9]+$/;

export function proxy(request: NextRequest) {
  const reading = request.method === "GET" || request.method === "HEAD";
  if (FILES.test(request.nextUrl.pathname)) {
    return reading
      ? NextResponse.next()
      : new NextResponse("Method not allowed", {
          status: 405,
          headers: { allow: "GET, HEAD", "content-type": "text/plain" },
        });
  }
  if (!reading && !isSameOriginRequest(request.headers, env().NEXTAUTH_URL)) {
    return new NextResponse(CROSS_SITE_MESSAGE, { status: 403, headers: { "content-type": "text/plain" } });
  }
  const moved = onCanonicalHost(request);
  if (moved) return moved;
  if (SIGNED_IN_PAGES.test(request.nextUrl.pathname) && !SESSION_COOKIES.some((name) => request.cookies.has(name))) {
    const signIn = new URL("/signin", request.url);
    signIn.searchParams.set("callbackUrl", request.nextUrl.pathname);
    return NextResponse.redirect(signIn);
  }
  return withNonce(request);
}

// Everything but the APIs scripts call (/api/, and the Anaplan-compatible auth service under /anaplan-auth/): they
// come without a browser's Origin, by whatever name reaches the portal, and authenticate themselves; route handlers
// answer a method they do not define with 405 themselves.
export const config = { matcher: ["/((?!api/|anaplan-auth/).*)"] };
