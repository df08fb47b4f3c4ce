// The audit trail: append-only rows (a trigger rejects UPDATE and DELETE). Details must never hold a secret;
// they pass through the log redactor as a second line of defence.
import "server-only";
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { redact } from "@/lib/log";

export type AuditEntry = {
  action: string;
  outcome: "success" | "failure" | "denied";
  actorUserId?: string | null;
  teamId?: string | null;
  targetType?: string;
  targetId?: string;
  ip?: string | null;
  details?: Record<string, unknown>;
};

type Client = Pick<Prisma.TransactionClient, "auditEvent">;

export async function recordAudit(entry: AuditEntry, client: Client = db()) {
  await client.auditEvent.create({
    data: {
      action: entry.action,
      outcome: entry.outcome,
      actorUserId: entry.actorUserId ?? null,
      teamId: entry.teamId ?? null,
      targetType: entry.targetType ?? null,
      targetId: entry.targetId ?? null,
      ip: entry.ip ?? null,
      details: redact(entry.details ?? {}) as Prisma.InputJsonObject,
    },
  });
}
