// Email notifications through SMTP (nodemailer), on when SMTP_URL is set. Events are queued in email_outbox with
// their audit row; each worker round claims every waiting event (lease + SKIP LOCKED), groups them by team and
// sends one digest per team to its admins. A failed send is retried on the next rounds and abandoned after five.
import "server-only";
import { randomUUID } from "node:crypto";
import nodemailer from "nodemailer";
import type { Prisma } from "@/lib/generated/prisma/client";
import { db } from "@/lib/platform/db";
import { env } from "@/lib/platform/env";
import { log } from "@/lib/platform/log";
import type { EventType } from "./events";

const MAX_ATTEMPTS = 5;
const WORDS: Record<EventType, string> = {
  "identity.needs_attention": "needs attention (a refresh failed for good; enrol it again)",
  "identity.recovered": "is back in service",
  "identity.expiring": "reaches the end of its refresh-token chain soon: enrol it again before then",
  "key.expiring": "has an API key that expires soon",
  "identity.deactivated": "was deactivated",
  "identity.revoked": "was revoked (its tokens are destroyed)",
  "enrolment.completed": "finished enrolment and is active",
  "webhook.test": "test event",
};

export type EmailClient = Pick<Prisma.TransactionClient, "emailOutbox">;

export async function queueEmails(
  events: { type: EventType; teamId: string; subjectId: string | null }[],
  client: EmailClient,
) {
  if (!env().SMTP_URL || events.length === 0) return;
  await client.emailOutbox.createMany({
    data: events.map((e) => ({ id: randomUUID(), teamId: e.teamId, eventType: e.type, subjectId: e.subjectId })),
  });
}

type Claimed = { id: string; teamId: string; eventType: EventType; subjectId: string | null; attempts: number };

export async function sendEmailDigests(): Promise<number> {
  const settings = env();
  if (!settings.SMTP_URL) return 0;
  const claimed = await db().$queryRaw<Claimed[]>`
    UPDATE email_outbox SET claimed_until = now() + interval '2 minutes', attempts = attempts + 1
    WHERE id IN (
      SELECT id FROM email_outbox
      WHERE sent_at IS NULL AND attempts < ${MAX_ATTEMPTS} AND (claimed_until IS NULL OR claimed_until < now())
      ORDER BY created_at LIMIT 500 FOR UPDATE SKIP LOCKED)
    RETURNING id, team_id AS "teamId", event_type AS "eventType", subject_id AS "subjectId", attempts`;
  const byTeam = new Map<string, Claimed[]>();
  for (const c of claimed) byTeam.set(c.teamId, [...(byTeam.get(c.teamId) ?? []), c]);
  const transport = nodemailer.createTransport(settings.SMTP_URL);
  for (const [teamId, events] of byTeam) {
    try {
      await transport.sendMail(await digestFor(teamId, events));
      await db().emailOutbox.updateMany({
        where: { id: { in: events.map((e) => e.id) } },
        data: { sentAt: new Date() },
      });
    } catch (error) {
      log.warn("email digest failed; it is retried", { teamId, events: events.length, error });
    }
  }
  transport.close();
  return claimed.length;
}

async function digestFor(teamId: string, events: Claimed[]) {
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
  const portal = env().NEXTAUTH_URL ?? "";
  const lines = events.map((e) => `- ${names.get(e.subjectId ?? "") ?? "An identity"} ${WORDS[e.eventType]}`);
  return {
    from: env().SMTP_FROM,
    to: team.memberships.map((m) => m.user.email),
    subject:
      events.length === 1
        ? `[${team.name}] ${lines[0]?.slice(2)}`
        : `[${team.name}] ${events.length} changes to service identities`,
    text: `${lines.join("\n")}\n\nSee ${portal}/teams/${team.slug}/identities\n`,
  };
}
