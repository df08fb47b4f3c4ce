// Email notifications through SMTP (nodemailer), on when SMTP_URL is set. Events are queued in email_outbox with
// their audit row (lib/audit/outbox.ts); each worker round claims every waiting event (lease + SKIP LOCKED), groups them by team and
// sends one digest per team to its admins. A failed send is retried on the next rounds and abandoned after five.
import "server-only";
import { type EventType, WEBHOOK_EVENTS } from "@/lib/audit/events";
import { db } from "@/lib/platform/db";
import { env, portalUrl } from "@/lib/platform/env";
import { log } from "@/lib/platform/log";
import { type Mail, sendMails } from "@/lib/platform/mail";

const MAX_ATTEMPTS = 5;
type Claimed = { id: string; teamId: string; eventType: EventType; subjectId: string | null; attempts: number };

export async function sendEmailDigests(): Promise<number> {
  if (!env().SMTP_URL) return 0;
  const claimed = await db().$queryRaw<Claimed[]>`
    UPDATE email_outbox SET claimed_until = now() + interval '2 minutes', attempts = attempts + 1
    WHERE id IN (
      SELECT id FROM email_outbox
      WHERE sent_at IS NULL AND attempts < ${MAX_ATTEMPTS} AND (claimed_until IS NULL OR claimed_until < now())
      ORDER BY created_at LIMIT 500 FOR UPDATE SKIP LOCKED)
    RETURNING id, team_id AS "teamId", event_type AS "eventType", subject_id AS "subjectId", attempts`;
  const byTeam = new Map<string, Claimed[]>();
  for (const c of claimed) byTeam.set(c.teamId, [...(byTeam.get(c.teamId) ?? []), c]);
  const batches = [...byTeam.entries()];
  const failures =
    (await sendMails(await Promise.all(batches.map(([teamId, events]) => digestFor(teamId, events))))) ?? [];
  for (const [i, [teamId, events]] of batches.entries()) {
    if (failures[i]) {
      log.warn("email digest failed; it is retried", { teamId, events: events.length, error: failures[i] });
      continue;
    }
    await db().emailOutbox.updateMany({ where: { id: { in: events.map((e) => e.id) } }, data: { sentAt: new Date() } });
  }
  return claimed.length;
}

async function digestFor(teamId: string, events: Claimed[]): Promise<Mail> {
  const team = await db().team.findUniqueOrThrow({
    where: { id: teamId },
    select: {
      name: true,
      slug: true,
      memberships: { where: { role: "admin" }, select: { user: { select: { email: true } } } },
    },
  });
  const ids = events.flatMap((e) => (e.subjectId ? [e.subjectId] : []));
  const names = new Map(
    (await db().serviceIdentity.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })).map((i) => [
      i.id,
      i.name,
    ]),
  );
  const lines = events.map(
    (e) => `- ${names.get(e.subjectId ?? "") ?? "An identity"} ${WEBHOOK_EVENTS[e.eventType].words}`,
  );
  return {
    to: team.memberships.map((m) => m.user.email),
    subject:
      events.length === 1
        ? `[${team.name}] ${lines[0]?.slice(2)}`
        : `[${team.name}] ${events.length} changes to service identities`,
    text: `${lines.join("\n")}\n\nSee ${portalUrl()}/teams/${team.slug}/identities\n`,
  };
}
