// Turning `Authorization: Bearer atp_…` into the key, its identity and the identity's grant in one query, then
// counting the call against the key's per-minute limit. Everything the hot path needs is in that one row.
import "server-only";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { takeFromWindow } from "@/lib/rate-limit";
import { BrokerError, invalidKey } from "./errors";
import { parseApiKey, secretMatches } from "./key-format";

export type Caller = {
  keyId: string;
  lookupId: string;
  secretHash: Uint8Array;
  keyExpiresAt: Date | null;
  keyRevokedAt: Date | null;
  lastUsedAt: Date | null;
  lastIssuedGrantId: string | null;
  lastIssuedGeneration: number | null;
  id: string;
  teamId: string;
  name: string;
  deactivatedAt: Date | null;
  revokedAt: Date | null;
  grantId: string | null;
  oauthUrl: string;
  apiUrl: string;
  authUrl: string;
  rotatable: boolean;
  refreshTokenTtlSeconds: number | null;
  hasPendingEnrolment: boolean;
  grantStatus: "active" | "needs_attention" | "revoked" | null;
  grantStatusReason: string | null;
  accessToken: Uint8Array | null;
  accessTokenExpiresAt: Date | null;
  refreshTokenExpiresAt: Date | null;
  generation: number | null;
  lastRefreshAt: Date | null;
  grantCreatedAt: Date | null;
};

async function loadCaller(lookupId: string): Promise<Caller | undefined> {
  const [row] = await db().$queryRaw<Caller[]>`
    SELECT k.id AS "keyId", k.lookup_id AS "lookupId", k.secret_hash AS "secretHash", k.expires_at AS "keyExpiresAt",
           k.revoked_at AS "keyRevokedAt", k.last_used_at AS "lastUsedAt",
           k.last_issued_grant_id AS "lastIssuedGrantId", k.last_issued_generation AS "lastIssuedGeneration",
           si.id, si.team_id AS "teamId", si.name, si.deactivated_at AS "deactivatedAt", si.revoked_at AS "revokedAt",
           si.grant_id AS "grantId", si.oauth_url AS "oauthUrl", si.api_url AS "apiUrl", si.auth_url AS "authUrl",
           si.rotatable, si.refresh_token_ttl_seconds AS "refreshTokenTtlSeconds",
           EXISTS (SELECT 1 FROM enrolments e WHERE e.identity_id = si.id AND e.status = 'pending')
             AS "hasPendingEnrolment",
           g.status::text AS "grantStatus", g.status_reason AS "grantStatusReason", g.access_token AS "accessToken",
           g.access_token_expires_at AS "accessTokenExpiresAt", g.refresh_token_expires_at AS "refreshTokenExpiresAt",
           g.generation, g.last_refresh_at AS "lastRefreshAt", g.created_at AS "grantCreatedAt"
    FROM api_keys k
    JOIN service_identities si ON si.id = k.identity_id
    LEFT JOIN grants g ON g.id = si.grant_id
    WHERE k.lookup_id = ${lookupId}`;
  return row;
}

export async function authenticate(authorization: string | null): Promise<Caller> {
  const match = /^Bearer (\S+)$/.exec(authorization?.trim() ?? "");
  const parsed = match?.[1] ? parseApiKey(match[1]) : null;
  if (!parsed) throw invalidKey();
  const caller = await loadCaller(parsed.lookupId);
  // The hash is compared even for a known-bad row, so the answer's timing does not say which check failed.
  const matches = secretMatches(parsed.secret, caller?.secretHash ?? new Uint8Array(32));
  if (!caller || !matches || caller.keyRevokedAt || (caller.keyExpiresAt && caller.keyExpiresAt <= new Date())) {
    throw invalidKey();
  }
  const rate = await takeFromWindow(`broker:${caller.keyId}`, env().BROKER_RATE_LIMIT_PER_MINUTE);
  if (!rate.allowed) {
    throw new BrokerError(
      "rate_limited",
      `This key made more than ${env().BROKER_RATE_LIMIT_PER_MINUTE} requests this minute. Cache the token until near expires_at instead of asking for every call.`,
      rate.retryAfterSeconds,
    );
  }
  return caller;
}
