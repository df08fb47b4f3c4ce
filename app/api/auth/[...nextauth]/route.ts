import type { NextRequest } from "next/server";
import NextAuth from "next-auth";
import { recordAudit } from "@/lib/audit";
import { authOptions } from "@/lib/auth/options";
import { env } from "@/lib/env";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ nextauth: string[] }> };

// Options are built per request: they depend on settings that boot resolves (simulator URLs, secrets).
async function handler(request: NextRequest, context: Context) {
  // next-auth reports a refusal at Anaplan as a generic "Callback" failure; tell the user what happened instead.
  const error = request.nextUrl.searchParams.get("error");
  if (request.nextUrl.pathname.endsWith("/callback/anaplan") && error !== null) {
    const denied = error === "access_denied";
    await recordAudit({ action: "user.sign_in", outcome: denied ? "denied" : "failure" });
    return Response.redirect(`${env().NEXTAUTH_URL}/signin?error=${denied ? "denied" : "failed"}`, 303);
  }
  return NextAuth(request, context, authOptions());
}

export { handler as GET, handler as POST };
