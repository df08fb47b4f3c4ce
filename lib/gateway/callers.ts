// Who a gateway call is from, without a database round trip per call. A credential's caller (key or restricted
// workload, identity, grant, policy: one statement, which also counts that first call) is kept in memory for
// CACHE_MS; calls within it are counted here and added to the same per-minute windows and hourly usage in Postgres
// once a second, in one statement. So a revoked key, a paused identity or a changed policy takes effect on every
// instance within CACHE_MS, and the per-key limit holds across instances to within a second's calls.
import "server-only";
import { createHash } from "node:crypto";
import { tokenHash } from "@/lib/anaplan-auth/handed-out";
import { authenticateHandedOut, authenticateKey, bearerKey, type Caller, type RateWindow } from "@/lib/broker/caller";
import { BrokerError, invalidKey } from "@/lib/broker/errors";
import type { Servable } from "@/lib/broker/issue";
import { IDENTITY_ROW_SQL } from "@/lib/identities/row";
import { preparedQuery } from "@/lib/platform/db";
import { env } from "@/lib/platform/env";
import { log } from "@/lib/platform/log";
import { type AccessPolicy, storedPolicy } from "./policy";

/** How long a change to a key, its identity or its policy may take to reach the gateway (also in README). */
export const CACHE_MS = 1000;
const FLUSH_MS = 1000;
const MAX_CACHED = 10_000;

/**
 * Who a gateway call is from: a key (its own text, or a token the auth service handed out for it), or a restricted
 * trusted workload (the gateway token its exchange handed out). `policy` is the key's or the workload's limits.
 */
export type GatewayCaller = Servable & {
  keyId: string | null;
  workloadPolicyId: string | null;
  /** Read once when the caller is loaded, not on each of its calls. */
  policy: AccessPolicy | null;
  expiresAt: Date | null;
  keyLastUsedAt: Date | null;
  windowCount: number;
};

const fromKey = (c: Caller): GatewayCaller => ({
  ...c,
  workloadPolicyId: null,
  policy: storedPolicy(c.keyPolicy),
  expiresAt: c.keyExpiresAt,
});

type Entry = { caller: GatewayCaller; loadedAt: number; minute: number; counted: number };
const cache = new Map<string, Entry>();
/** Calls counted here and not yet added in Postgres: key (or workload policy) id → calls, with its identity. */
let pending = new Map<string, { identityId: string; calls: number }>();
let flushing: NodeJS.Timeout | undefined;

const FLUSH_SQL = `
  WITH d AS (SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int[]) AS t(holder_id, identity_id, n)),
  r AS (
    INSERT INTO rate_limit_counters AS c (bucket, window_start, count)
    SELECT 'gateway:' || holder_id, date_trunc('minute', now()), n FROM d
    ON CONFLICT (bucket, window_start) DO UPDATE SET count = c.count + excluded.count
  )
  INSERT INTO identity_usage AS u (identity_id, hour, requests)
  SELECT identity_id, date_trunc('hour', now()), sum(n) FROM d GROUP BY identity_id
  ON CONFLICT (identity_id, hour) DO UPDATE SET requests = u.requests + excluded.requests`;

const gatewayWindow = (): RateWindow => ({
  bucket: "gateway:",
  limit: env().GATEWAY_RATE_LIMIT_PER_MINUTE,
  what: "Space the calls out, or ask a portal admin to raise GATEWAY_RATE_LIMIT_PER_MINUTE.",
});

const minuteOf = (ms: number) => Math.floor(ms / 60_000);

/** A restricted workload's gateway token: its policy, identity and grant, this call counted, in one statement. */
const WORKLOAD_TOKEN_SQL = `
  WITH found AS (
    SELECT ${IDENTITY_ROW_SQL}, g.access_token AS "accessToken", g.generation, NULL::uuid AS "keyId",
           p.id AS "workloadPolicyId", p.access_policy AS policy, h.expires_at AS "expiresAt",
           NULL::timestamptz AS "keyLastUsedAt"
    FROM handed_out_tokens h
    JOIN workload_policies p ON p.id = h.workload_policy_id
    JOIN service_identities si ON si.id = p.identity_id
    LEFT JOIN grants g ON g.id = si.grant_id
    WHERE h.token_hash = $1 AND h.expires_at > now()
  ), counted AS (
    INSERT INTO rate_limit_counters AS r (bucket, window_start, count)
    SELECT 'gateway:' || f."workloadPolicyId", date_trunc('minute', now()), 1 FROM found f
    ON CONFLICT (bucket, window_start) DO UPDATE SET count = r.count + 1
    RETURNING r.count
  ), used AS (
    INSERT INTO identity_usage AS u (identity_id, hour, requests)
    SELECT f.id, date_trunc('hour', now()), 1 FROM found f
    ON CONFLICT (identity_id, hour) DO UPDATE SET requests = u.requests + 1
  )
  SELECT found.*, counted.count AS "windowCount" FROM found LEFT JOIN counted ON true`;

const rateLimited = (limit: number, now = Date.now()) =>
  new BrokerError(
    "rate_limited",
    `This caller made more than ${limit} gateway calls this minute. ${gatewayWindow().what}`,
    Math.max(1, 60 - Math.floor((now % 60_000) / 1000)),
  );

/** `Bearer atp_…` (a key), or `AnaplanAuthToken …`: a token the auth service handed out for a key, or a workload's. */
async function load(authorization: string | undefined): Promise<GatewayCaller> {
  const handedOut = /^AnaplanAuthToken\s+(\S+)$/i.exec(authorization?.trim() ?? "")?.[1];
  if (!handedOut) return fromKey(await authenticateKey(bearerKey(authorization), gatewayWindow()));
  const hash = tokenHash(handedOut);
  try {
    return fromKey(await authenticateHandedOut(hash, invalidKey, gatewayWindow()));
  } catch (error) {
    if (!(error instanceof BrokerError && error.code === "invalid_key")) throw error;
  }
  const [row] = await preparedQuery<Omit<GatewayCaller, "policy"> & { policy: unknown }>(
    "gateway_workload_caller",
    WORKLOAD_TOKEN_SQL,
    [hash],
  );
  if (!row) throw invalidKey();
  if (row.windowCount > env().GATEWAY_RATE_LIMIT_PER_MINUTE) throw rateLimited(env().GATEWAY_RATE_LIMIT_PER_MINUTE);
  return { ...row, policy: storedPolicy(row.policy) };
}

function count(entry: Entry) {
  const { keyId, workloadPolicyId, id } = entry.caller;
  const holder = keyId ?? workloadPolicyId ?? "";
  const held = pending.get(holder) ?? { identityId: id, calls: 0 };
  held.calls++;
  pending.set(holder, held);
  flushing ??= setTimeout(() => void flushCounts(), FLUSH_MS).unref();
}

/** The caller of `authorization`, counted against its per-minute limit; `fresh` skips the memory. */
export async function gatewayCaller(authorization: string | undefined, fresh = false): Promise<GatewayCaller> {
  const id = createHash("sha256")
    .update(authorization ?? "")
    .digest("base64url");
  const now = Date.now();
  const hit = fresh ? undefined : cache.get(id);
  if (hit && now - hit.loadedAt < CACHE_MS && minuteOf(now) === hit.minute) {
    const { caller } = hit;
    if (caller.expiresAt && caller.expiresAt.getTime() <= now) throw invalidKey();
    const limit = env().GATEWAY_RATE_LIMIT_PER_MINUTE;
    if (hit.counted >= limit) throw rateLimited(limit, now);
    hit.counted++;
    count(hit);
    return caller;
  }
  const caller = await load(authorization);
  // The statement counted this call in Postgres; the calls of the next CACHE_MS go on from its count.
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value ?? "");
  cache.set(id, { caller, loadedAt: now, minute: minuteOf(now), counted: caller.windowCount });
  return caller;
}

/** After a refresh, the identity's cached callers hold the old token: the next call loads them again. */
export function forgetIdentity(identityId: string) {
  for (const [id, entry] of cache) if (entry.caller.id === identityId) cache.delete(id);
}

/** Adds the calls counted here to Postgres's windows and usage (a stop calls it too). */
export async function flushCounts() {
  clearTimeout(flushing);
  flushing = undefined;
  const batch = pending;
  pending = new Map();
  if (batch.size === 0) return;
  const rows = [...batch];
  try {
    await preparedQuery("gateway_counts", FLUSH_SQL, [
      rows.map(([keyId]) => keyId),
      rows.map(([, v]) => v.identityId),
      rows.map(([, v]) => v.calls),
    ]);
  } catch (error) {
    log.warn("gateway call counts not written; they are kept for the next flush", { error });
    for (const [keyId, v] of rows) {
      const held = pending.get(keyId) ?? { identityId: v.identityId, calls: 0 };
      held.calls += v.calls;
      pending.set(keyId, held);
    }
    flushing ??= setTimeout(() => void flushCounts(), FLUSH_MS).unref();
  }
}
