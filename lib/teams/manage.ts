// Teams and who is in them. Portal admins create teams; team admins manage members. Every function checks the
// caller's rights itself and scopes its queries by the team, so another team's ids behave as unknown ids.
import "server-only";
import type { z } from "zod";
import { recordAudit } from "@/lib/audit";
import type { AuditAction } from "@/lib/audit/vocabulary";
import { Prisma, type TeamRole } from "@/lib/generated/prisma/client";
import { assertPortalAdmin, portalAdminRole } from "@/lib/permissions";
import { db } from "@/lib/platform/db";
import { AppError } from "@/lib/platform/errors";
import { nameSkeleton } from "@/lib/platform/names";
import { takeFromWindow } from "@/lib/platform/rate-limit";
import { type Actor, requireTeam } from "./access";
import { type InvitationDelivery, sendInvitation } from "./invitation";
import type { inviteRef, memberFields, memberRef, roleChange, teamFields } from "./schemas";

const INVITES_PER_MINUTE = 20;

/** The creator becomes the team's first admin, so the team is never without one and its members page says who. */
export async function createTeam(actor: Actor, fields: z.infer<typeof teamFields>) {
  assertPortalAdmin(actor, "team.create");
  const team = await db()
    .team.create({
      data: {
        ...fields,
        nameSkeleton: nameSkeleton(fields.name),
        memberships: { create: { userId: actor.userId, role: "admin" } },
      },
    })
    .catch((error: unknown) => {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
        const onSlug = JSON.stringify(error.meta ?? {}).includes("slug");
        throw new AppError(
          "conflict",
          onSlug ? "A team with this slug exists." : "A team with this name (or one that looks the same) exists.",
          { fieldErrors: onSlug ? { slug: ["Already taken."] } : { name: ["Taken (or looks the same)."] } },
        );
      }
      throw error;
    });
  await recordAudit({ action: "team.create", outcome: "success", actor, teamId: team.id });
  return team;
}

export async function listTeamsFor(actor: Actor) {
  const asPortalAdmin = portalAdminRole(actor);
  if (asPortalAdmin) {
    const teams = await db().team.findMany({ orderBy: { name: "asc" } });
    return teams.map((team) => ({ team, role: asPortalAdmin }));
  }
  const memberships = await db().membership.findMany({
    where: { userId: actor.userId },
    include: { team: true },
    orderBy: { team: { name: "asc" } },
  });
  return memberships.map((m) => ({ team: m.team, role: m.role }));
}

/** Where a signed-in person starts: their only team's dashboard, or the list of teams to pick from. */
export async function landingPath(actor: Actor): Promise<string> {
  const teams = await listTeamsFor(actor);
  const [only] = teams;
  return teams.length === 1 && only ? `/teams/${only.team.slug}/identities` : "/teams";
}

export async function getTeamOverview(actor: Actor, slug: string) {
  const { team, role } = await requireTeam(actor, slug, "team.view");
  const [members, invites] = await Promise.all([
    db().membership.findMany({
      where: { teamId: team.id },
      include: { user: { select: { id: true, name: true, email: true } } },
      orderBy: { user: { name: "asc" } },
    }),
    db().invite.findMany({ where: { teamId: team.id }, orderBy: { email: "asc" } }),
  ]);
  return { team, role, members, invites };
}

/**
 * Runs a membership change with the team row locked, so changes to one team happen one at a time (two admins
 * demoting each other at once cannot both succeed), and refuses it if it would leave a team that had an admin of
 * its own without one. Portal admins are not counted: they are not members.
 */
async function keepingAnAdmin<T>(teamId: string, change: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
  return db().$transaction(async (tx) => {
    await tx.$executeRaw`SELECT 1 FROM teams WHERE id = ${teamId}::uuid FOR UPDATE`;
    const admins = () => tx.membership.count({ where: { teamId, role: "admin" } });
    const before = await admins();
    const result = await change(tx);
    if (before > 0 && (await admins()) === 0) {
      throw new AppError("conflict", "A team needs at least one admin. Appoint another admin first.");
    }
    return result;
  });
}

/** A user who has signed in becomes a member at once; anyone else gets an invite, matched at their first sign-in. */
/** What adding someone did: joined now, was already in the team (with `role` set), or was invited (and mailed?). */
export type AddOutcome =
  | { kind: "joined" }
  | { kind: "already"; previousRole: TeamRole }
  | { kind: "invited"; again: boolean; mail: InvitationDelivery };

export async function addMember(actor: Actor, slug: string, fields: z.infer<typeof memberFields>): Promise<AddOutcome> {
  const { team } = await requireTeam(actor, slug, "team.manage_members");
  const user = await db().user.findFirst({ where: { email: fields.email } });
  if (user) {
    const existing = await db().membership.findUnique({
      where: { teamId_userId: { teamId: team.id, userId: user.id } },
    });
    await keepingAnAdmin(team.id, (tx) =>
      tx.membership.upsert({
        where: { teamId_userId: { teamId: team.id, userId: user.id } },
        create: { teamId: team.id, userId: user.id, role: fields.role },
        update: { role: fields.role },
      }),
    );
    await recordAudit({
      action: existing ? "team.member_role" : "team.member_add",
      outcome: "success",
      actor,
      teamId: team.id,
      details: { email: fields.email, role: fields.role },
    });
    return existing ? { kind: "already", previousRole: existing.role } : { kind: "joined" };
  }
  const rate = await takeFromWindow(`invite:${actor.userId}`, INVITES_PER_MINUTE);
  if (!rate.allowed) {
    throw new AppError("rate_limited", `Too many invitations this minute; wait ${rate.retryAfterSeconds} s.`);
  }
  const earlier = await db().invite.findUnique({ where: { teamId_email: { teamId: team.id, email: fields.email } } });
  await db().invite.upsert({
    where: { teamId_email: { teamId: team.id, email: fields.email } },
    create: { teamId: team.id, email: fields.email, role: fields.role, invitedById: actor.userId },
    update: { role: fields.role },
  });
  const mail = await sendInvitation(fields.email, team.name, fields.role);
  await recordAudit({
    action: "team.invite",
    outcome: "success",
    actor,
    teamId: team.id,
    details: { email: fields.email, role: fields.role, mail },
  });
  return { kind: "invited", again: earlier !== null, mail };
}

type MembershipKey = { teamId_userId: { teamId: string; userId: string } };

/** One change to an existing membership: authorized, under the last-admin rule, audited. */
async function changeMembership(
  actor: Actor,
  slug: string,
  userId: string,
  audit: { action: AuditAction; details?: Record<string, unknown> },
  change: (tx: Prisma.TransactionClient, where: MembershipKey) => Promise<unknown>,
) {
  const { team } = await requireTeam(actor, slug, "team.manage_members");
  const where = { teamId_userId: { teamId: team.id, userId } };
  await keepingAnAdmin(team.id, (tx) =>
    change(tx, where).catch(() => {
      throw new AppError("not_found", "No such member in this team.");
    }),
  );
  await recordAudit({ ...audit, outcome: "success", actor, teamId: team.id, targetType: "user", targetId: userId });
}

export const changeMemberRole = (actor: Actor, slug: string, change: z.infer<typeof roleChange>) =>
  changeMembership(
    actor,
    slug,
    change.userId,
    { action: "team.member_role", details: { role: change.role } },
    (tx, where) => tx.membership.update({ where, data: { role: change.role } }),
  );

export const removeMember = (actor: Actor, slug: string, ref: z.infer<typeof memberRef>) =>
  changeMembership(actor, slug, ref.userId, { action: "team.member_remove" }, (tx, where) =>
    tx.membership.delete({ where }),
  );

export async function cancelInvite(actor: Actor, slug: string, ref: z.infer<typeof inviteRef>) {
  const { team } = await requireTeam(actor, slug, "team.manage_members");
  const removed = await db().invite.deleteMany({ where: { id: ref.inviteId, teamId: team.id } });
  if (removed.count === 0) throw new AppError("not_found", "No such invite in this team.");
  await recordAudit({ action: "team.invite_cancel", outcome: "success", actor, teamId: team.id });
}
