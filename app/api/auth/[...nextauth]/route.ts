import type { NextRequest } from "next/server";
import NextAuth from "next-auth";
import { recordRefusal } from "@/lib/audit/refusals";
import { portalUrl } from "@/lib/platform/env";
import { takeFromWindow } from "@/lib/platform/rate-limit";
import { requestContextOf } from "@/lib/platform/request-context";
import { authOptions } from "@/lib/server/auth/options";
import { sessionCookieName, sessionIdFromToken, startedThisSignIn } from "@/lib/server/auth/session-cookie";
import { endSession } from "@/lib/users/sessions";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ nextauth: string[] }> };

const SIGN_IN_STARTS_PER_MINUTE = 60;

// Options are built per request: they depend on settings that boot resolves (simulator URLs, secrets).
async function handler(request: NextRequest, context: Context) {
  const path = request.nextUrl.pathname;
  const client = requestContextOf(request.headers);
  if (request.method === "POST" && path.endsWith("/signin/anaplan")) {
    const rate = await takeFromWindow(`signin:${client.ip ?? "unknown"}`, SIGN_IN_STARTS_PER_MINUTE);
    if (!rate.allowed) return Response.redirect(`${portalUrl()}/signin?error=busy`, 303);
  }
  // next-auth reports a refusal at Anaplan as a generic "Callback" failure; tell the user what happened instead.
  const error = request.nextUrl.searchParams.get("error");
  if (path.endsWith("/callback/anaplan") && error !== null) {
    const denied = error === "access_denied";
    // Only a sign-in this browser really started is worth a record; anyone can call this URL.
    const state = request.nextUrl.searchParams.get("state");
    if (await startedThisSignIn((name) => request.cookies.get(name)?.value, state)) {
      await recordRefusal(client.ip ?? "unknown", {
        action: "user.sign_in",
        outcome: denied ? "denied" : "failure",
        ip: client.ip,
        userAgent: client.userAgent,
      });
    }
    return Response.redirect(`${portalUrl()}/signin?error=${denied ? "denied" : "failed"}`, 303);
  }
  const replaced = path.endsWith("/callback/anaplan")
    ? await sessionIdFromToken(request.cookies.get(sessionCookieName())?.value)
    : null;
  const response: Response = await NextAuth(request, context, authOptions());
  // Signing in again in this browser replaces its session: the old one ends now, its grant with it.
  if (replaced && startsNewSession(response)) await endSession(replaced);
  return response;
}

const startsNewSession = (response: Response) =>
  response.headers.getSetCookie().some((c) => c.startsWith(`${sessionCookieName()}=`) && !/Max-Age=0/i.test(c)) &&
  !(response.headers.get("location") ?? "").includes("error=");

export { handler as GET, handler as POST };
