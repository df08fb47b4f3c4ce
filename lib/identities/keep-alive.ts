// Rotatable refresh tokens die unused after their TTL (Anaplan's default is about 12 hours), and a revoked one is
// only noticed when used. So each active identity's grant is refreshed once half its TTL has passed (at most every
// 6 hours when the TTL is not known): tokens stay alive, and a failure shows up as "needs attention" before a script
// runs into it. getAccessToken's lease keeps this to one refresh however many instances run it. Deactivated
// identities are kept alive too: a pause must not let a rotatable token lapse.
import "server-only";
import { db } from "@/lib/db";
import { isAppError } from "@/lib/errors";
import { getAccessToken } from "@/lib/grants/access-token";
import { log } from "@/lib/log";
import { grantClientOf } from "./endpoints";

const UNKNOWN_TTL_SECONDS = 12 * 60 * 60;

export async function refreshDueIdentityGrants(limit = 20): Promise<number> {
  const due = await db().$queryRaw<{ id: string }[]>`
    SELECT si.id FROM service_identities si JOIN grants g ON g.id = si.grant_id
    WHERE g.status = 'active'
      AND (COALESCE(g.last_refresh_at, g.created_at)
             < now() - make_interval(secs => COALESCE(si.refresh_token_ttl_seconds, ${UNKNOWN_TTL_SECONDS}) / 2.0)
           -- An outage in progress is retried as soon as its backoff allows, so recovery needs no script call.
           OR (g.unreachable_since IS NOT NULL AND (g.next_attempt_at IS NULL OR g.next_attempt_at <= now())))
    ORDER BY g.last_refresh_at NULLS FIRST LIMIT ${limit}`;
  for (const { id } of due) {
    const identity = await db().serviceIdentity.findUnique({ where: { id } });
    if (!identity?.grantId) continue;
    try {
      await getAccessToken(identity.grantId, grantClientOf(identity), { forceRefresh: true });
    } catch (error) {
      // The grant already records what happened (needs attention, or a failure to retry); nothing else to do here.
      if (!isAppError(error)) log.error("keep-alive refresh failed", { identityId: id, error });
    }
  }
  return due.length;
}
