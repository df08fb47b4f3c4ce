// getAccessToken: hand out the cached access token, or refresh it with exactly one call to Anaplan however many
// requests and instances ask at once. The lease lives in the grants row (Postgres), never in process memory.
import "server-only";
import { randomUUID } from "node:crypto";
import os from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { AnaplanError, refreshAccessToken, type TokenSet } from "@/lib/anaplan";
import { clientSecretFor } from "@/lib/anaplan/settings";
import { authenticateGrant } from "@/lib/certificates/authenticate";
import type { Grant } from "@/lib/generated/prisma/client";
import { db } from "@/lib/platform/db";
import { databaseUnavailable, isDatabaseUnavailable, retryWhileDatabaseDown } from "@/lib/platform/db/unavailable";
import { env } from "@/lib/platform/env";
import { AppError } from "@/lib/platform/errors";
import { log } from "@/lib/platform/log";
import { metrics } from "@/lib/platform/metrics";
import { takeFromWindow } from "@/lib/platform/rate-limit";
import type { GrantClient } from "./client";
import { lifetimeShownBy, recordLearnedLifetime, refreshTokenDeadline } from "./lifetime";
import { backOff, failForGood, isFinal, recovered } from "./refresh-failure";
import { openAccessToken, openRefreshToken, sealTokens } from "./seal";

/** Longer than the Anaplan call's own timeout (10 s), so a live refresher never loses its lease mid-call. */
const LEASE_SECONDS = 30;
const WAIT_FOR_OTHERS_MS = 20_000;
/** A write retried this close to the lease's end could race the next refresher, which would spend the old token. */
const LEASE_MARGIN_MS = 3000;
const MAX_MARGIN_MS = 5 * 60_000;

/** `generation` names this access token: it changes exactly when a refresh stores a new one. */
export type AccessToken = { accessToken: string; expiresAt: Date; generation: number };
export type AccessTokenOptions = {
  forceRefresh?: boolean;
  minValidSeconds?: number;
  /**
   * The refresh counts against ANAPLAN_CALLS_PER_MINUTE for the grant's OAuth host, as the sweep's calls do; over
   * the budget a still-valid cached token is served instead (a token that no longer works is refreshed anyway).
   */
  budgeted?: boolean;
};

const instance = `${os.hostname()}:${process.pid}`;

type Freshness = {
  accessToken: Uint8Array | null;
  accessTokenExpiresAt: Date | null;
  lastRefreshAt: Date | null;
  createdAt: Date;
};

/**
 * Served from the cache while more than a tenth of the token's life (at most 5 minutes) is left, and more than
 * `minValidSeconds` if the caller asked for that — but never more than a freshly refreshed token of the same
 * lifetime would have: a wish no token can meet is served the freshest token (its expires_in tells the truth)
 * instead of refreshing on every call.
 */
export function isFresh(grant: Freshness, minValidSeconds = 0, now = Date.now()) {
  if (!grant.accessToken || !grant.accessTokenExpiresAt) return false;
  const issuedAt = (grant.lastRefreshAt ?? grant.createdAt).getTime();
  const lifetime = grant.accessTokenExpiresAt.getTime() - issuedAt;
  const margin = Math.min(MAX_MARGIN_MS, lifetime / 10);
  const wish = Math.min(minValidSeconds * 1000, lifetime - margin);
  return grant.accessTokenExpiresAt.getTime() - now > Math.max(margin, wish);
}

type WithToken = Grant & { accessToken: Uint8Array<ArrayBuffer>; accessTokenExpiresAt: Date };

const stillValid = (grant: Grant): grant is WithToken =>
  grant.accessToken !== null &&
  grant.accessTokenExpiresAt !== null &&
  grant.accessTokenExpiresAt.getTime() > Date.now();

const cached = async (grant: WithToken): Promise<AccessToken> => ({
  accessToken: await openAccessToken(grant.id, grant.accessToken),
  expiresAt: grant.accessTokenExpiresAt,
  generation: grant.generation,
});

function assertUsable(grant: Grant | null): asserts grant is Grant {
  if (!grant || grant.status === "revoked") {
    throw new AppError("reauthenticate", "This Anaplan authorisation has been revoked. Please sign in or enrol again.");
  }
  if (grant.status === "needs_attention") {
    throw new AppError("reauthenticate", grant.statusReason ?? "Anaplan no longer accepts this authorisation.");
  }
}

export async function getAccessToken(
  grantId: string,
  client: GrantClient,
  options: AccessTokenOptions = {},
): Promise<AccessToken> {
  const owner = `${instance}:${randomUUID()}`;
  const deadline = Date.now() + WAIT_FOR_OTHERS_MS;
  let firstGeneration: number | undefined;
  for (let attempt = 0; ; attempt++) {
    const grant = await db().grant.findUnique({ where: { id: grantId } });
    assertUsable(grant);
    firstGeneration ??= grant.generation;
    // A forced refresh is satisfied by anyone's refresh that happened after we asked.
    const wantNew = options.forceRefresh && grant.generation === firstGeneration;
    if (!wantNew && isFresh(grant, options.minValidSeconds) && stillValid(grant)) return cached(grant);
    const backingOff = grant.nextAttemptAt ? grant.nextAttemptAt.getTime() - Date.now() : 0;
    if (backingOff > 0) {
      if (stillValid(grant)) return cached(grant);
      throw new AppError("provider_unavailable", "Anaplan has not answered lately; the portal retries shortly.", {
        retryAfterSeconds: Math.ceil(backingOff / 1000),
      });
    }
    const taken = await db().$executeRaw`
      UPDATE grants SET lease_owner = ${owner}, lease_until = now() + make_interval(secs => ${LEASE_SECONDS}),
             refresh_started_at = now()
      WHERE id = ${grantId}::uuid AND generation = ${grant.generation} AND status = 'active'
        AND (lease_until IS NULL OR lease_until < now())`;
    if (taken === 1) {
      if (options.budgeted && stillValid(grant) && !(await withinBudget(grant))) {
        await releaseLease(grant.id, owner);
        return cached(grant);
      }
      return refreshUnderLease(grant, owner, client, Date.now() + LEASE_SECONDS * 1000);
    }
    if (attempt === 0) metrics().singleFlightWaits.inc();
    if (Date.now() > deadline) {
      throw new AppError(
        "provider_unavailable",
        "Another refresh of this token is taking too long; try again shortly.",
        {
          retryAfterSeconds: 5,
        },
      );
    }
    await sleep(Math.min(25 * 2 ** attempt, 500));
  }
}

async function withinBudget(grant: Grant) {
  const host = new URL(grant.oauthUrl).host;
  return (await takeFromWindow(`anaplan:${host}`, env().ANAPLAN_CALLS_PER_MINUTE)).allowed;
}

/** A grant's lease given back: no refresher holds it, none is under way. */
const RELEASED = { leaseOwner: null, leaseUntil: null, refreshStartedAt: null };

const releaseLease = (grantId: string, owner: string) =>
  db().grant.updateMany({ where: { id: grantId, leaseOwner: owner }, data: RELEASED });

async function refreshUnderLease(
  grant: Grant,
  owner: string,
  client: GrantClient,
  leaseEndsAt: number,
): Promise<AccessToken> {
  let tokens: TokenSet;
  const timer = metrics().refreshSeconds.startTimer();
  try {
    tokens =
      grant.method === "certificate"
        ? await authenticateGrant(grant, client.certificateFormat ?? "v2")
        : await refreshByToken(grant);
    timer();
    metrics().refreshCalls.inc({ result: "ok" });
  } catch (error) {
    timer();
    metrics().refreshCalls.inc({ result: isFinal(error) ? "final" : "transient" });
    if (isFinal(error)) throw new AppError("reauthenticate", await failForGood(grant, owner, client, error));
    const wait = await backOff(grant, owner, error);
    // Anaplan being down must not stop scripts while the cached token still works.
    if (stillValid(grant)) return cached(grant);
    throw new AppError("provider_unavailable", "Anaplan did not answer. Try again in a minute.", {
      retryAfterSeconds: wait,
    });
  }
  const learned = lifetimeShownBy(grant, client.refreshTokenTtlSeconds, "refreshed");
  const deadline = refreshTokenDeadline(
    client.refreshTokenTtlSeconds,
    learned ?? client.refreshLifetime ?? "absolute",
    grant.createdAt,
  );
  const sealed = await sealTokens(grant.id, tokens, deadline);
  const saved = await persist(leaseEndsAt, () =>
    db().grant.updateMany({
      where: { id: grant.id, leaseOwner: owner, status: "active" },
      data: {
        ...sealed,
        ...RELEASED,
        generation: { increment: 1 },
        lastRefreshAt: new Date(),
        ...recovered,
      },
    }),
  );
  if (saved.count === 0) {
    throw new AppError("reauthenticate", "This Anaplan authorisation was revoked while it was being refreshed.");
  }
  if (learned && learned !== client.refreshLifetime) await recordLearnedLifetime(grant, learned);
  return { accessToken: tokens.accessToken, expiresAt: tokens.accessTokenExpiresAt, generation: grant.generation + 1 };
}

/** Always at the OAuth host that issued this grant: editing an identity's region must not re-point its tokens. */
async function refreshByToken(grant: Grant) {
  if (!grant.refreshToken) throw new AnaplanError("invalid_grant", { reason: "no refresh token is stored" });
  return refreshAccessToken(
    { oauthUrl: grant.oauthUrl },
    {
      clientId: grant.clientId,
      clientSecret: clientSecretFor(grant.clientId),
      refreshToken: await openRefreshToken(grant.id, grant.refreshToken),
    },
  );
}

/**
 * The new refresh token exists only in this process's memory until this write lands (the old one is already
 * spent), so while the database is unreachable (a restart, a failover) the write is retried for as long as the
 * lease is ours — and no access token is handed out before it is durable.
 */
async function persist<T>(leaseEndsAt: number, write: () => Promise<T>): Promise<T> {
  try {
    return await retryWhileDatabaseDown(write, leaseEndsAt - LEASE_MARGIN_MS);
  } catch (error) {
    log.error("could not store a rotated refresh token; the grant will need re-authorisation", { error });
    if (isDatabaseUnavailable(error)) throw databaseUnavailable(error);
    throw new AppError("provider_unavailable", "The token could not be stored. Try again in a minute.", {
      retryAfterSeconds: 60,
    });
  }
}
