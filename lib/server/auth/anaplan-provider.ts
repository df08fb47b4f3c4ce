// "Sign in with Anaplan": a plain OAuth 2.0 provider for next-auth. Anaplan returns an id_token whose issuer and
// signing keys are undocumented, so next-auth must never see it: the code exchange is ours (it checks state and
// sends the PKCE verifier itself, because next-auth skips both when token.request is custom) and the profile comes
// from GET /2/0/users/me. PKCE only when asked (ANAPLAN_PKCE): Anaplan documents none, and a server that does not
// support it may refuse an unexpected code_verifier. `state` is always checked.
import "server-only";
import type { OAuthConfig } from "next-auth/providers/oauth";
import { type AnaplanUser, exchangeAuthorizationCode, getCurrentUser } from "@/lib/anaplan";
import type { Endpoints } from "@/lib/anaplan/settings";

export type AnaplanProfile = AnaplanUser;

export function anaplanProvider(options: {
  endpoints: Endpoints;
  clientId: string;
  clientSecret: string;
  callbackUrl: string;
  pkce: boolean;
}): OAuthConfig<AnaplanProfile> {
  const { endpoints, clientId, clientSecret } = options;
  return {
    id: "anaplan",
    name: "Anaplan",
    type: "oauth",
    issuer: endpoints.oauthUrl,
    clientId,
    clientSecret,
    checks: options.pkce ? ["pkce", "state"] : ["state"],
    idToken: false,
    authorization: {
      url: `${endpoints.oauthUrl}/auth/authorize`,
      // Anaplan drops "profile" (names come from /users/me); offline_access is what yields a refresh token.
      params: { response_type: "code", scope: "openid email offline_access" },
    },
    token: {
      url: `${endpoints.oauthUrl}/oauth/token`,
      async request({ params, checks }) {
        if (!params.code || typeof params.state !== "string" || params.state !== checks.state) {
          throw new Error("The sign-in response did not match this browser's sign-in request");
        }
        const tokens = await exchangeAuthorizationCode(endpoints, {
          clientId,
          clientSecret,
          code: params.code,
          redirectUri: options.callbackUrl,
          codeVerifier: checks.code_verifier,
        });
        return {
          tokens: {
            access_token: tokens.accessToken,
            refresh_token: tokens.refreshToken,
            expires_at: Math.floor(tokens.accessTokenExpiresAt.getTime() / 1000),
            token_type: "bearer",
          },
        };
      },
    },
    userinfo: {
      url: `${endpoints.apiUrl}/2/0/users/me`,
      async request({ tokens }) {
        if (!tokens.access_token) throw new Error("no access token to read the profile with");
        return getCurrentUser(endpoints, tokens.access_token);
      },
    },
    profile(profile) {
      return {
        id: profile.id,
        email: profile.email,
        name: `${profile.firstName} ${profile.lastName}`.trim() || profile.email,
      };
    },
  };
}
