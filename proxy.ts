// Saves signed-out visitors a round trip to a page that would redirect them anyway. Not a security check: every
// page, action and route handler verifies the session itself (lib/auth/dal.ts).
import { type NextRequest, NextResponse } from "next/server";

const SESSION_COOKIES = ["next-auth.session-token", "__Secure-next-auth.session-token"];

export function proxy(request: NextRequest) {
  if (SESSION_COOKIES.some((name) => request.cookies.has(name))) return NextResponse.next();
  const signIn = new URL("/signin", request.url);
  signIn.searchParams.set("callbackUrl", request.nextUrl.pathname);
  return NextResponse.redirect(signIn);
}

export const config = { matcher: ["/profile/:path*", "/teams/:path*", "/admin/:path*"] };
