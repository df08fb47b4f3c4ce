// Team-scoped authorization used by every team-level data function. A team the caller does not belong to is
// answered exactly like a team that does not exist. Portal admins act as admins of every team (lib/permissions).
import "server-only";
import type { Team, TeamRole } from "@/lib/generated/prisma/client";
import { assertCan, type Permission, portalAdminRole } from "@/lib/permissions";
import { db } from "@/lib/platform/db";
import { AppError } from "@/lib/platform/errors";
import type { RequestContext } from "@/lib/platform/request-context";

/** The signed-in caller, and where the request came from (for the audit trail). */
export type Actor = { userId: string; isPortalAdmin: boolean } & Partial<RequestContext>;

export const actorOf = (
  session: { user: { id: string; isPortalAdmin: boolean } },
  context?: RequestContext,
): Actor => ({ userId: session.user.id, isPortalAdmin: session.user.isPortalAdmin, ...context });

export const teamNotFound = () => new AppError("not_found", "No such team.");

export async function roleIn(actor: Actor, teamId: string): Promise<TeamRole | null> {
  const asPortalAdmin = portalAdminRole(actor);
  if (asPortalAdmin) return asPortalAdmin;
  const membership = await db().membership.findUnique({
    where: { teamId_userId: { teamId, userId: actor.userId } },
    select: { role: true },
  });
  return membership?.role ?? null;
}

/** The team (by slug) with the caller's role in it, once `permission` is checked. */
export async function requireTeam(
  actor: Actor,
  slug: string,
  permission: Permission,
): Promise<{ team: Team; role: TeamRole }> {
  const team = await db().team.findUnique({ where: { slug } });
  const role = team ? await roleIn(actor, team.id) : null;
  if (!team || !role) throw teamNotFound();
  assertCan(role, permission);
  return { team, role };
}
