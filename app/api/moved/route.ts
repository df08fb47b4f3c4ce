// The proxy's "this page lives on NEXTAUTH_URL" redirect (see proxy.ts). Only paths on NEXTAUTH_URL's own origin
// are ever the target, so this cannot be used as an open redirect.
import { portalUrl } from "@/lib/platform/env";

export function GET(request: Request) {
  const portal = portalUrl();
  const to = request.headers.get("x-portal-moved-to") ?? "/";
  const path = to.startsWith("/") && !to.startsWith("//") && !to.startsWith("/\\") ? to : "/";
  const target = new URL(path, portal);
  return Response.redirect(target.origin === new URL(portal).origin ? target : new URL("/", portal), 307);
}
