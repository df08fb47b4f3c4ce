// The outbox: the events an audit row causes are queued in the same transaction as the row (one webhook delivery
// per endpoint of the team, and one email_outbox row when SMTP is set), so an event is sent if and only if what it
// reports was recorded. lib/notify delivers them; it never decides what they are.
import "server-only";
import { randomUUID } from "node:crypto";
import type { Prisma } from "@/lib/generated/prisma/client";
import { env } from "@/lib/platform/env";
import { type Audited, type EventType, eventsOf, webhookBody } from "./events";

export type OutboxClient = Pick<Prisma.TransactionClient, "webhookEndpoint" | "webhookDelivery" | "emailOutbox">;

/** One delivery of `type` to each endpoint, due now. */
export const deliveryRows = (type: EventType, data: Record<string, unknown>, endpointIds: string[]) =>
  endpointIds.map((endpointId) => ({
    id: randomUUID(),
    endpointId,
    eventType: type,
    payload: webhookBody(type, data) as Prisma.InputJsonObject,
    nextAttemptAt: new Date(),
  }));

export async function queueEvents(entries: Audited[], client: OutboxClient) {
  const events = entries.flatMap((entry) =>
    eventsOf(entry).map((event) => ({ ...event, teamId: entry.teamId as string, subjectId: entry.targetId })),
  );
  if (events.length === 0) return;
  if (env().SMTP_URL)
    await client.emailOutbox.createMany({
      data: events.map((e) => ({ id: randomUUID(), teamId: e.teamId, eventType: e.type, subjectId: e.subjectId })),
    });
  const endpoints = await client.webhookEndpoint.findMany({
    where: { teamId: { in: [...new Set(events.map((e) => e.teamId))] } },
    select: { id: true, teamId: true },
  });
  const rows = events.flatMap((e) =>
    deliveryRows(
      e.type,
      e.data,
      endpoints.filter((x) => x.teamId === e.teamId).map((x) => x.id),
    ),
  );
  if (rows.length > 0) await client.webhookDelivery.createMany({ data: rows });
}
