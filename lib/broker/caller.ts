// Turning `Authorization: Bearer atp_…` into the key, its identity and the identity's grant, and counting the call
// against the key's per-minute limit, in one prepared statement: everything the hot path needs in one round trip.
import "server-only";
import type { IdentityRow } from "@/lib/identities/row";
import { IDENTITY_ROW_SQL } from "@/lib/identities/row";
import { preparedQuery } from "@/lib/platform/db";
import { env } from "@/lib/platform/env";
import { BrokerError, invalidKey } from "./errors";
import { hashSecret, parseApiKey, secretMatches } from "./key-format";

/** The key, and its identity as every reader sees it (lib/identities/row.ts), with the sealed cached token. */
export type Caller = IdentityRow & {
  keyId: string;
  lookupId: string;
  secretHash: Uint8Array;
  keyExpiresAt: Date | null;
  keyRevokedAt: Date | null;
  keyLastUsedAt: Date | null;
  lastIssuedGrantId: string | null;
  lastIssuedGeneration: number | null;
  /** The key's gateway policy (lib/gateway/policy.ts), unparsed; null: unrestricted. */
  keyPolicy: unknown;
  /** This call's place in the key's per-minute window (the gateway goes on counting from it in memory). */
  windowCount: number;
  accessToken: Uint8Array | null;
  generation: number | null;
};

/**
 * The key, its identity and grant in one round trip, and, only when the key is live and `proof` holds, this call
 * counted in the key's rate-limit window and, when it will be served, in the identity's hourly usage. `$1` finds
 * the key, `$2` is the limit per minute, `$3` the window's bucket (the broker's, or the gateway's, each with its
 * own limit). For a key, the proof is its secret's hash ($4); that equality only
 * decides whether to count, and the authoritative comparison is the constant-time one in authenticate(). For a
 * token the auth service handed out, finding it (by its hash, unexpired) is the proof.
 */
const callerSql = (find: string, proof: string) => `
  WITH caller AS (
    SELECT ${IDENTITY_ROW_SQL},
           k.id AS "keyId", k.lookup_id AS "lookupId", k.secret_hash AS "secretHash", k.expires_at AS "keyExpiresAt",
           k.revoked_at AS "keyRevokedAt", k.last_used_at AS "keyLastUsedAt",
           k.last_issued_grant_id AS "lastIssuedGrantId", k.last_issued_generation AS "lastIssuedGeneration",
           k.policy AS "keyPolicy", g.access_token AS "accessToken", g.generation
    FROM api_keys k
    JOIN service_identities si ON si.id = k.identity_id
    LEFT JOIN grants g ON g.id = si.grant_id
    WHERE ${find}
  ), live AS (
    SELECT c."keyId", c.id, c."deactivatedAt" IS NULL AND c."revokedAt" IS NULL AND c."grantStatus" = 'active'
             AS servable
    FROM caller c
    WHERE ${proof} AND c."keyRevokedAt" IS NULL AND (c."keyExpiresAt" IS NULL OR c."keyExpiresAt" > now())
  ), counted AS (
    INSERT INTO rate_limit_counters AS r (bucket, window_start, count)
    SELECT $3::text || l."keyId", date_trunc('minute', now()), 1 FROM live l
    ON CONFLICT (bucket, window_start) DO UPDATE SET count = r.count + 1
    RETURNING r.count, EXTRACT(EPOCH FROM r.window_start + interval '1 minute' - now())::float8 AS reset
  ), used AS (
    -- Usage is what the broker serves: a call refused for a paused, revoked or broken identity, or over the key's
    -- limit, is not a use.
    INSERT INTO identity_usage AS u (identity_id, hour, requests)
    SELECT l.id, date_trunc('hour', now()), 1 FROM live l, counted n WHERE l.servable AND n.count <= $2
    ON CONFLICT (identity_id, hour) DO UPDATE SET requests = u.requests + 1
  )
  SELECT caller.*, counted.count AS "rateCount", counted.reset AS "rateReset" FROM caller LEFT JOIN counted ON true`;

const BY_KEY_SQL = callerSql("k.lookup_id = $1", `c."secretHash" = $4`);
const BY_HANDED_OUT_TOKEN_SQL = callerSql(
  "k.id = (SELECT key_id FROM handed_out_tokens WHERE token_hash = $1 AND expires_at > now())",
  "true",
);

type Row = Omit<Caller, "windowCount"> & { rateCount: number | null; rateReset: number | null };

/** Which per-minute window a call counts in: the broker's token calls, or the gateway's API calls. */
export type RateWindow = { bucket: "broker:" | "gateway:"; limit: number; what: string };

const brokerWindow = (): RateWindow => ({
  bucket: "broker:",
  limit: env().BROKER_RATE_LIMIT_PER_MINUTE,
  what: "Cache the token until near expires_at instead of asking for every call.",
});

/** `Bearer atp_…`'s key, or "" (which no key matches). */
export const bearerKey = (authorization: string | null | undefined) =>
  /^Bearer (\S+)$/.exec(authorization?.trim() ?? "")?.[1] ?? "";

export async function authenticate(authorization: string | null): Promise<Caller> {
  return authenticateKey(bearerKey(authorization));
}

/** The caller of a key's whole text (`atp_…`), or the one answer for every bad key. */
export async function authenticateKey(key: string, window = brokerWindow()): Promise<Caller> {
  const parsed = parseApiKey(key);
  if (!parsed) throw invalidKey();
  const [row] = await preparedQuery<Row>("broker_caller", BY_KEY_SQL, [
    parsed.lookupId,
    window.limit,
    window.bucket,
    hashSecret(parsed.secret),
  ]);
  // The hash is compared even for a known-bad row, so the answer's timing does not say which check failed.
  const matches = secretMatches(parsed.secret, row?.secretHash ?? new Uint8Array(32));
  if (!row || !matches) throw invalidKey();
  return served(row, window);
}

/** The caller whose key an unexpired token handed out by the auth service belongs to (`tokenHash`: its SHA-256). */
export async function authenticateHandedOut(
  tokenHash: Uint8Array,
  refused: () => Error,
  window = brokerWindow(),
): Promise<Caller> {
  const [row] = await preparedQuery<Row>("broker_caller_by_token", BY_HANDED_OUT_TOKEN_SQL, [
    tokenHash,
    window.limit,
    window.bucket,
  ]);
  if (!row) throw refused();
  return served(row, window);
}

/** A found caller, once its key is live and the call is within the key's limit. */
function served(row: Row, { limit, what }: RateWindow): Caller {
  if (row.keyRevokedAt || (row.keyExpiresAt && row.keyExpiresAt <= new Date())) throw invalidKey();
  const { rateCount, rateReset, ...caller } = row;
  if ((rateCount ?? Number.POSITIVE_INFINITY) > limit) {
    throw new BrokerError(
      "rate_limited",
      `This key made more than ${limit} requests this minute. ${what}`,
      Math.max(1, Math.ceil(rateReset ?? 60)),
    );
  }
  return { ...caller, windowCount: rateCount ?? 0 };
}
