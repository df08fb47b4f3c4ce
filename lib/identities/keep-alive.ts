// The health sweep. Rotatable refresh tokens die unused after their TTL (Anaplan's default is about 12 hours), and a
// revoked one is only noticed when used. So every active identity's grant is taken by the sweep:
// - to refresh it, once about half its TTL has passed (at most every 6 hours when the TTL is not known), with a
//   per-grant jitter of ±10% so a fleet enrolled together does not come due together;
// - to check it, every HEALTH_CHECK_MINUTES otherwise: the cached access token is validated at Anaplan, and a
//   token Anaplan no longer accepts is refreshed at once, which finds a revoked grant within one sweep.
// Grants are claimed in Postgres (SKIP LOCKED, then `checked_at` keeps other instances off for a minute), handled
// KEEP_ALIVE_CONCURRENCY at a time, and never faster than ANAPLAN_CALLS_PER_MINUTE per Anaplan host, counted in
// Postgres across instances. getAccessToken's lease keeps each refresh to one, whatever else is asking.
// Deactivated identities are kept alive too: a pause must not let a rotatable token lapse.
import "server-only";
import { validateAccessToken } from "@/lib/anaplan";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { getAccessToken } from "@/lib/grants/access-token";
import { log } from "@/lib/log";
import { takeFromWindow } from "@/lib/rate-limit";
import { grantClientOf } from "./endpoints";

const UNKNOWN_TTL_SECONDS = 12 * 60 * 60;

type Claimed = { identityId: string; oauthUrl: string; refreshDue: boolean };

async function claim(limit: number) {
  const checkEvery = env().HEALTH_CHECK_MINUTES;
  // The jitter: a fixed fraction per grant in [0.9, 1.1) of half the TTL.
  return db().$queryRaw<Claimed[]>`
    WITH due AS (
      SELECT g.id, si.id AS identity_id,
        (COALESCE(g.last_refresh_at, g.created_at) < now() - make_interval(secs =>
            COALESCE(si.refresh_token_ttl_seconds, ${UNKNOWN_TTL_SECONDS}) / 2.0
            * (0.9 + 0.2 * ((hashtext(g.id::text) & 1023) / 1023.0)))
          -- An outage in progress is retried as soon as its backoff allows, so recovery needs no script call.
          OR (g.unreachable_since IS NOT NULL AND (g.next_attempt_at IS NULL OR g.next_attempt_at <= now()))
        ) AS refresh_due
      FROM grants g JOIN service_identities si ON si.grant_id = g.id
      WHERE g.status = 'active' AND (g.checked_at IS NULL OR g.checked_at < now() - interval '1 minute')
    ), picked AS (
      SELECT d.id, d.identity_id, d.refresh_due FROM due d JOIN grants g ON g.id = d.id
      WHERE d.refresh_due OR g.checked_at IS NULL
         OR g.checked_at < now() - make_interval(mins => ${checkEvery})
      ORDER BY d.refresh_due DESC, g.checked_at NULLS FIRST
      LIMIT ${limit} FOR UPDATE OF g SKIP LOCKED
    )
    UPDATE grants g SET checked_at = now() FROM picked p
    WHERE g.id = p.id
    RETURNING p.identity_id AS "identityId", g.oauth_url AS "oauthUrl", p.refresh_due AS "refreshDue"`;
}

/** One claimed grant: refreshed when due, otherwise its cached access token validated (and refreshed if refused). */
async function handle(c: Claimed) {
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
 * One round of the sweep: claims up to `limit` grants and handles them `concurrency` at a time, stopping (and
 * handing the rest back) when an Anaplan host's call budget for the minute is spent. Returns how many it handled.
 */
export async function refreshDueIdentityGrants(limit = 200, concurrency = env().KEEP_ALIVE_CONCURRENCY) {
  const claimed = await claim(limit);
  const queue = [...claimed];
  let handled = 0;
  const returned: string[] = [];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const host = new URL(next.oauthUrl).host;
      if (!(await takeFromWindow(`anaplan:${host}`, env().ANAPLAN_CALLS_PER_MINUTE)).allowed) {
        returned.push(next.identityId, ...queue.splice(0).map((q) => q.identityId));
        return;
      }
      await handle(next);
      handled++;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  if (returned.length > 0) {
    await db().$executeRaw`
      UPDATE grants SET checked_at = NULL
      WHERE id IN (SELECT grant_id FROM service_identities WHERE id = ANY(${returned}::uuid[]))`;
  }
  return handled;
}
