// Who a gateway call is from, without a database round trip per call. A credential's caller (key, identity,
// grant, policy: lib/broker/caller.ts's one statement, which also counts that first call) is kept in memory for
// CACHE_MS; calls within it are counted here and added to the same per-minute windows and hourly usage in Postgres
// once a second, in one statement. So a revoked key, a paused identity or a changed policy takes effect on every
// instance within CACHE_MS, and the per-key limit holds across instances to within a second's calls.
import "server-only";
import { createHash } from "node:crypto";
import { tokenHash } from "@/lib/anaplan-auth/handed-out";
import { authenticateHandedOut, authenticateKey, bearerKey, type Caller, type RateWindow } from "@/lib/broker/caller";
import { BrokerError, invalidKey } from "@/lib/broker/errors";
import { preparedQuery } from "@/lib/platform/db";
import { env } from "@/lib/platform/env";
import { log } from "@/lib/platform/log";

/** How long a change to a key, its identity or its policy may take to reach the gateway (also in README). */
export const CACHE_MS = 1000;
const FLUSH_MS = 1000;
const MAX_CACHED = 10_000;

type Entry = { caller: Caller; loadedAt: number; minute: number; counted: number };
const cache = new Map<string, Entry>();
/** Calls counted here and not yet added in Postgres: key id → calls, with the key's identity. */
let pending = new Map<string, { identityId: string; calls: number }>();
let flushing: NodeJS.Timeout | undefined;

const FLUSH_SQL = `
  WITH d AS (SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int[]) AS t(key_id, identity_id, n)),
  r AS (
    INSERT INTO rate_limit_counters AS c (bucket, window_start, count)
    SELECT 'gateway:' || key_id, date_trunc('minute', now()), n FROM d
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

/** `Bearer atp_…` (a key), or `AnaplanAuthToken …` (a token the auth service handed out for a key). */
function load(authorization: string | undefined): Promise<Caller> {
  const handedOut = /^AnaplanAuthToken\s+(\S+)$/i.exec(authorization?.trim() ?? "")?.[1];
  if (handedOut) return authenticateHandedOut(tokenHash(handedOut), invalidKey, gatewayWindow());
  return authenticateKey(bearerKey(authorization), gatewayWindow());
}

function count(entry: Entry) {
  const { keyId, id } = entry.caller;
  const held = pending.get(keyId) ?? { identityId: id, calls: 0 };
  held.calls++;
  pending.set(keyId, held);
  flushing ??= setTimeout(() => void flushCounts(), FLUSH_MS).unref();
}

/** The caller of `authorization`, counted against its key's per-minute limit; `fresh` skips the memory. */
export async function gatewayCaller(authorization: string | undefined, fresh = false): Promise<Caller> {
  const id = createHash("sha256")
    .update(authorization ?? "")
    .digest("base64url");
  const now = Date.now();
  const hit = fresh ? undefined : cache.get(id);
  if (hit && now - hit.loadedAt < CACHE_MS && minuteOf(now) === hit.minute) {
    const { caller } = hit;
    if (caller.keyExpiresAt && caller.keyExpiresAt.getTime() <= now) throw invalidKey();
    const limit = env().GATEWAY_RATE_LIMIT_PER_MINUTE;
    if (hit.counted >= limit) {
      throw new BrokerError(
        "rate_limited",
        `This key made more than ${limit} gateway calls this minute. ${gatewayWindow().what}`,
        Math.max(1, 60 - Math.floor((now % 60_000) / 1000)),
      );
    }
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
