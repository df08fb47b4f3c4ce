// Starting a device-grant enrolment: ask Anaplan for a device code, keep it sealed server-side, and return the
// enrolment the page will watch. A second click (or a second tab) gets the enrolment already running.
import "server-only";
import { randomUUID } from "node:crypto";
import { AnaplanError, isAllowedVerificationUrl, requestDeviceCode } from "@/lib/anaplan";
import { verificationOrigins } from "@/lib/anaplan/settings";
import { recordAudit } from "@/lib/audit";
import { Prisma } from "@/lib/generated/prisma/client";
import { db } from "@/lib/platform/db";
import { AppError } from "@/lib/platform/errors";
import { takeFromWindow } from "@/lib/platform/rate-limit";
import { type Actor, requireTeam } from "@/lib/teams/access";
import { aadFor, vault } from "@/lib/vault";
import { endpointsOf } from "../identities/grant-client";
import { getIdentityOrThrow } from "../identities/load";

const STARTS_PER_MINUTE = 10;

export async function startEnrolment(actor: Actor, teamSlug: string, id: string): Promise<string> {
  const { team } = await requireTeam(actor, teamSlug, "identity.enrol");
  const identity = await getIdentityOrThrow(team.id, id);
  if (identity.deactivatedAt) throw new AppError("conflict", "Reactivate this identity before enrolling it.");
  if (identity.kind === "certificate") {
    throw new AppError("conflict", "This identity signs in with a CA certificate: upload its certificate instead.");
  }
  const running = await db().enrolment.findFirst({ where: { identityId: identity.id, status: "pending" } });
  if (running) return running.id;
  // Counted atomically in Postgres before Anaplan is asked: concurrent starts cannot slip past the limit.
  const rate = await takeFromWindow(`enrol:${actor.userId}`, STARTS_PER_MINUTE);
  if (!rate.allowed) {
    throw new AppError("rate_limited", `Too many enrolments started; wait ${rate.retryAfterSeconds} s.`, {
      retryAfterSeconds: rate.retryAfterSeconds,
    });
  }

  const code = await requestDeviceCode(endpointsOf(identity), { clientId: identity.deviceClientId }).catch(
    (error: unknown) => {
      throw new AppError(
        "provider_unavailable",
        error instanceof AnaplanError && error.kind === "invalid_client"
          ? "Anaplan does not accept this device-grant client id."
          : "Anaplan did not start the device authorization. Try again in a minute.",
        { cause: error },
      );
    },
  );
  const allowed = (url: string | undefined) =>
    url !== undefined && isAllowedVerificationUrl(url, verificationOrigins()) ? url : null;
  const verificationUri = allowed(code.verificationUri);
  if (!verificationUri) {
    throw new AppError(
      "provider_unavailable",
      "Anaplan answered with an unexpected verification link; nothing was stored.",
    );
  }
  const enrolmentId = randomUUID();
  try {
    await db().$transaction(async (tx) => {
      await tx.enrolment.create({
        data: {
          id: enrolmentId,
          identityId: identity.id,
          deviceCode: new Uint8Array(
            await vault().seal(code.deviceCode, aadFor("enrolments", enrolmentId, "device_code")),
          ),
          userCode: code.userCode,
          verificationUri,
          verificationUriComplete: allowed(code.verificationUriComplete),
          intervalSeconds: code.intervalSeconds,
          expiresAt: code.expiresAt,
          nextPollAt: new Date(Date.now() + code.intervalSeconds * 1000),
          startedById: actor.userId,
        },
      });
      await recordAudit(
        {
          action: "enrolment.start",
          outcome: "success",
          actor,
          teamId: team.id,
          targetType: "identity",
          targetId: identity.id,
        },
        tx,
      );
    });
  } catch (error) {
    // Someone else started one in the same instant: theirs wins, this device code is simply never polled.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      const winner = await db().enrolment.findFirst({ where: { identityId: identity.id, status: "pending" } });
      if (winner) return winner.id;
    }
    throw error;
  }
  return enrolmentId;
}
