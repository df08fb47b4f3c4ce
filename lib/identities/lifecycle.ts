// Pausing, revoking and deleting identities, one at a time or a whole team at once (an incident). Deactivation is
// a reversible pause: keys are refused, the sealed grant is kept and kept alive. Revocation is final for the
// tokens: they are destroyed in the same transaction that marks the identity revoked and revokes its keys, and
// only then ended at Anaplan, so the portal's side holds even when Anaplan is unreachable.
import "server-only";
import { recordAudit, recordAudits } from "@/lib/audit";
import { retireKeys } from "@/lib/certificates/store";
import type { Prisma, ServiceIdentity } from "@/lib/generated/prisma/client";
import { type DestroyedGrant, destroyGrants, endAtAnaplan, type StepOutcome } from "@/lib/grants/store";
import { db } from "@/lib/platform/db";
import { AppError } from "@/lib/platform/errors";
import { type Actor, requireTeam } from "@/lib/teams/access";
import { endpointsOf } from "./grant-client";
import { getIdentityOrThrow } from "./load";

const PROVIDER_CONCURRENCY = 8;

export async function setIdentityActive(actor: Actor, teamSlug: string, id: string, active: boolean) {
  const { team } = await requireTeam(actor, teamSlug, "identity.deactivate");
  const identity = await getIdentityOrThrow(team.id, id);
  if (identity.revokedAt && !active) {
    throw new AppError("conflict", "This identity's tokens are revoked; there is nothing left to pause.");
  }
  await db().serviceIdentity.update({
    where: { id: identity.id },
    data: { deactivatedAt: active ? null : new Date() },
  });
  await recordAudit({
    action: active ? "identity.reactivate" : "identity.deactivate",
    outcome: "success",
    actor,
    teamId: team.id,
    targetType: "identity",
    targetId: identity.id,
  });
}

export type RevocationReport = {
  identities: number;
  keysRevoked: number;
  tokensDestroyed: number;
  logout: Partial<Record<StepOutcome, number>>;
  revocation: Partial<Record<StepOutcome, number>>;
};

/** The portal's side of a revocation, for `identities` (already locked by the caller's transaction). */
async function revokeLocally(
  tx: Prisma.TransactionClient,
  actor: Actor,
  teamId: string,
  identities: ServiceIdentity[],
) {
  const ids = identities.map((i) => i.id);
  const ended = await tx.enrolment.findMany({
    where: { identityId: { in: ids }, status: { in: ["pending", "mismatch"] } },
    select: { id: true, identityId: true, grantId: true },
  });
  await tx.enrolment.updateMany({
    where: { id: { in: ended.map((e) => e.id) } },
    data: {
      status: "cancelled",
      error: "Cancelled: the identity's tokens were revoked.",
      deviceCode: null,
      userCode: null,
      finishedAt: new Date(),
      leaseOwner: null,
      leaseUntil: null,
    },
  });
  const grantOwner = new Map<string, ServiceIdentity>();
  for (const i of identities) if (i.grantId) grantOwner.set(i.grantId, i);
  for (const e of ended) {
    const owner = identities.find((i) => i.id === e.identityId);
    if (e.grantId && owner) grantOwner.set(e.grantId, owner);
  }
  const destroyed = await destroyGrants(tx, [...grantOwner.keys()], "revoked by a team admin");
  // A certificate identity's private key goes with its tokens: revoking it is final for the key.
  const keysDestroyed = await retireKeys(tx, ids);
  const now = new Date();
  await tx.serviceIdentity.updateMany({ where: { id: { in: ids } }, data: { revokedAt: now, deactivatedAt: null } });
  const keys = await tx.apiKey.updateMany({
    where: { identityId: { in: ids }, revokedAt: null },
    data: { revokedAt: now, revokedById: actor.userId },
  });
  await recordAudits(
    identities.map((i) => ({
      action: "identity.revoke",
      outcome: "success" as const,
      actor,
      teamId,
      targetType: "identity",
      targetId: i.id,
      details: { name: i.name, ...(i.kind === "certificate" ? { certificateKeysDestroyed: keysDestroyed } : {}) },
    })),
    tx,
  );
  return {
    keysRevoked: keys.count,
    destroyed: destroyed.map((grant) => ({ grant, identity: grantOwner.get(grant.id) as ServiceIdentity })),
  };
}

/** Logout and (where configured) RFC 7009 revocation at Anaplan, a few at a time, each outcome audited. */
async function endAllAtAnaplan(
  actor: Actor,
  teamId: string,
  work: { grant: DestroyedGrant; identity: ServiceIdentity }[],
) {
  const tally = { logout: {} as RevocationReport["logout"], revocation: {} as RevocationReport["revocation"] };
  const queue = [...work];
  const worker = async () => {
    for (let item = queue.shift(); item; item = queue.shift()) {
      const outcome = await endAtAnaplan(item.grant, endpointsOf(item.identity));
      tally.logout[outcome.logout] = (tally.logout[outcome.logout] ?? 0) + 1;
      tally.revocation[outcome.revocation] = (tally.revocation[outcome.revocation] ?? 0) + 1;
      await recordAudit({
        action: "identity.revoke_at_anaplan",
        outcome: outcome.logout === "failed" || outcome.revocation === "failed" ? "failure" : "success",
        actor,
        teamId,
        targetType: "identity",
        targetId: item.identity.id,
        details: { ...outcome },
      });
    }
  };
  await Promise.all(Array.from({ length: PROVIDER_CONCURRENCY }, worker));
  return tally;
}

async function revoke(
  actor: Actor,
  teamId: string,
  lock: (tx: Prisma.TransactionClient) => Promise<ServiceIdentity[]>,
) {
  const local = await db().$transaction(async (tx) => {
    const identities = await lock(tx);
    return { count: identities.length, ...(await revokeLocally(tx, actor, teamId, identities)) };
  });
  const provider = await endAllAtAnaplan(actor, teamId, local.destroyed);
  return {
    identities: local.count,
    keysRevoked: local.keysRevoked,
    tokensDestroyed: local.destroyed.length,
    ...provider,
  } satisfies RevocationReport;
}

export async function revokeIdentityTokens(actor: Actor, teamSlug: string, id: string): Promise<RevocationReport> {
  const { team } = await requireTeam(actor, teamSlug, "identity.revoke");
  const { id: identityId } = await getIdentityOrThrow(team.id, id);
  return revoke(actor, team.id, async (tx) => {
    await tx.$executeRaw`SELECT 1 FROM service_identities WHERE id = ${identityId}::uuid FOR UPDATE`;
    return tx.serviceIdentity.findMany({ where: { id: identityId } });
  });
}

function assertConfirmed(team: { slug: string }, typed: string) {
  if (typed !== team.slug) {
    throw new AppError("bad_request", "Type the team's slug exactly to confirm.", {
      fieldErrors: { confirm: [`Type “${team.slug}” to confirm.`] },
    });
  }
}

/** The team's identities that hold a token (or are about to: an enrolment is running); team-wide actions touch no others. */
const holdingTokens = (teamId: string) =>
  ({
    teamId,
    revokedAt: null,
    OR: [{ grant: { status: { not: "revoked" } } }, { enrolments: { some: { status: "pending" } } }],
  }) satisfies Prisma.ServiceIdentityWhereInput;

/** Incident button: every identity of the team that holds a token, revoked in one transaction on the portal's side. */
export async function revokeAllInTeam(actor: Actor, teamSlug: string, confirm: string): Promise<RevocationReport> {
  const { team } = await requireTeam(actor, teamSlug, "identity.revoke");
  assertConfirmed(team, confirm);
  return revoke(actor, team.id, async (tx) => {
    await tx.$executeRaw`SELECT 1 FROM service_identities WHERE team_id = ${team.id}::uuid FOR UPDATE`;
    return tx.serviceIdentity.findMany({ where: holdingTokens(team.id) });
  });
}

/**
 * Incident buttons: pause (or resume) every identity of the team that holds a token, at once; identities already in
 * that state, and those with nothing to pause, are left alone. Returns how many changed.
 */
export async function setAllActiveInTeam(
  actor: Actor,
  teamSlug: string,
  confirm: string,
  active: boolean,
): Promise<number> {
  const { team } = await requireTeam(actor, teamSlug, "identity.deactivate");
  assertConfirmed(team, confirm);
  return db().$transaction(async (tx) => {
    const targets = await tx.serviceIdentity.findMany({
      where: { ...holdingTokens(team.id), deactivatedAt: active ? { not: null } : null },
      select: { id: true, name: true },
    });
    await tx.serviceIdentity.updateMany({
      where: { id: { in: targets.map((t) => t.id) } },
      data: { deactivatedAt: active ? null : new Date() },
    });
    await recordAudits(
      targets.map((t) => ({
        action: active ? "identity.reactivate" : "identity.deactivate",
        outcome: "success" as const,
        actor,
        teamId: team.id,
        targetType: "identity",
        targetId: t.id,
        details: { name: t.name, teamWide: true },
      })),
      tx,
    );
    return targets.length;
  });
}

/** Only an identity that holds no live token (never enrolled, or revoked) can be deleted; its audit rows stay. */
export async function deleteIdentity(actor: Actor, teamSlug: string, id: string) {
  const { team } = await requireTeam(actor, teamSlug, "identity.delete");
  const { id: identityId } = await getIdentityOrThrow(team.id, id);
  const leftovers = await db().$transaction(async (tx) => {
    await tx.$executeRaw`SELECT 1 FROM service_identities WHERE id = ${identityId}::uuid FOR UPDATE`;
    const identity = await tx.serviceIdentity.findUniqueOrThrow({
      where: { id: identityId },
      include: { grant: { select: { status: true } }, enrolments: { select: { status: true, grantId: true } } },
    });
    if (identity.enrolments.some((e) => e.status === "pending")) {
      throw new AppError("conflict", "Cancel the running enrolment before deleting this identity.");
    }
    if (identity.grant && identity.grant.status !== "revoked") {
      throw new AppError("conflict", "Revoke this identity's tokens before deleting it.");
    }
    // A token approved by the wrong account and never kept is destroyed with the identity.
    const grantIds = [identity.grantId, ...identity.enrolments.map((e) => e.grantId)].filter((g) => g !== null);
    const destroyed = await destroyGrants(tx, grantIds, "identity deleted");
    await tx.serviceIdentity.delete({ where: { id: identityId } });
    await tx.grant.deleteMany({ where: { id: { in: grantIds } } });
    await recordAudit(
      {
        action: "identity.delete",
        outcome: "success",
        actor,
        teamId: team.id,
        targetType: "identity",
        targetId: identityId,
        details: { name: identity.name },
      },
      tx,
    );
    return { destroyed, identity };
  });
  for (const grant of leftovers.destroyed) await endAtAnaplan(grant, endpointsOf(leftovers.identity));
  return leftovers.identity.name;
}

const STEP_TEXT: Record<StepOutcome, string> = {
  done: "done",
  failed: "failed (an Anaplan tenant admin can end it: Administration → Security → OAuth Clients)",
  skipped: "not needed",
  not_configured: "not available (Anaplan documents no revocation endpoint; ANAPLAN_REVOCATION_URL is not set)",
};

const tally = (counts: Partial<Record<StepOutcome, number>>) =>
  Object.entries(counts)
    .map(([outcome, n]) => `${STEP_TEXT[outcome as StepOutcome]}${n > 1 ? ` ×${n}` : ""}`)
    .join("; ") || "nothing to do";

/** The outcome of each step, in words an admin can act on. */
export function describeRevocation(r: RevocationReport) {
  return [
    `${r.identities} ${r.identities === 1 ? "identity" : "identities"} revoked.`,
    `Tokens destroyed in the portal: ${r.tokensDestroyed}.`,
    `API keys revoked: ${r.keysRevoked}.`,
    `Access-token logout at Anaplan: ${tally(r.logout)}.`,
    `Refresh-token revocation at Anaplan: ${tally(r.revocation)}.`,
  ].join(" ");
}
