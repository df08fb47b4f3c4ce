// Creating and ending grants: one Anaplan authorisation (refresh token + cached access token) in custody.
import "server-only";
import { randomUUID } from "node:crypto";
import { logoutAccessToken, revokeToken, type TokenSet } from "@/lib/anaplan";
import { clientSecretFor, type Endpoints } from "@/lib/anaplan/settings";
import type { GrantKind, Prisma } from "@/lib/generated/prisma/client";
import { db } from "@/lib/platform/db";
import { env } from "@/lib/platform/env";
import { log } from "@/lib/platform/log";
import { refreshTokenDeadline } from "./lifetime";
import { openAccessToken, openRefreshToken, sealTokens } from "./seal";

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
  // The chain starts now: absolute and sliding lifetimes agree on the first deadline.
  const sealed = await sealTokens(
    id,
    input.tokens,
    refreshTokenDeadline(input.refreshTokenTtlSeconds, "sliding", new Date()),
  );
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
 * A certificate identity's grant: no token yet (the first caller authenticates under the lease), and the chain
 * ends when the certificate does. `authUrl` is the host that authenticates it, kept as the grant's issuing host.
 */
export async function createCertificateGrant(tx: Tx, input: { authUrl: string; notAfter: Date }): Promise<string> {
  const id = randomUUID();
  await tx.grant.create({
    data: {
      id,
      kind: "identity",
      method: "certificate",
      clientId: "",
      oauthUrl: input.authUrl,
      refreshTokenExpiresAt: input.notAfter,
    },
  });
  return id;
}

/**
 * A certificate grant after a new certificate: its chain ends with that certificate, and a refusal Anaplan gave the
 * old one no longer stands (the next authentication decides again).
 */
export async function renewCertificateGrant(tx: Tx, grantId: string, notAfter: Date) {
  await tx.grant.updateMany({
    where: { id: grantId, method: "certificate", status: { not: "revoked" } },
    data: { refreshTokenExpiresAt: notAfter, status: "active", statusReason: null, nextAttemptAt: null },
  });
}

/** What was in custody when a grant was destroyed: enough to end it at Anaplan too, held only in memory. */
export type DestroyedGrant = {
  id: string;
  clientId: string;
  refreshToken: Uint8Array | null;
  accessToken: Uint8Array | null;
  accessTokenExpiresAt: Date | null;
};

/**
 * Crypto-shred inside the caller's transaction: the sealed tokens are overwritten with NULL (each value carried its
 * own wrapped data key, so nothing is left to open) and the grant can never be refreshed again. The rows are locked
 * first, so a refresh that is storing a rotated token either lands before this (and is destroyed with it) or finds
 * the grant revoked and stores nothing.
 */
export async function destroyGrants(
  tx: Prisma.TransactionClient,
  grantIds: string[],
  reason: string,
): Promise<DestroyedGrant[]> {
  if (grantIds.length === 0) return [];
  const held = await tx.$queryRaw<DestroyedGrant[]>`
    SELECT id, client_id AS "clientId", refresh_token AS "refreshToken", access_token AS "accessToken",
           access_token_expires_at AS "accessTokenExpiresAt"
    FROM grants WHERE id = ANY(${grantIds}::uuid[]) AND status <> 'revoked' FOR UPDATE`;
  await tx.grant.updateMany({
    where: { id: { in: held.map((g) => g.id) } },
    data: {
      status: "revoked",
      statusReason: reason,
      revokedAt: new Date(),
      refreshToken: null,
      accessToken: null,
      leaseOwner: null,
      leaseUntil: null,
      refreshStartedAt: null,
    },
  });
  return held;
}

export type StepOutcome = "done" | "failed" | "skipped" | "not_configured";
export type ProviderOutcome = { logout: StepOutcome; revocation: StepOutcome };

/**
 * After the local destruction has committed: log the live access token out (`/token/logout`) and, only where an
 * RFC 7009 endpoint is configured, revoke the refresh token. Both are best effort and reported, never retried
 * blindly: the portal no longer holds anything that could use these tokens.
 */
export async function endAtAnaplan(grant: DestroyedGrant, endpoints: Endpoints): Promise<ProviderOutcome> {
  const outcome: ProviderOutcome = { logout: "skipped", revocation: "skipped" };
  if (grant.accessToken && grant.accessTokenExpiresAt && grant.accessTokenExpiresAt > new Date()) {
    try {
      await logoutAccessToken(endpoints, await openAccessToken(grant.id, grant.accessToken));
      outcome.logout = "done";
    } catch (error) {
      outcome.logout = "failed";
      log.warn("Anaplan token logout failed; the access token lives until it expires", { grantId: grant.id, error });
    }
  }
  const revocationUrl = env().ANAPLAN_REVOCATION_URL;
  if (!revocationUrl) outcome.revocation = "not_configured";
  else if (grant.refreshToken) {
    try {
      await revokeToken(revocationUrl, {
        clientId: grant.clientId,
        clientSecret: clientSecretFor(grant.clientId),
        token: await openRefreshToken(grant.id, grant.refreshToken),
        tokenTypeHint: "refresh_token",
      });
      outcome.revocation = "done";
    } catch (error) {
      outcome.revocation = "failed";
      log.warn("RFC 7009 revocation failed", { grantId: grant.id, error });
    }
  }
  return outcome;
}

/** Ends custody of one grant: destroyed locally first, then ended at Anaplan as far as Anaplan allows. */
export async function revokeGrant(grantId: string, endpoints: Endpoints, reason: string) {
  const [destroyed] = await db().$transaction((tx) => destroyGrants(tx, [grantId], reason));
  return destroyed ? endAtAnaplan(destroyed, endpoints) : null;
}
