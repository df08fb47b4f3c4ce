// An approved enrolment: find out who approved it, then — in one transaction — store the sealed grant, erase the
// device code and switch the identity over. The identity's previous grant is revoked only after that commit, so a
// re-enrolment never leaves it without a working token.
import "server-only";
import { type AnaplanUser, getCurrentUser, type TokenSet } from "@/lib/anaplan";
import { recordAudit } from "@/lib/audit";
import type { Enrolment, Prisma, ServiceIdentity } from "@/lib/generated/prisma/client";
import { createGrant, revokeGrant } from "@/lib/grants/store";
import { endpointsOf } from "@/lib/identities/grant-client";
import { getEnrolmentOrThrow } from "@/lib/identities/load";
import { db } from "@/lib/platform/db";
import { retryWhileDatabaseDown } from "@/lib/platform/db/unavailable";
import { AppError } from "@/lib/platform/errors";
import { type Actor, requireTeam } from "@/lib/teams/access";

/** Why the approval does not match the account the identity expects, or null when it does (or none is expected). */
function mismatchOf(expected: string | null, approver: AnaplanUser | null) {
  if (!expected) return null;
  if (!approver) return `Could not confirm which Anaplan account approved (expected ${expected}).`;
  return approver.email.toLowerCase() !== expected
    ? `Approved by ${approver.email}, not the expected ${expected}.`
    : null;
}

/** Back in service after needing attention, expiring or being revoked: announced as identity.recovered. */
async function isRecovery(tx: Prisma.TransactionClient, previousGrantId: string | null, revokedAt: Date | null) {
  const previous = previousGrantId
    ? await tx.grant.findUnique({
        where: { id: previousGrantId },
        select: { status: true, refreshTokenExpiresAt: true },
      })
    : null;
  return (
    previous?.status === "needs_attention" ||
    (previous?.refreshTokenExpiresAt != null && previous.refreshTokenExpiresAt < new Date()) ||
    revokedAt !== null
  );
}

/**
 * `leaseEndsAt`: until when the poll's lease on the enrolment is ours. Anaplan has just issued the only copy of the
 * tokens (the device code is spent), so while the database is down the transaction is retried until then.
 */
export async function completeEnrolment(
  e: Enrolment & { identity: ServiceIdentity },
  owner: string,
  tokens: TokenSet,
  leaseEndsAt: number,
) {
  const endpoints = endpointsOf(e.identity);
  const approver: AnaplanUser | null = await getCurrentUser(endpoints, tokens.accessToken).catch(() => null);
  const expected = e.identity.expectedEmail;
  const mismatch = mismatchOf(expected, approver);
  const previousGrantId = e.identity.grantId;
  const switched = await retryWhileDatabaseDown(
    () =>
      db().$transaction(async (tx) => {
        const recovered = await isRecovery(tx, previousGrantId, e.identity.revokedAt);
        const grantId = await createGrant(
          {
            kind: "identity",
            clientId: e.identity.deviceClientId,
            oauthUrl: e.identity.oauthUrl,
            tokens,
            refreshTokenTtlSeconds: e.identity.rotatable ? e.identity.refreshTokenTtlSeconds : null,
          },
          tx,
        );
        const approvedBy = {
          approvedByAnaplanId: approver?.id ?? null,
          approvedByEmail: approver?.email ?? null,
          approvedByCustomerId: approver?.customerId ?? null,
        };
        const done = await tx.enrolment.updateMany({
          where: { id: e.id, leaseOwner: owner, status: "pending" },
          data: {
            status: mismatch ? "mismatch" : "approved",
            error: mismatch,
            grantId,
            ...approvedBy,
            deviceCode: null,
            userCode: null,
            finishedAt: new Date(),
            leaseOwner: null,
            leaseUntil: null,
          },
        });
        if (done.count === 0) throw new Error("the enrolment lease was lost before completion");
        if (!mismatch) {
          await tx.serviceIdentity.update({
            where: { id: e.identityId },
            data: { grantId, ...approvedBy, revokedAt: null },
          });
        }
        await recordAudit(
          {
            action: mismatch ? "enrolment.identity_mismatch" : "enrolment.complete",
            outcome: mismatch ? "failure" : "success",
            actorUserId: e.startedById,
            teamId: e.identity.teamId,
            targetType: "identity",
            targetId: e.identityId,
            details: {
              approvedBy: approver?.email ?? null,
              expected,
              ...(recovered && !mismatch ? { recovered } : {}),
            },
          },
          tx,
        );
        return !mismatch;
      }),
    leaseEndsAt,
  );
  if (switched && previousGrantId) await revokeGrant(previousGrantId, endpoints, "replaced by a new enrolment");
}

/** After a mismatch warning the admin decides: keep the token anyway, or throw it away. */
export async function resolveMismatch(actor: Actor, teamSlug: string, enrolmentId: string, keep: boolean) {
  const { team } = await requireTeam(actor, teamSlug, "identity.enrol");
  const e = await getEnrolmentOrThrow(team.id, enrolmentId);
  if (e.status !== "mismatch" || !e.grantId)
    throw new AppError("not_found", "No such enrolment waiting for a decision.");
  const endpoints = endpointsOf(e.identity);
  const grantId = e.grantId;
  // Claiming the row by its status makes a second admin's simultaneous decision a no-op, not a double switch.
  const decided = await db().$transaction(async (tx) => {
    const claimed = await tx.enrolment.updateMany({
      where: { id: e.id, status: "mismatch" },
      data: keep ? { status: "approved" } : { status: "cancelled", error: "Discarded by an admin." },
    });
    if (claimed.count === 0) return false;
    if (keep) {
      await tx.serviceIdentity.update({
        where: { id: e.identityId },
        data: {
          grantId,
          approvedByAnaplanId: e.approvedByAnaplanId,
          approvedByEmail: e.approvedByEmail,
          approvedByCustomerId: e.approvedByCustomerId,
          revokedAt: null,
        },
      });
    }
    return true;
  });
  if (!decided) throw new AppError("not_found", "No such enrolment waiting for a decision.");
  if (keep && e.identity.grantId) await revokeGrant(e.identity.grantId, endpoints, "replaced by a new enrolment");
  if (!keep) await revokeGrant(grantId, endpoints, "discarded after an account mismatch");
  await recordAudit({
    action: keep ? "enrolment.mismatch_kept" : "enrolment.mismatch_discarded",
    outcome: "success",
    actor,
    teamId: team.id,
    targetType: "identity",
    targetId: e.identityId,
  });
}
