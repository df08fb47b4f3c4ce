import type { NextRequest } from "next/server";
import NextAuth from "next-auth";
import { recordRefusal } from "@/lib/audit/refusals";
import { authOptions } from "@/lib/auth/options";
import { startedThisSignIn } from "@/lib/auth/session-cookie";
import { env } from "@/lib/env";
import { takeFromWindow } from "@/lib/rate-limit";
import { requestContextOf } from "@/lib/request-context";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ nextauth: string[] }> };

const SIGN_IN_STARTS_PER_MINUTE = 60;

// Options are built per request: they depend on settings that boot resolves (simulator URLs, secrets).
async function handler(request: NextRequest, context: Context) {
  const path = request.nextUrl.pathname;
  const client = requestContextOf(request.headers);
  if (request.method === "POST" && path.endsWith("/signin/anaplan")) {
    const rate = await takeFromWindow(`signin:${client.ip ?? "unknown"}`, SIGN_IN_STARTS_PER_MINUTE);
    if (!rate.allowed) return Response.redirect(`${env().NEXTAUTH_URL}/signin?error=busy`, 303);
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
    return Response.redirect(`${env().NEXTAUTH_URL}/signin?error=${denied ? "denied" : "failed"}`, 303);
  }
  return NextAuth(request, context, authOptions());
}

export { handler as GET, handler as POST };
