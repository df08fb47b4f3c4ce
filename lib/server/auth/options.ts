// next-auth configuration. The JWT cookie carries one thing, the id of a server-side session row; no Anaplan token
// and no profile data ever goes into it.
import "server-only";
import type { AuthOptions } from "next-auth";
import { portalEndpoints } from "@/lib/anaplan/settings";
import { recordAudit } from "@/lib/audit";
import { env, portalUrl } from "@/lib/platform/env";
import { log, redact } from "@/lib/platform/log";
import { endSession, loadSession } from "@/lib/users/sessions";
import { SESSION_MAX_AGE_SECONDS, signInRefusal, startUserSession } from "@/lib/users/sign-in";
import { type AnaplanProfile, anaplanProvider } from "./anaplan-provider";
import { safeRedirect } from "./redirects";

export function authOptions(): AuthOptions {
  const e = env();
  const baseUrl = portalUrl();
  return {
    secret: e.NEXTAUTH_SECRET,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    providers: [
      anaplanProvider({
        endpoints: portalEndpoints(),
        clientId: e.ANAPLAN_CLIENT_ID ?? "",
        clientSecret: e.ANAPLAN_CLIENT_SECRET ?? "",
        callbackUrl: `${baseUrl}/api/auth/callback/anaplan`,
        pkce: e.pkce,
      }),
    ],
    pages: { signIn: "/signin", error: "/signin" },
    logger: {
      error: (code, metadata) => log.error(`next-auth: ${code}`, { detail: redact(metadata) }),
      warn: (code) => log.warn(`next-auth: ${code}`),
      debug: () => {},
    },
    callbacks: {
      async signIn({ profile }) {
        if (!profile) return false;
        const refusal = await signInRefusal(profile as AnaplanProfile);
        if (refusal) await recordAudit({ action: "user.sign_in", outcome: "denied", details: { refusal } });
        return refusal ? `/signin?error=${refusal}` : true;
      },
      async jwt({ token, account, profile }) {
        if (!account || !profile) return token;
        if (!account.access_token || !account.expires_at) throw new Error("Anaplan returned no access token");
        const sid = await startUserSession(profile as AnaplanProfile, {
          accessToken: account.access_token,
          accessTokenExpiresAt: new Date(account.expires_at * 1000),
          refreshToken: account.refresh_token,
          tokenType: "Bearer",
        });
        return { sid };
      },
      // /api/auth/session is readable by the browser: it learns only when the session cookie expires, and only
      // while the server-side session row is live (a signed-out, expired or disabled session answers {}).
      async session({ session, token }) {
        const live = typeof token.sid === "string" && (await loadSession(token.sid)) !== null;
        return (live ? { expires: session.expires } : {}) as typeof session;
      },
      redirect: ({ url }) => safeRedirect(url, baseUrl),
    },
    events: {
      async signOut({ token }) {
        if (typeof token?.sid === "string") await endSession(token.sid);
      },
    },
  };
}
