import { z } from "zod";
import { type CallOptions, request } from "./http";
import { credential, seconds } from "./schema";
import { type AnaplanEndpoints, endpoint } from "./urls";

/** `id_token` is dropped on purpose: Anaplan documents neither its issuer nor its signing keys. */
export type TokenSet = {
  accessToken: string;
  accessTokenExpiresAt: Date;
  /** Absent when the server did not send one (non-rotatable clients on refresh): keep the stored one. */
  refreshToken?: string;
  scope?: string;
  tokenType: "Bearer";
};

const MAX_TOKEN_LENGTH = 16 * 1024;
// RFC 6749 §3.3: space-separated scope tokens of NQCHAR.
const SCOPE = /^[\x21\x23-\x5B\x5D-\x7E]+(?: [\x21\x23-\x5B\x5D-\x7E]+)*$/;

const tokenResponse = z.object({
  access_token: credential(MAX_TOKEN_LENGTH),
  token_type: z.string().regex(/^bearer$/i),
  // Anaplan issues 2100 s; anything beyond a day is not a value we should trust for caching.
  expires_in: seconds(1, 86_400),
  refresh_token: credential(MAX_TOKEN_LENGTH).optional(),
  scope: z.string().max(1024).regex(SCOPE).optional(),
});

/** One grant against `{oauthUrl}/oauth/token`; shared by the code exchange, refresh and device polling. */
export async function tokenGrant(
  ep: Pick<AnaplanEndpoints, "oauthUrl">,
  json: Record<string, string>,
  options: CallOptions & { refresh?: boolean } = {},
): Promise<TokenSet> {
  const { body, sentAt } = await request(
    { method: "POST", url: endpoint(ep.oauthUrl, "/oauth/token"), json, ...options },
    tokenResponse,
  );
  return {
    accessToken: body.access_token,
    accessTokenExpiresAt: new Date(sentAt + body.expires_in * 1000),
    refreshToken: body.refresh_token,
    scope: body.scope,
    tokenType: "Bearer",
  };
}

export function exchangeAuthorizationCode(
  ep: Pick<AnaplanEndpoints, "oauthUrl">,
  args: { clientId: string; clientSecret: string; code: string; redirectUri: string; codeVerifier?: string },
  options?: CallOptions,
): Promise<TokenSet> {
  return tokenGrant(
    ep,
    {
      grant_type: "authorization_code",
      client_id: args.clientId,
      client_secret: args.clientSecret,
      code: args.code,
      redirect_uri: args.redirectUri,
      ...(args.codeVerifier === undefined ? {} : { code_verifier: args.codeVerifier }),
    },
    options,
  );
}

/**
 * Device-grant clients have no secret and must send `client_id` alone; auth-code clients pass their secret.
 * Never retry this blindly after an `unavailable` error without a status: Anaplan may already have rotated.
 */
export function refreshAccessToken(
  ep: Pick<AnaplanEndpoints, "oauthUrl">,
  args: { clientId: string; clientSecret?: string; refreshToken: string },
  options?: CallOptions,
): Promise<TokenSet> {
  return tokenGrant(
    ep,
    {
      grant_type: "refresh_token",
      client_id: args.clientId,
      refresh_token: args.refreshToken,
      ...(args.clientSecret === undefined ? {} : { client_secret: args.clientSecret }),
    },
    { ...options, refresh: true },
  );
}
