// The audit trail: append-only rows (a trigger rejects UPDATE and DELETE). Details must never hold a secret;
// they pass through the log redactor as a second line of defence.
import "server-only";
import type { Prisma } from "@/lib/generated/prisma/client";
import { db } from "@/lib/platform/db";
import { log, redact } from "@/lib/platform/log";
import type { RequestContext } from "@/lib/platform/request-context";
import { type OutboxClient, queueEvents } from "./outbox";
import type { AuditAction, Outcome, TargetType } from "./vocabulary";

export type AuditEntry = {
  action: AuditAction;
  outcome: Outcome;
  /** A signed-in user and where they called from; or give actorUserId alone for work done on their behalf. */
  actor?: { userId: string } & Partial<RequestContext>;
  actorUserId?: string | null;
  actorApiKeyId?: string | null;
  teamId?: string | null;
  targetType?: TargetType;
  targetId?: string;
  ip?: string | null;
  userAgent?: string | null;
  details?: Record<string, unknown>;
};

type Client = Pick<Prisma.TransactionClient, "auditEvent"> & OutboxClient;

const row = (entry: AuditEntry) => ({
  action: entry.action,
  outcome: entry.outcome,
  actorUserId: entry.actor?.userId ?? entry.actorUserId ?? null,
  actorApiKeyId: entry.actorApiKeyId ?? null,
  teamId: entry.teamId ?? null,
  targetType: entry.targetType ?? null,
  targetId: entry.targetId ?? null,
  ip: entry.actor?.ip ?? entry.ip ?? null,
  userAgent: entry.actor?.userAgent ?? entry.userAgent ?? null,
  details: redact(entry.details ?? {}) as Prisma.InputJsonObject,
});

/** Every audited event is also one info-level log line (sign-in and -out, enrolments, state changes): no details. */
function logged(entry: ReturnType<typeof row>) {
  const { action, outcome, actorUserId, actorApiKeyId, teamId, targetType, targetId } = entry;
  log.info(action, { outcome, actorUserId, actorApiKeyId, teamId, targetType, targetId });
  return entry;
}

export async function recordAudit(entry: AuditEntry, client: Client = db()) {
  const data = logged(row(entry));
  await client.auditEvent.create({ data });
  await queueEvents([data], client);
}

/** Many events in one statement: team-wide actions write one row per identity they touched. */
export async function recordAudits(entries: AuditEntry[], client: Client = db()) {
  if (entries.length === 0) return;
  const data = entries.map((e) => logged(row(e)));
  await client.auditEvent.createMany({ data });
  await queueEvents(data, client);
}
