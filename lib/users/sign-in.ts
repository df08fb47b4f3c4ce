// Signing a user in: their Anaplan tokens go into a sealed grant, their browser gets a server-side session row,
// and the first user (or anyone in ADMIN_EMAILS) becomes a portal admin. All or nothing, in one transaction.
import "server-only";
import type { AnaplanUser, TokenSet } from "@/lib/anaplan";
import { recordAudit } from "@/lib/audit";
import { createGrant } from "@/lib/grants/store";
import { db } from "@/lib/platform/db";
import { env } from "@/lib/platform/env";
import { AppError } from "@/lib/platform/errors";

export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;
const FIRST_USER_LOCK = 7_246_001;

export type SignInRefusal = "disabled" | "inactive" | "tenant";

/**
 * Why this Anaplan account may not sign in, or null: disabled in the portal, inactive at Anaplan, or (when
 * ANAPLAN_CUSTOMER_IDS is set) from a tenant other than the company's.
 */
export async function signInRefusal(
  profile: Pick<AnaplanUser, "id" | "active" | "customerId">,
): Promise<SignInRefusal | null> {
  if (!profile.active) return "inactive";
  const tenants = env().customerIds;
  if (tenants.length > 0 && !tenants.includes(profile.customerId ?? "")) return "tenant";
  const user = await db().user.findUnique({ where: { anaplanUserId: profile.id }, select: { disabledAt: true } });
  return user?.disabledAt ? "disabled" : null;
}

/** Returns the id of the new session, which is all the browser's cookie will carry. */
export async function startUserSession(profile: AnaplanUser, tokens: TokenSet, ip?: string | null): Promise<string> {
  const e = env();
  if (await signInRefusal(profile)) throw new AppError("forbidden", "This account may not sign in to the portal.");
  const email = profile.email.toLowerCase();
  const name = `${profile.firstName} ${profile.lastName}`.trim() || email;
  return db().$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${FIRST_USER_LOCK})`;
    const existing = await tx.user.findUnique({ where: { anaplanUserId: profile.id } });
    if (existing?.disabledAt) throw new AppError("forbidden", "This account is disabled in the portal.");
    const makeAdmin = e.adminEmails.includes(email) || (await tx.user.count()) === 0;
    const now = new Date();
    const user = await tx.user.upsert({
      where: { anaplanUserId: profile.id },
      create: { anaplanUserId: profile.id, email, name, customerId: profile.customerId, isPortalAdmin: makeAdmin },
      update: {
        email,
        name,
        customerId: profile.customerId,
        lastSignInAt: now,
        ...(makeAdmin ? { isPortalAdmin: true } : {}),
      },
    });
    const invites = await tx.invite.findMany({ where: { email } });
    for (const invite of invites) {
      await tx.membership.upsert({
        where: { teamId_userId: { teamId: invite.teamId, userId: user.id } },
        create: { teamId: invite.teamId, userId: user.id, role: invite.role },
        update: {},
      });
    }
    await tx.invite.deleteMany({ where: { email } });
    const grantId = await createGrant(
      { kind: "user", clientId: e.ANAPLAN_CLIENT_ID ?? "", oauthUrl: e.ANAPLAN_OAUTH_URL, tokens },
      tx,
    );
    const session = await tx.userSession.create({
      data: { userId: user.id, grantId, expiresAt: new Date(now.getTime() + SESSION_MAX_AGE_SECONDS * 1000) },
    });
    await recordAudit(
      {
        action: "user.sign_in",
        outcome: "success",
        actorUserId: user.id,
        ip,
        details: { invitesAccepted: invites.length },
      },
      tx,
    );
    return session.id;
  });
}
