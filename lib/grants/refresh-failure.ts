// What a failed refresh does to a grant. Final failures (Anaplan refused the grant or the client) turn it
// "needs attention" with a reason and stop all retries. Transient ones (no answer, 5xx, 429, a 401/403 that is not
// an OAuth error) back off with jitter and record since when Anaplan has not answered; the next success clears it.
import "server-only";
import { AnaplanError, isFinalRefreshFailure } from "@/lib/anaplan";
import { recordAudit } from "@/lib/audit";
import type { Grant } from "@/lib/generated/prisma/client";
import { db } from "@/lib/platform/db";
import { log } from "@/lib/platform/log";
import type { GrantClient } from "./client";
import { lifetimeShownBy, recordLearnedLifetime } from "./lifetime";

const BASE_BACKOFF_SECONDS = 5;
const MAX_BACKOFF_SECONDS = 300;

const release = { leaseOwner: null, leaseUntil: null, refreshStartedAt: null };

export const isFinal = (error: unknown): error is AnaplanError =>
  error instanceof AnaplanError && isFinalRefreshFailure(error);

function reasonFor(error: AnaplanError, grant: Grant): string {
  if (grant.method === "certificate") {
    return "Anaplan refused this identity's certificate: check that a tenant admin registered it (Administration → Security → Certificates), that it has not expired and that its email is the account's. Then press Test.";
  }
  if (error.kind === "invalid_client") {
    return "Anaplan refused the OAuth client: it was disabled or its secret changed (a tenant admin's action in Administration → Security → OAuth Clients). Fix the client, then sign in or enrol again.";
  }
  if (grant.refreshStartedAt !== null)
    return "The refresh token was lost in an interrupted refresh. Sign in or enrol again.";
  return "Anaplan no longer accepts this authorisation (revoked or expired). Sign in or enrol again.";
}

/** Records a final failure and returns the reason to show. */
export async function failForGood(grant: Grant, owner: string, client: GrantClient, error: AnaplanError) {
  const reason = reasonFor(error, grant);
  await db().grant.updateMany({
    where: { id: grant.id, leaseOwner: owner },
    data: {
      ...release,
      status: "needs_attention",
      statusReason: reason,
      lastError: error.kind,
      failureCount: { increment: 1 },
      unreachableSince: null,
      nextAttemptAt: null,
    },
  });
  // A refusal after an interrupted refresh says the token was lost, not when the chain ends.
  const learned =
    grant.refreshStartedAt === null && error.kind === "invalid_grant"
      ? lifetimeShownBy(grant, client.refreshTokenTtlSeconds, "refused")
      : null;
  if (learned) await recordLearnedLifetime(grant, learned);
  await recordAudit({
    action: "grant.refresh",
    outcome: "failure",
    teamId: client.audit?.teamId,
    targetType: client.audit?.targetType ?? "grant",
    targetId: client.audit?.targetId ?? grant.id,
    details: { kind: error.kind, grantId: grant.id, final: true },
  });
  return reason;
}

/** Exponential backoff with full jitter between half and all of the step, so instances do not retry in step. */
export function backoffSeconds(failures: number, random = Math.random()) {
  const step = Math.min(MAX_BACKOFF_SECONDS, BASE_BACKOFF_SECONDS * 2 ** Math.max(0, failures - 1));
  return Math.max(1, Math.round(step * (0.5 + random / 2)));
}

/** Records a transient failure; returns how long callers should wait before the next attempt. */
export async function backOff(grant: Grant, owner: string, error: unknown): Promise<number> {
  const kind = error instanceof AnaplanError ? error.kind : "unavailable";
  // No status (or an unreadable 2xx) means Anaplan may have rotated the token anyway. Keeping refresh_started_at
  // lets a later invalid_grant say the token was lost in this refresh instead of leaving a mystery.
  const unanswered = !(error instanceof AnaplanError) || error.status === undefined || error.status < 300;
  const wait = Math.max(
    backoffSeconds(grant.failureCount + 1),
    error instanceof AnaplanError ? (error.retryAfterSeconds ?? 0) : 0,
  );
  await db().grant.updateMany({
    where: { id: grant.id, leaseOwner: owner },
    data: {
      ...release,
      ...(unanswered ? { refreshStartedAt: grant.refreshStartedAt ?? new Date() } : {}),
      lastError: kind,
      failureCount: { increment: 1 },
      unreachableSince: grant.unreachableSince ?? new Date(),
      nextAttemptAt: new Date(Date.now() + wait * 1000),
    },
  });
  log.warn("grant refresh failed; backing off", { grantId: grant.id, kind, retryInSeconds: wait });
  return wait;
}

export const recovered = { failureCount: 0, lastError: null, unreachableSince: null, nextAttemptAt: null };
