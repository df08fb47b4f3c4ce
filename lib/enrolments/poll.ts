// Polling enrolments, on the server, exactly per RFC 8628 §3.5: one poller per device code at a time (a lease
// claimed with SKIP LOCKED), never faster than `interval`, +5 s for every slow_down, stopping at the first
// terminal answer or at expiry. All state is in Postgres, so a restart simply resumes.
import "server-only";
import { randomUUID } from "node:crypto";
import os from "node:os";
import { AnaplanError, logoutAccessToken, pollDeviceToken, type TokenSet } from "@/lib/anaplan";
import { recordAudit } from "@/lib/audit";
import { type Enrolment, Prisma, type ServiceIdentity } from "@/lib/generated/prisma/client";
import { db } from "@/lib/platform/db";
import { log } from "@/lib/platform/log";
import { aadFor, vault } from "@/lib/vault";
import { endpointsOf } from "../identities/grant-client";
import { completeEnrolment } from "./complete";

const LEASE_SECONDS = 30;
/** Completion stops retrying this long before the lease ends, so the next poller never overlaps it. */
const LEASE_MARGIN_SECONDS = 3;
const MAX_BACKOFF_SECONDS = 60;

type Claimed = Enrolment & { identity: ServiceIdentity };

const FAILURES: Partial<Record<AnaplanError["kind"], { status: "denied" | "expired" | "failed"; message: string }>> = {
  denied: { status: "denied", message: "The request was denied at Anaplan. Nothing was stored." },
  expired: { status: "expired", message: "The code expired before it was approved. Nothing was stored." },
  invalid_grant: { status: "failed", message: "Anaplan no longer recognises this code. Start again." },
  invalid_client: { status: "failed", message: "Anaplan does not accept this device-grant client id." },
  invalid_request: { status: "failed", message: "Anaplan refused the request as invalid. Start again." },
};

/** Polls every enrolment that is due (or just `onlyId`); returns how many were polled. */
export async function pollDueEnrolments(options: { limit?: number; onlyId?: string } = {}): Promise<number> {
  const owner = `${os.hostname()}:${process.pid}:${randomUUID()}`;
  const only = options.onlyId ? Prisma.sql`AND id = ${options.onlyId}::uuid` : Prisma.empty;
  const leaseEndsAt = Date.now() + (LEASE_SECONDS - LEASE_MARGIN_SECONDS) * 1000;
  const claimed = await db().$queryRaw<{ id: string }[]>`
    UPDATE enrolments SET lease_owner = ${owner}, lease_until = now() + make_interval(secs => ${LEASE_SECONDS})
    WHERE id IN (
      SELECT id FROM enrolments
      WHERE status = 'pending' AND next_poll_at <= now() AND (lease_until IS NULL OR lease_until < now()) ${only}
      ORDER BY next_poll_at LIMIT ${options.limit ?? 10}
      FOR UPDATE SKIP LOCKED)
    RETURNING id`;
  for (const { id } of claimed) {
    const enrolment = await db().enrolment.findUnique({ where: { id }, include: { identity: true } });
    if (enrolment?.leaseOwner !== owner) continue;
    await pollOnce(enrolment, owner, leaseEndsAt).catch((error: unknown) => {
      log.error("enrolment poll failed", { enrolmentId: id, error });
      return reschedule(enrolment, owner, enrolment.intervalSeconds);
    });
  }
  return claimed.length;
}

async function pollOnce(e: Claimed, owner: string, leaseEndsAt: number) {
  if (e.expiresAt.getTime() <= Date.now() || !e.deviceCode) {
    return finish(e, owner, "expired", FAILURES.expired?.message ?? "");
  }
  const endpoints = endpointsOf(e.identity);
  let tokens: TokenSet;
  try {
    const deviceCode = await vault().open(e.deviceCode, aadFor("enrolments", e.id, "device_code"));
    tokens = await pollDeviceToken(endpoints, { clientId: e.identity.deviceClientId, deviceCode });
  } catch (error) {
    if (!(error instanceof AnaplanError)) throw error;
    if (error.kind === "pending") return reschedule(e, owner, e.intervalSeconds);
    if (error.kind === "slow_down") return reschedule(e, owner, e.intervalSeconds + 5, e.intervalSeconds + 5);
    if (error.kind === "unavailable" || error.kind === "rate_limited") {
      const backoff = error.retryAfterSeconds ?? e.intervalSeconds * 2 ** Math.min(e.pollCount, 4);
      return reschedule(e, owner, Math.min(Math.max(backoff, e.intervalSeconds), MAX_BACKOFF_SECONDS));
    }
    const failure = FAILURES[error.kind] ?? {
      status: "failed",
      message: "Anaplan answered unexpectedly. Start again.",
    };
    return finish(e, owner, failure.status, failure.message, error.kind);
  }
  if (!tokens.refreshToken) {
    await logoutAccessToken(endpoints, tokens.accessToken).catch(() => {});
    return finish(e, owner, "failed", "Anaplan returned no refresh token: the client must allow offline_access.");
  }
  await completeEnrolment(e, owner, tokens, leaseEndsAt);
}

async function reschedule(e: Enrolment, owner: string, afterSeconds: number, newInterval?: number) {
  await db().enrolment.updateMany({
    where: { id: e.id, leaseOwner: owner, status: "pending" },
    data: {
      nextPollAt: new Date(Date.now() + afterSeconds * 1000),
      intervalSeconds: newInterval ?? e.intervalSeconds,
      pollCount: { increment: 1 },
      leaseOwner: null,
      leaseUntil: null,
    },
  });
}

async function finish(
  e: Claimed,
  owner: string,
  status: "denied" | "expired" | "failed",
  message: string,
  kind?: string,
) {
  const ended = await db().enrolment.updateMany({
    where: { id: e.id, leaseOwner: owner, status: "pending" },
    data: {
      status,
      error: message,
      deviceCode: null,
      userCode: null,
      finishedAt: new Date(),
      leaseOwner: null,
      leaseUntil: null,
    },
  });
  if (ended.count === 1) {
    await recordAudit({
      action: "enrolment.end",
      outcome: "failure",
      actorUserId: e.startedById,
      teamId: e.identity.teamId,
      targetType: "identity",
      targetId: e.identityId,
      details: { status, kind },
    });
  }
}
