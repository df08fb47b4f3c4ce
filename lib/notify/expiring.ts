// identity.expiring and key.expiring: once per EXPIRY_WARNING_DAYS threshold (14, 3 and 1 days by default) for each
// absolute refresh-token chain and each expiring API key, and once per CERTIFICATE_EXPIRY_WARNING_DAYS threshold
// (30, 14, 3 and 1) for each certificate identity's certificate. The row records the smallest threshold announced, and a
// conditional UPDATE claims each announcement, so it is made once however many workers sweep.
import "server-only";
import { recordAudit } from "@/lib/audit";
import { expiryWarning, warningDaysFor } from "@/lib/identities/warnings";
import { db } from "@/lib/platform/db";
import { env } from "@/lib/platform/env";

const DAY_MS = 24 * 3600_000;

export async function announceExpiries(now = new Date()): Promise<number> {
  const widest = Math.max(...env().EXPIRY_WARNING_DAYS, ...env().CERTIFICATE_EXPIRY_WARNING_DAYS);
  const horizon = new Date(now.getTime() + widest * DAY_MS);
  let announced = 0;
  const identities = await db().serviceIdentity.findMany({
    where: { listState: "active", refreshLifetime: "absolute", lifetimeLearned: true, listExpiresAt: { lt: horizon } },
    select: { id: true, teamId: true, kind: true, listExpiresAt: true },
  });
  for (const i of identities) {
    const warning = expiryWarning(i.listExpiresAt, now, warningDaysFor(i.kind));
    if (!warning) continue;
    const days = warning.withinDays;
    const claimed = await db().$transaction(async (tx) => {
      const { count } = await tx.serviceIdentity.updateMany({
        where: {
          id: i.id,
          listExpiresAt: i.listExpiresAt,
          OR: [
            { expiryWarnedFor: null },
            { expiryWarnedFor: { not: i.listExpiresAt } },
            { expiryWarnedDays: null },
            { expiryWarnedDays: { gt: days } },
          ],
        },
        data: { expiryWarnedDays: days, expiryWarnedFor: i.listExpiresAt },
      });
      if (count === 1) {
        await recordAudit(
          {
            action: "identity.expiring",
            outcome: "success",
            teamId: i.teamId,
            targetType: "identity",
            targetId: i.id,
            details: { withinDays: days, endsAt: i.listExpiresAt.toISOString(), kind: i.kind },
          },
          tx,
        );
      }
      return count;
    });
    announced += claimed;
  }
  const keys = await db().apiKey.findMany({
    where: { revokedAt: null, expiresAt: { gt: now, lt: horizon } },
    select: { id: true, expiresAt: true, identity: { select: { id: true, teamId: true } } },
  });
  for (const k of keys) {
    const warning = expiryWarning(k.expiresAt, now);
    if (!warning) continue;
    const days = warning.withinDays;
    announced += await db().$transaction(async (tx) => {
      const { count } = await tx.apiKey.updateMany({
        where: { id: k.id, OR: [{ expiryWarnedDays: null }, { expiryWarnedDays: { gt: days } }] },
        data: { expiryWarnedDays: days },
      });
      if (count === 1) {
        await recordAudit(
          {
            action: "key.expiring",
            outcome: "success",
            teamId: k.identity.teamId,
            targetType: "api_key",
            targetId: k.id,
            details: { identityId: k.identity.id, withinDays: days, endsAt: k.expiresAt?.toISOString() ?? null },
          },
          tx,
        );
      }
      return count;
    });
  }
  return announced;
}
