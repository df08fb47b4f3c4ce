// An admin stops a running enrolment: the device code is forgotten and nothing is stored.
import "server-only";
import { recordAudit } from "@/lib/audit";
import { getEnrolmentOrThrow } from "@/lib/identities/load";
import { db } from "@/lib/platform/db";
import { AppError } from "@/lib/platform/errors";
import { type Actor, requireTeam } from "@/lib/teams/access";

export async function cancelEnrolment(actor: Actor, teamSlug: string, enrolmentId: string) {
  const { team } = await requireTeam(actor, teamSlug, "identity.enrol");
  const enrolment = await getEnrolmentOrThrow(team.id, enrolmentId);
  const cancelled = await db().enrolment.updateMany({
    where: { id: enrolment.id, status: "pending" },
    data: {
      status: "cancelled",
      error: "Cancelled by an admin. Nothing was stored.",
      deviceCode: null,
      userCode: null,
      finishedAt: new Date(),
      leaseOwner: null,
      leaseUntil: null,
    },
  });
  if (cancelled.count === 0) throw new AppError("conflict", "This enrolment has already ended.");
  await recordAudit({
    action: "enrolment.cancel",
    outcome: "success",
    actor,
    teamId: team.id,
    targetType: "identity",
    targetId: enrolment.identityId,
  });
  return enrolment.identityId;
}
