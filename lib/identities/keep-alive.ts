// The health sweep. Rotatable refresh tokens die unused after their TTL (Anaplan's default is about 12 hours), and a
// revoked one is only noticed when used. So every active identity's grant is taken by the sweep:
// - to refresh it, once about half its TTL has passed (at most every 6 hours when the TTL is not known), with a
//   per-grant jitter of ±10% so a fleet enrolled together does not come due together;
// - to check it, every HEALTH_CHECK_MINUTES otherwise: the cached access token is validated at Anaplan, and a
//   token Anaplan no longer accepts is refreshed at once, which finds a revoked grant within one sweep.
// Each grant's next turn is stored in `grants.sweep_after` (behind a partial index), so a round reads only what is
// due. Grants are claimed in Postgres (SKIP LOCKED; the claim moves `sweep_after` a minute on, keeping other
// instances off), handled KEEP_ALIVE_CONCURRENCY at a time, and never faster than ANAPLAN_CALLS_PER_MINUTE per
// Anaplan host, counted in Postgres across instances. getAccessToken's lease keeps each refresh to one, whatever else is asking.
// Deactivated identities are kept alive too: a pause must not let a rotatable token lapse.
import "server-only";
import { validateAccessToken } from "@/lib/anaplan";
import { Prisma } from "@/lib/generated/prisma/client";
import { getAccessToken } from "@/lib/grants/access-token";
import { db } from "@/lib/platform/db";
import { env } from "@/lib/platform/env";
import { isAppError } from "@/lib/platform/errors";
import { log } from "@/lib/platform/log";
import { takeFromWindow } from "@/lib/platform/rate-limit";
import { grantClientOf } from "./grant-client";

const UNKNOWN_TTL_SECONDS = 12 * 60 * 60;

type Due = { identityId: string; oauthUrl: string; refreshDue: boolean };
/** `identityId` is null for a grant whose identity is gone: there is nothing to keep alive. */
type Claimed = Omit<Due, "identityId"> & { identityId: string | null };

// When grant g (of identity si) is due for its keep-alive refresh: half its TTL after the last refresh, scaled by a
// fixed per-grant jitter in [0.9, 1.1).
const REFRESH_DUE_AT = Prisma.sql`(COALESCE(g.last_refresh_at, g.created_at) + make_interval(secs =>
  COALESCE(si.refresh_token_ttl_seconds, ${UNKNOWN_TTL_SECONDS}) / 2.0
  * (0.9 + 0.2 * ((hashtext(g.id::text) & 1023) / 1023.0))))`;

/** Takes up to `limit` due grants for this round; also what `bench/engines.ts` measures as the queue engine. */
export async function claimDueGrants(limit: number) {
  return db().$queryRaw<Claimed[]>`
    WITH picked AS (
      SELECT id FROM grants
      WHERE status = 'active' AND kind = 'identity' AND (sweep_after IS NULL OR sweep_after <= now())
      ORDER BY sweep_after NULLS FIRST
      LIMIT ${limit} FOR UPDATE SKIP LOCKED
    )
    UPDATE grants g SET sweep_after = now() + interval '1 minute'
    FROM picked p LEFT JOIN service_identities si ON si.grant_id = p.id
    WHERE g.id = p.id
    RETURNING si.id AS "identityId", g.oauth_url AS "oauthUrl",
      -- An outage in progress is retried as soon as its backoff allows, so recovery needs no script call.
      (${REFRESH_DUE_AT} <= now()
        OR (g.unreachable_since IS NOT NULL AND (g.next_attempt_at IS NULL OR g.next_attempt_at <= now())))
        AS "refreshDue"`;
}

/**
 * The next turn of each handled grant: its refresh, its next check or its outage retry, whichever comes first, and
 * not sooner than a minute (a grant whose refresh keeps failing is not taken again every round).
 */
async function scheduleNext(identityIds: string[]) {
  await db().$executeRaw`
    UPDATE grants g SET sweep_after = GREATEST(now() + interval '1 minute', LEAST(
      ${REFRESH_DUE_AT},
      now() + make_interval(mins => ${env().HEALTH_CHECK_MINUTES}),
      CASE WHEN g.unreachable_since IS NOT NULL THEN COALESCE(g.next_attempt_at, now()) END))
    FROM service_identities si
    WHERE si.grant_id = g.id AND si.id = ANY(${identityIds}::uuid[])`;
}

/** One claimed grant: refreshed when due, otherwise its cached access token validated (and refreshed if refused). */
async function handle(c: Due) {
  const identity = await db().serviceIdentity.findUnique({ where: { id: c.identityId } });
  if (!identity?.grantId) return;
  const client = grantClientOf(identity);
  try {
    if (c.refreshDue) {
      await getAccessToken(identity.grantId, client, { forceRefresh: true });
      return;
    }
    const token = await getAccessToken(identity.grantId, client, { minValidSeconds: 60 });
    const accepted = await validateAccessToken(identity, token.accessToken).then(
      () => true,
      () => false,
    );
    // Refused: revoked at Anaplan, logged out, or a disabled account. A refresh tells which, and records it.
    if (!accepted) await getAccessToken(identity.grantId, client, { forceRefresh: true });
  } catch (error) {
    // The grant already records what happened (needs attention, or a failure to retry); nothing else to do here.
    if (!isAppError(error)) log.error("health sweep: a grant failed", { identityId: c.identityId, error });
  }
}

/**
 * One round of the sweep: claims up to `limit` grants and handles them `concurrency` at a time. Each Anaplan host's
 * call budget for the minute is taken for the round's share of grants in one step; grants beyond it are handed
 * back for a later round. Returns how many it handled.
 */
export async function refreshDueIdentityGrants(limit = 200, concurrency = env().KEEP_ALIVE_CONCURRENCY) {
  const claimed = await claimDueGrants(limit);
  const byHost = new Map<string, Due[]>();
  for (const c of claimed) {
    if (c.identityId === null) continue;
    const host = new URL(c.oauthUrl).host;
    byHost.set(host, [...(byHost.get(host) ?? []), { ...c, identityId: c.identityId }]);
  }
  const queue: Due[] = [];
  const returned: string[] = [];
  for (const [host, grants] of byHost) {
    const { granted } = await takeFromWindow(`anaplan:${host}`, env().ANAPLAN_CALLS_PER_MINUTE, grants.length);
    queue.push(...grants.slice(0, granted));
    returned.push(...grants.slice(granted).map((g) => g.identityId));
  }
  const handled = queue.map((c) => c.identityId);
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) await handle(next);
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  if (handled.length > 0) await scheduleNext(handled);
  if (returned.length > 0) {
    await db().$executeRaw`
      UPDATE grants SET sweep_after = NULL
      WHERE id IN (SELECT grant_id FROM service_identities WHERE id = ANY(${returned}::uuid[]))`;
  }
  return handled.length;
}
