// What the enrolment page shows, for the admins of the identity's team. The user code is shown only to the
// admin who started the enrolment, and only while it is pending (RFC 8628 §5.5: nobody else should be able to
// complete someone else's flow). Reading a due enrolment also polls it, so an open page never waits for the
// background worker.
import "server-only";
import { db } from "@/lib/platform/db";
import { type Actor, requireTeam } from "@/lib/teams/access";
import { getEnrolmentOrThrow } from "../identities/load";
import { pollDueEnrolments } from "./poll";

export async function getEnrolmentView(actor: Actor, teamSlug: string, enrolmentId: string) {
  const { team } = await requireTeam(actor, teamSlug, "identity.enrol");
  let e = await getEnrolmentOrThrow(team.id, enrolmentId);
  if (e.status === "pending" && e.nextPollAt.getTime() <= Date.now()) {
    await pollDueEnrolments({ onlyId: e.id, limit: 1 });
    e = await db().enrolment.findUniqueOrThrow({ where: { id: e.id }, include: { identity: true } });
  }
  const isStarter = e.startedById === actor.userId;
  return {
    id: e.id,
    teamSlug: team.slug,
    identity: {
      id: e.identity.id,
      name: e.identity.name,
      expectedEmail: e.identity.expectedEmail,
      apiUrl: e.identity.apiUrl,
    },
    status: e.status,
    message: e.error,
    isStarter,
    userCode: isStarter && e.status === "pending" ? e.userCode : null,
    verificationUri: e.status === "pending" ? e.verificationUri : null,
    verificationUriComplete: isStarter && e.status === "pending" ? e.verificationUriComplete : null,
    expiresAt: e.expiresAt.toISOString(),
    intervalSeconds: e.intervalSeconds,
    approvedByEmail: e.approvedByEmail,
    polls: e.pollCount,
  };
}

export type EnrolmentView = Awaited<ReturnType<typeof getEnrolmentView>>;
