// Creating and ending grants: one Anaplan authorisation (refresh token + cached access token) in custody.
import "server-only";
import { randomUUID } from "node:crypto";
import { logoutAccessToken, type TokenSet } from "@/lib/anaplan";
import type { Endpoints } from "@/lib/anaplan-env";
import { db } from "@/lib/db";
import type { GrantKind, Prisma } from "@/lib/generated/prisma/client";
import { log } from "@/lib/log";
import { openAccessToken, sealTokens } from "./seal";

type Tx = Pick<Prisma.TransactionClient, "grant">;

export type NewGrant = {
  kind: GrantKind;
  clientId: string;
  oauthUrl: string;
  tokens: TokenSet;
  refreshTokenTtlSeconds?: number | null;
};

/** Seals first (the row id is part of each ciphertext's AAD), then inserts: no half-written row can exist. */
export async function createGrant(input: NewGrant, tx: Tx = db()): Promise<string> {
  const id = randomUUID();
  const sealed = await sealTokens(id, input.tokens, input.refreshTokenTtlSeconds);
  await tx.grant.create({
    data: {
      id,
      kind: input.kind,
      clientId: input.clientId,
      oauthUrl: input.oauthUrl,
      ...sealed,
      lastRefreshAt: new Date(),
    },
  });
  return id;
}

/**
 * Ends custody: the sealed tokens are destroyed and the grant can never be refreshed again. Anaplan has no
 * documented revocation endpoint, so the cached access token is logged out best-effort (it would otherwise live
 * until it expires).
 */
export async function revokeGrant(grantId: string, endpoints: Endpoints, reason: string) {
  const grant = await db().grant.findUnique({ where: { id: grantId } });
  if (!grant || grant.status === "revoked") return;
  await db().grant.update({
    where: { id: grantId },
    data: {
      status: "revoked",
      statusReason: reason,
      revokedAt: new Date(),
      refreshToken: null,
      accessToken: null,
      leaseOwner: null,
      leaseUntil: null,
    },
  });
  if (grant.accessToken && grant.accessTokenExpiresAt && grant.accessTokenExpiresAt > new Date()) {
    try {
      await logoutAccessToken(endpoints, await openAccessToken(grantId, grant.accessToken));
    } catch (error) {
      log.warn("Anaplan token logout failed; the access token lives until it expires", { grantId, error });
    }
  }
}
