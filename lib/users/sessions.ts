// Server-side sessions: the next-auth cookie only names a row here, so expiry, sign-out and disabling a user
// take effect on the very next request.
import "server-only";
import { portalEndpoints } from "@/lib/anaplan/settings";
import { recordAudit } from "@/lib/audit";
import { type AccessTokenOptions, getAccessToken } from "@/lib/grants/access-token";
import { revokeGrant } from "@/lib/grants/store";
import { db } from "@/lib/platform/db";

export const IDLE_TIMEOUT_MS = 30 * 60 * 1000;
const TOUCH_EVERY_MS = 60 * 1000;

export async function loadSession(sessionId: string) {
  const session = await db().userSession.findUnique({
    where: { id: sessionId },
    include: { user: true, grant: { select: { accessTokenExpiresAt: true, status: true, statusReason: true } } },
  });
  const now = Date.now();
  if (
    !session ||
    session.revokedAt ||
    session.expiresAt.getTime() <= now ||
    session.lastSeenAt.getTime() + IDLE_TIMEOUT_MS <= now ||
    session.user.disabledAt
  ) {
    return null;
  }
  // Anaplan refused the session's own authorisation for good: the person's standing there ends their access here.
  if (session.grant.status !== "active") {
    await endSessionRefusedByAnaplan(session.id, session.grant.statusReason);
    return null;
  }
  if (now - session.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await db().userSession.update({ where: { id: sessionId }, data: { lastSeenAt: new Date(now) } });
  }
  return session;
}

/** The signed-in user's own Anaplan access token (for their profile), refreshed when needed. */
export function sessionAccessToken(grantId: string, options: AccessTokenOptions = {}) {
  return getAccessToken(grantId, { endpoints: portalEndpoints() }, options);
}

export async function endSession(sessionId: string) {
  const session = await db().userSession.findUnique({ where: { id: sessionId } });
  if (!session || session.revokedAt) return;
  await db().userSession.update({ where: { id: sessionId }, data: { revokedAt: new Date() } });
  await revokeGrant(session.grantId, portalEndpoints(), "signed out");
  await recordAudit({ action: "user.sign_out", outcome: "success", actorUserId: session.userId });
}

const REFUSED_BY_ANAPLAN = "Anaplan no longer accepts your sign-in (you may have been removed or deactivated there).";

/**
 * Ends a session whose grant Anaplan refused for good (invalid_grant, invalid_client, access_denied…): marked
 * ended with the reason the sign-in page shows, its tokens destroyed, and audited. Once only, whoever gets here first.
 */
export async function endSessionRefusedByAnaplan(sessionId: string, grantReason?: string | null) {
  const reason = grantReason ? `${REFUSED_BY_ANAPLAN} ${grantReason}` : REFUSED_BY_ANAPLAN;
  const [ended] = await db().userSession.updateManyAndReturn({
    where: { id: sessionId, revokedAt: null },
    data: { revokedAt: new Date(), endReason: reason },
    select: { userId: true, grantId: true },
  });
  if (!ended) return;
  await revokeGrant(ended.grantId, portalEndpoints(), "Anaplan refused the session's authorisation");
  await recordAudit({
    action: "user.session_ended",
    outcome: "success",
    actorUserId: ended.userId,
    targetType: "user",
    targetId: ended.userId,
    details: { reason: "anaplan_refused" },
  });
}

/** Why this browser's last session ended, when it was Anaplan's refusal and not a sign-out. */
export async function endReasonOf(sessionId: string): Promise<string | null> {
  const session = await db().userSession.findUnique({ where: { id: sessionId }, select: { endReason: true } });
  return session?.endReason ?? null;
}

const LAPSED_BATCH = 50;

/**
 * Sessions that ended without a sign-out (expired, idle, user disabled, or already marked ended but with a grant
 * still in custody) get their grant revoked: the access token logged out at Anaplan and the sealed tokens
 * destroyed. Run by the background worker, so nothing sealed outlives the session it was for.
 */
export async function endLapsedSessions(): Promise<number> {
  const lapsed = await db().$queryRaw<{ id: string; grantId: string }[]>`
    SELECT s.id, s.grant_id AS "grantId" FROM user_sessions s
    JOIN grants g ON g.id = s.grant_id JOIN users u ON u.id = s.user_id
    WHERE g.status <> 'revoked'
      AND (s.revoked_at IS NOT NULL OR s.expires_at <= now() OR u.disabled_at IS NOT NULL
           OR s.last_seen_at <= now() - make_interval(secs => ${IDLE_TIMEOUT_MS / 1000}))
    LIMIT ${LAPSED_BATCH}`;
  for (const { id, grantId } of lapsed) {
    await db().userSession.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
    await revokeGrant(grantId, portalEndpoints(), "the session ended");
  }
  return lapsed.length;
}
