// Portal admins manage people: find them, disable or re-enable them, make or unmake portal admins. Disabling ends
// every session of the user at once and destroys their sealed Anaplan tokens, so re-enabling later starts clean.
import "server-only";
import { portalEndpoints } from "@/lib/anaplan/settings";
import { recordAudit } from "@/lib/audit";
import { destroyGrants, endAtAnaplan } from "@/lib/grants/store";
import { assertPortalAdmin } from "@/lib/permissions";
import { db } from "@/lib/platform/db";
import { AppError } from "@/lib/platform/errors";
import { likeLiteral } from "@/lib/platform/validation";
import type { Actor } from "@/lib/teams/access";

const PAGE_SIZE = 50;
const PORTAL_ADMINS_LOCK = 7_246_002;

const userNotFound = () => new AppError("not_found", "No such user.");

/** Users by email, filtered by email or name, paged by keyset on the email. */
export async function listUsers(actor: Actor, query: { q?: string; after?: string }) {
  assertPortalAdmin(actor, "users.manage");
  const search = query.q ? likeLiteral(query.q) : undefined;
  const users = await db().user.findMany({
    where: {
      ...(search
        ? {
            OR: [
              { email: { contains: search, mode: "insensitive" } },
              { name: { contains: search, mode: "insensitive" } },
            ],
          }
        : {}),
      ...(query.after ? { email: { gt: query.after } } : {}),
    },
    orderBy: [{ email: "asc" }, { id: "asc" }],
    take: PAGE_SIZE + 1,
    select: { id: true, email: true, name: true, isPortalAdmin: true, disabledAt: true, lastSignInAt: true },
  });
  const page = users.slice(0, PAGE_SIZE);
  return { users: page, next: users.length > PAGE_SIZE ? (page.at(-1)?.email ?? null) : null };
}

export async function setUserDisabled(actor: Actor, userId: string, disabled: boolean) {
  assertPortalAdmin(actor, "users.manage");
  if (disabled && userId === actor.userId) throw new AppError("conflict", "You cannot disable yourself.");
  const ended = await db().$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: userId } });
    if (!user) throw userNotFound();
    await tx.user.update({ where: { id: userId }, data: { disabledAt: disabled ? new Date() : null } });
    if (!disabled) return { user, grants: [] };
    const sessions = await tx.userSession.findMany({ where: { userId }, select: { id: true, grantId: true } });
    await tx.userSession.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: new Date() } });
    const grants = await destroyGrants(
      tx,
      sessions.map((s) => s.grantId),
      "the user was disabled",
    );
    return { user, grants };
  });
  for (const grant of ended.grants) await endAtAnaplan(grant, portalEndpoints());
  await recordAudit({
    action: disabled ? "user.disable" : "user.enable",
    outcome: "success",
    actor,
    targetType: "user",
    targetId: userId,
    details: { email: ended.user.email, sessionsEnded: ended.grants.length },
  });
  return ended.user.email;
}

export async function setPortalAdmin(actor: Actor, userId: string, admin: boolean) {
  assertPortalAdmin(actor, "users.manage");
  const user = await db().$transaction(async (tx) => {
    // One change of portal admins at a time, so two admins cannot demote each other into none.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${PORTAL_ADMINS_LOCK})`;
    const target = await tx.user.findUnique({ where: { id: userId } });
    if (!target) throw userNotFound();
    await tx.user.update({ where: { id: userId }, data: { isPortalAdmin: admin } });
    if (!admin && (await tx.user.count({ where: { isPortalAdmin: true, disabledAt: null } })) === 0) {
      throw new AppError("conflict", "The portal needs at least one active portal admin.");
    }
    return target;
  });
  await recordAudit({
    action: admin ? "user.promote" : "user.demote",
    outcome: "success",
    actor,
    targetType: "user",
    targetId: userId,
    details: { email: user.email },
  });
  return user.email;
}
