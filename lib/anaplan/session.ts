import { z } from "zod";
import { type CallOptions, request } from "./http";
import { anaplanId, email } from "./schema";
import { type AnaplanEndpoints, endpoint } from "./urls";

const MAX_DATE_MS = 8.64e15;

const validateResponse = z.object({
  status: z.literal("SUCCESS"),
  tokenInfo: z.object({ expiresAt: z.number().int().positive().max(MAX_DATE_MS) }),
  userInfo: z.object({ userGuid: anaplanId, customerGuid: anaplanId, userId: email }),
});

/** `GET {authUrl}/token/validate`. Only `AnaplanAuthToken` works here; Bearer gets a 400. */
export async function validateAccessToken(
  ep: Pick<AnaplanEndpoints, "authUrl">,
  accessToken: string,
  options?: CallOptions,
): Promise<{ expiresAt: Date; userGuid: string; customerGuid: string; email: string }> {
  const { body } = await request(
    { method: "GET", url: endpoint(ep.authUrl, "/token/validate"), accessToken, ...options },
    validateResponse,
  );
  return {
    expiresAt: new Date(body.tokenInfo.expiresAt),
    userGuid: body.userInfo.userGuid,
    customerGuid: body.userInfo.customerGuid,
    email: body.userInfo.userId,
  };
}

/**
 * `POST {authUrl}/token/logout` (204): kills this access token at once. Anaplan has no documented way to revoke
 * a refresh token, so this is best effort on deactivation, not a revocation.
 */
export async function logoutAccessToken(
  ep: Pick<AnaplanEndpoints, "authUrl">,
  accessToken: string,
  options?: CallOptions,
): Promise<void> {
  await request({ method: "POST", url: endpoint(ep.authUrl, "/token/logout"), accessToken, ...options }, z.unknown());
}

/**
 * RFC 7009 token revocation at `revocationUrl`. Anaplan documents no such endpoint, so the portal calls this only
 * when ANAPLAN_REVOCATION_URL is configured. 200 means revoked (also for a token that was already invalid).
 */
export async function revokeToken(
  revocationUrl: string,
  args: { clientId: string; clientSecret?: string; token: string; tokenTypeHint: "refresh_token" | "access_token" },
  options?: CallOptions,
): Promise<void> {
  await request(
    {
      method: "POST",
      url: revocationUrl,
      form: {
        token: args.token,
        token_type_hint: args.tokenTypeHint,
        client_id: args.clientId,
        ...(args.clientSecret === undefined ? {} : { client_secret: args.clientSecret }),
      },
      ...options,
    },
    z.unknown(),
  );
}
