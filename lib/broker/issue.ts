// The token broker: a script's key in, a short-lived Anaplan access token out. The cached token is served while it
// has life enough left; otherwise getAccessToken refreshes it under the grant's lease, so however many callers
// and instances ask at once, Anaplan sees one refresh. Refresh tokens never leave this module's callers.
import "server-only";
import { recordAudit } from "@/lib/audit";
import { type AccessToken, getAccessToken, isFresh } from "@/lib/grants/access-token";
import { openAccessToken } from "@/lib/grants/seal";
import { grantClientOf } from "@/lib/identities/grant-client";
import { grantOf, type IdentityRow, stateOf } from "@/lib/identities/row";
import { db } from "@/lib/platform/db";
import { AppError } from "@/lib/platform/errors";
import type { RequestContext } from "@/lib/platform/request-context";
import type { Caller } from "./caller";
import { BrokerError } from "./errors";
import { keyPrefixOf, sameSecret } from "./key-format";
import type { IdentityResponse, TokenResponse } from "./schemas";

const LAST_USED_EVERY_MS = 60_000;

/** An identity and its grant's sealed cached token: what serving a token needs, whoever asks (a key, a workload). */
export type Servable = IdentityRow & { accessToken: Uint8Array | null; generation: number | null };

/** A key whose identity is paused, holds no authorisation, or needs re-enrolment is refused, saying which. */
export function assertServable<T extends Servable>(c: T): asserts c is T & { grantId: string } {
  if (c.deactivatedAt) {
    throw new BrokerError(
      "identity_deactivated",
      `The identity “${c.name}” is deactivated. A team admin can reactivate it in the portal.`,
    );
  }
  if (!c.grantId || c.revokedAt || c.grantStatus === "revoked" || c.grantStatus === null) {
    throw new BrokerError(
      "needs_reenrolment",
      `The identity “${c.name}” holds no Anaplan authorisation (not enrolled yet, or its tokens were revoked). A team admin must enrol it in the portal.`,
    );
  }
  if (c.grantStatus === "needs_attention") {
    throw new BrokerError(
      "needs_reenrolment",
      `Anaplan no longer accepts the authorisation of “${c.name}”${c.grantStatusReason ? `: ${c.grantStatusReason}` : "."} A team admin must enrol it again in the portal.`,
    );
  }
}

export async function accessTokenFor(
  c: Servable & { grantId: string },
  minValidSeconds: number,
  rejectedToken?: string,
): Promise<AccessToken> {
  const fresh = isFresh({ ...c, createdAt: c.grantCreatedAt ?? new Date(0) }, minValidSeconds);
  // The sealed token is opened only when it may be served, or must be compared with one Anaplan refused.
  const held =
    c.accessToken && c.accessTokenExpiresAt && c.generation !== null && (fresh || rejectedToken !== undefined)
      ? {
          accessToken: await openAccessToken(c.grantId, c.accessToken),
          expiresAt: c.accessTokenExpiresAt,
          generation: c.generation,
        }
      : null;
  // Anaplan refused the token the portal holds: refresh under the lease, once for every script that reports it (a
  // forced refresh is satisfied by anyone's refresh that began after it was asked for). An older token is ignored.
  const rejected = held !== null && rejectedToken !== undefined && sameSecret(rejectedToken, held.accessToken);
  if (held && fresh && !rejected) return held;
  try {
    return await getAccessToken(c.grantId, grantClientOf(c), {
      minValidSeconds,
      budgeted: !rejected,
      forceRefresh: rejected,
    });
  } catch (error) {
    // What "sign in again" means for a script's identity; every other failure keeps its own code.
    if (error instanceof AppError && error.code === "reauthenticate") {
      throw new BrokerError("needs_reenrolment", `${error.userMessage} A team admin must enrol “${c.name}” again.`);
    }
    throw error;
  }
}

/** The key's (and its identity's) last use, written at most once a minute per key: the hot path stays cheap. */
export async function touchLastUsed(c: Pick<Caller, "id" | "keyId" | "keyLastUsedAt">, context: RequestContext) {
  if (c.keyLastUsedAt && Date.now() - c.keyLastUsedAt.getTime() <= LAST_USED_EVERY_MS) return;
  // A caller the gateway keeps for its next calls then knows it was just written.
  c.keyLastUsedAt = new Date();
  const touched = await db().$executeRaw`
    UPDATE api_keys SET last_used_at = now(), last_used_ip = ${context.ip}
    WHERE id = ${c.keyId}::uuid AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`;
  if (touched) await db().$executeRaw`UPDATE service_identities SET last_used_at = now() WHERE id = ${c.id}::uuid`;
}

/** Last use, and one audit row per key per access token handed out. */
async function noteUse(c: Caller & { grantId: string }, token: AccessToken, context: RequestContext) {
  await touchLastUsed(c, context);
  if (c.lastIssuedGrantId !== c.grantId || (c.lastIssuedGeneration ?? -1) < token.generation) {
    const first = await db().$executeRaw`
      UPDATE api_keys SET last_issued_grant_id = ${c.grantId}::uuid, last_issued_generation = ${token.generation}
      WHERE id = ${c.keyId}::uuid
        AND (last_issued_grant_id IS DISTINCT FROM ${c.grantId}::uuid OR last_issued_generation < ${token.generation}
             OR last_issued_generation IS NULL)`;
    if (first) {
      await recordAudit({
        action: "token.issue",
        outcome: "success",
        actorApiKeyId: c.keyId,
        teamId: c.teamId,
        targetType: "identity",
        targetId: c.id,
        ip: context.ip,
        userAgent: context.userAgent,
        details: { keyPrefix: keyPrefixOf(c.lookupId), expiresAt: token.expiresAt.toISOString() },
      });
    }
  }
}

export async function issueToken(
  caller: Caller,
  request: { minValidSeconds: number; rejectedToken?: string },
  context: RequestContext,
): Promise<TokenResponse> {
  if (caller.keyPolicy !== null) throw keyRestricted();
  assertServable(caller);
  const token = await accessTokenFor(caller, request.minValidSeconds, request.rejectedToken);
  await noteUse(caller, token, context);
  return tokenAnswer(caller, token);
}

/** A gateway token lives as long as an Anaplan token, so a client refreshes it on its usual schedule. */
export const GATEWAY_TOKEN_SECONDS = 35 * 60;

/** A key with a gateway policy never holds a token: it would carry every right the policy takes away. */
export const keyRestricted = () =>
  new BrokerError(
    "key_restricted",
    "This key is restricted by a gateway policy, so it cannot be given an access token (the token would carry all of the identity's rights). Call Anaplan through the portal's gateway instead: /api/v1/anaplan/2/0/… with this key.",
  );

/** The broker's answer for `token` of identity `c`. */
export const tokenAnswer = (c: { id: string; name: string }, token: AccessToken): TokenResponse => ({
  access_token: token.accessToken,
  token_type: "AnaplanAuthToken",
  expires_at: token.expiresAt.toISOString(),
  expires_in: Math.max(0, Math.floor((token.expiresAt.getTime() - Date.now()) / 1000)),
  identity: { id: c.id, name: c.name },
});

/** For a script's health check: which identity the key belongs to and whether it can be served. */
export function describeIdentity(c: Caller): IdentityResponse {
  const grant = grantOf(c);
  const { state, attentionReason } = stateOf(c, grant);
  return {
    identity: {
      id: c.id,
      name: c.name,
      state,
      state_reason: attentionReason,
      api_url: c.apiUrl,
      access_token_expires_at: grant && c.accessTokenExpiresAt ? c.accessTokenExpiresAt.toISOString() : null,
      refresh_token_expires_at: c.refreshTokenExpiresAt?.toISOString() ?? null,
    },
  };
}
