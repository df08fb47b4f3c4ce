// Notification events are derived from the audit trail: the audited actions below become events, queued (one
// webhook delivery per endpoint of the team, and one email outbox row when SMTP is set) in the same transaction as
// the audit row, so an event is sent if and only if what it reports was recorded.
import "server-only";
import { randomUUID } from "node:crypto";
import type { Prisma } from "@/lib/generated/prisma/client";
import { type EmailClient, queueEmails } from "./email";

export const EVENT_TYPES = [
  "identity.needs_attention",
  "identity.recovered",
  "identity.expiring",
  "key.expiring",
  "identity.deactivated",
  "identity.revoked",
  "enrolment.completed",
  "webhook.test",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

type Audited = {
  action: string;
  outcome: string;
  teamId: string | null;
  targetType: string | null;
  targetId: string | null;
  details: Prisma.InputJsonObject;
};

function eventsOf(entry: Audited): EventType[] {
  if (entry.outcome !== "success" && !(entry.action === "grant.refresh" && entry.outcome === "failure")) return [];
  switch (entry.action) {
    case "grant.refresh":
      return entry.targetType === "identity" ? ["identity.needs_attention"] : [];
    case "identity.deactivate":
      return ["identity.deactivated"];
    case "identity.expiring":
      return ["identity.expiring"];
    case "key.expiring":
      return ["key.expiring"];
    case "identity.revoke":
      return ["identity.revoked"];
    case "enrolment.complete":
      return entry.details.recovered ? ["enrolment.completed", "identity.recovered"] : ["enrolment.completed"];
    default:
      return [];
  }
}

export type EventClient = Pick<Prisma.TransactionClient, "webhookEndpoint" | "webhookDelivery"> & EmailClient;

export function payloadOf(type: EventType, data: Record<string, unknown>) {
  return { type, timestamp: new Date().toISOString(), data } as Prisma.InputJsonObject;
}

/** Queues the events among `entries` for every endpoint of their team. */
export async function enqueueEvents(entries: Audited[], client: EventClient) {
  const events = entries.flatMap((e) =>
    e.teamId ? eventsOf(e).map((type) => ({ type, teamId: e.teamId as string, entry: e })) : [],
  );
  if (events.length === 0) return;
  await queueEmails(
    events.map((e) => ({ type: e.type, teamId: e.teamId, subjectId: e.entry.targetId })),
    client,
  );
  const teams = [...new Set(events.map((e) => e.teamId))];
  const endpoints = await client.webhookEndpoint.findMany({
    where: { teamId: { in: teams } },
    select: { id: true, teamId: true },
  });
  const rows = events.flatMap(({ type, teamId, entry }) =>
    endpoints
      .filter((x) => x.teamId === teamId)
      .map((x) => ({
        id: randomUUID(),
        endpointId: x.id,
        eventType: type,
        payload: payloadOf(type, {
          team_id: teamId,
          [entry.targetType === "identity" ? "identity_id" : "target_id"]: entry.targetId,
          ...(type === "identity.needs_attention" ? { reason_kind: entry.details.kind ?? null } : {}),
          ...(type === "identity.expiring" || type === "key.expiring"
            ? { within_days: entry.details.withinDays ?? null, ends_at: entry.details.endsAt ?? null }
            : {}),
          ...(type === "key.expiring" ? { identity_id: entry.details.identityId ?? null } : {}),
        }),
        nextAttemptAt: new Date(),
      })),
  );
  if (rows.length > 0) await client.webhookDelivery.createMany({ data: rows });
}
