// The team dashboard's header: how many identities are in each state, which refresh tokens end next, and how
// many refreshes failed for good in the last day. All from indexed reads of the list's read model and the
// trigger-kept counts per state, so it costs the same at 100 or 100,000 identities.
import "server-only";
import { db } from "@/lib/platform/db";
import type { Actor } from "@/lib/teams/access";
import { requireTeam } from "@/lib/teams/access";
import { settleDueStates } from "./list";
import type { IdentityState } from "./schemas";
import { expiryWarning, warningDaysFor } from "./warnings";

const NO_EXPIRY = new Date("9999-12-31T00:00:00Z");
const DAY_MS = 24 * 3600_000;

export async function teamSummary(actor: Actor, teamSlug: string) {
  const { team } = await requireTeam(actor, teamSlug, "identity.view");
  await settleDueStates(team.id);
  const [counts, nextExpiries, failures] = await Promise.all([
    db().identityStateCount.findMany({ where: { teamId: team.id }, select: { state: true, n: true } }),
    // Sliding chains are renewed by the sweep; only absolute ends, learned from Anaplan, come closer. The literal
    // predicate is the partial index's (migration 20261202020000).
    db().$queryRaw<{ id: string; name: string; kind: "device_grant" | "certificate"; at: Date; estimated: boolean }[]>`
      SELECT s.id, s.name, s.kind::text AS kind, s.list_expires_at AS at, g.refresh_token_expires_at IS NULL AS estimated
      FROM service_identities s LEFT JOIN grants g ON g.id = s.grant_id
      WHERE s.team_id = ${team.id}::uuid AND s.list_state = 'active' AND s.refresh_lifetime = 'absolute'
        AND s.lifetime_learned AND s.list_expires_at < ${NO_EXPIRY}
      ORDER BY s.list_expires_at, s.id LIMIT 5`,
    db().auditEvent.count({
      where: {
        teamId: team.id,
        action: "grant.refresh",
        outcome: "failure",
        at: { gt: new Date(Date.now() - DAY_MS) },
      },
    }),
  ]);
  return {
    counts: Object.fromEntries(counts.map((c) => [c.state, c.n])) as Partial<Record<IdentityState, number>>,
    nextExpiries: nextExpiries.map((i) => ({ ...i, warning: expiryWarning(i.at, new Date(), warningDaysFor(i.kind)) })),
    failuresLastDay: failures,
  };
}
