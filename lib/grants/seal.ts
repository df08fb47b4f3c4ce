// Turning an Anaplan token response into sealed columns of a grants row, and back.
import "server-only";
import type { TokenSet } from "@/lib/anaplan";
import { aadFor, vault } from "@/lib/vault";

const aad = (grantId: string, field: "refresh_token" | "access_token") => aadFor("grants", grantId, field);

/** `refreshTokenExpiresAt` applies to the refresh token in `tokens`, if one came back (otherwise the stored one stays). */
export async function sealTokens(grantId: string, tokens: TokenSet, refreshTokenExpiresAt: Date | null = null) {
  return {
    accessToken: new Uint8Array(await vault().seal(tokens.accessToken, aad(grantId, "access_token"))),
    accessTokenExpiresAt: tokens.accessTokenExpiresAt,
    ...(tokens.refreshToken
      ? {
          refreshToken: new Uint8Array(await vault().seal(tokens.refreshToken, aad(grantId, "refresh_token"))),
          refreshTokenExpiresAt,
        }
      : {}),
  };
}

export const openAccessToken = (grantId: string, sealed: Uint8Array) =>
  vault().open(sealed, aad(grantId, "access_token"));

export const openRefreshToken = (grantId: string, sealed: Uint8Array) =>
  vault().open(sealed, aad(grantId, "refresh_token"));
