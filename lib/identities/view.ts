// How the identity page shows one identity: its stored row plus what is derived from it at read time (state,
// attention reason, refresh-token expiry). The dashboard list derives the same from one SQL row (list.ts).
import "server-only";
import type { Prisma } from "@/lib/generated/prisma/client";
import { attentionReason, deriveState } from "./state";

export const detailInclude = {
  grant: {
    select: {
      status: true,
      statusReason: true,
      refreshTokenExpiresAt: true,
      lastRefreshAt: true,
      createdAt: true,
      unreachableSince: true,
      accessTokenExpiresAt: true,
    },
  },
  enrolments: { where: { status: "pending" as const }, select: { id: true }, take: 1 },
} satisfies Prisma.ServiceIdentityInclude;

type Loaded = Prisma.ServiceIdentityGetPayload<{ include: typeof detailInclude }>;

export function present(identity: Loaded, now: Date) {
  const { enrolments, ...rest } = identity;
  const inputs = { ...identity, hasPendingEnrolment: enrolments.length > 0 };
  return {
    ...rest,
    state: deriveState(inputs, now),
    attentionReason: attentionReason(inputs, now),
    pendingEnrolmentId: enrolments[0]?.id ?? null,
    refreshTokenExpiry: expiryOf(identity),
  };
}

/**
 * Known when the grant recorded it; otherwise estimated from the client's TTL, if given: from the enrolment
 * (absolute lifetime) or from the last refresh (sliding).
 */
function expiryOf(
  identity: Loaded,
): { at: Date; estimated: boolean; lifetime: "absolute" | "sliding"; learned: boolean } | null {
  const lifetime = identity.refreshLifetime;
  const learned = identity.lifetimeLearned;
  if (identity.grant?.refreshTokenExpiresAt)
    return { at: identity.grant.refreshTokenExpiresAt, estimated: false, lifetime, learned };
  if (!identity.grant || !identity.refreshTokenTtlSeconds || !identity.rotatable) return null;
  const from =
    lifetime === "absolute" ? identity.grant.createdAt : (identity.grant.lastRefreshAt ?? identity.grant.createdAt);
  return { at: new Date(from.getTime() + identity.refreshTokenTtlSeconds * 1000), estimated: true, lifetime, learned };
}

export type IdentityView = ReturnType<typeof present>;
