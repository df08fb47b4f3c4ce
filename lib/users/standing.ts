// A portal session lasts only while Anaplan still accepts the person. Every SESSION_CHECK_MINUTES the worker takes
// each live session's own grant (claimed in Postgres with SKIP LOCKED through grants.sweep_after, which the identity
// sweep leaves to user grants), refreshes its access token when due, and validates it at Anaplan. A final refusal
// (the person removed or deactivated at Anaplan, their grant revoked) ends the session at once, so admin rights here
// end within minutes even for someone who never opens their profile. A transient outage ends nothing: it backs off
// like any refresh, and the next check tries again.
import "server-only";
import { validateAccessToken } from "@/lib/anaplan";
import { portalEndpoints } from "@/lib/anaplan/settings";
import { db } from "@/lib/platform/db";
import { env } from "@/lib/platform/env";
import { isAppError } from "@/lib/platform/errors";
import { log } from "@/lib/platform/log";
import { takeFromWindow } from "@/lib/platform/rate-limit";
import { endSessionRefusedByAnaplan, IDLE_TIMEOUT_MS, sessionAccessToken } from "./sessions";

const CONCURRENCY = 4;

type Due = { sessionId: string; grantId: string };

async function claimDueSessions(limit: number) {
  return db().$queryRaw<Due[]>`
    WITH picked AS (
      SELECT g.id FROM grants g
      JOIN user_sessions s ON s.grant_id = g.id JOIN users u ON u.id = s.user_id
      WHERE g.kind = 'user' AND g.status = 'active' AND (g.sweep_after IS NULL OR g.sweep_after <= now())
        AND s.revoked_at IS NULL AND s.expires_at > now() AND u.disabled_at IS NULL
        AND s.last_seen_at > now() - make_interval(secs => ${IDLE_TIMEOUT_MS / 1000})
      ORDER BY g.sweep_after NULLS FIRST
      LIMIT ${limit} FOR UPDATE OF g SKIP LOCKED
    )
    UPDATE grants g SET sweep_after = now() + make_interval(mins => ${env().SESSION_CHECK_MINUTES})
    FROM picked p JOIN user_sessions s ON s.grant_id = p.id
    WHERE g.id = p.id
    RETURNING s.id AS "sessionId", g.id AS "grantId"`;
}

async function check({ sessionId, grantId }: Due) {
  try {
    const token = await sessionAccessToken(grantId, { minValidSeconds: 60 });
    const accepted = await validateAccessToken(portalEndpoints(), token.accessToken).then(
      () => true,
      () => false,
    );
    // Refused, or Anaplan did not answer: a refresh tells which, and records it on the grant.
    if (!accepted) await sessionAccessToken(grantId, { forceRefresh: true });
  } catch (error) {
    if (isAppError(error) && error.code === "reauthenticate") {
      await endSessionRefusedByAnaplan(sessionId, error.userMessage);
    } else if (!isAppError(error)) {
      log.error("session check failed", { sessionId, error });
    }
  }
}

/** One round: every live session due for its check, within the sign-in host's Anaplan call budget. */
export async function checkSessionStanding(limit = 100): Promise<number> {
  const due = await claimDueSessions(limit);
  if (due.length === 0) return 0;
  const host = new URL(portalEndpoints().oauthUrl).host;
  const { granted } = await takeFromWindow(`anaplan:${host}`, env().ANAPLAN_CALLS_PER_MINUTE, due.length);
  const queue = due.slice(0, granted);
  const returned = due.slice(granted).map((d) => d.grantId);
  if (returned.length > 0) {
    await db().$executeRaw`UPDATE grants SET sweep_after = NULL WHERE id = ANY(${returned}::uuid[])`;
  }
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) await check(next);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return granted;
}
