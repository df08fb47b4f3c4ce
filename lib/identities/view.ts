// How the identity page shows one identity: its stored row plus what is derived from it at read time (state,
// attention reason, refresh-token expiry). Its grant's fields and the state rule come from row.ts, as the list's
// and the broker's do.
import "server-only";
import type { Prisma } from "@/lib/generated/prisma/client";
import { grantSelect, stateOf } from "./row";

export const detailInclude = {
  grant: { select: grantSelect },
  enrolments: { where: { status: "pending" as const }, select: { id: true }, take: 1 },
} satisfies Prisma.ServiceIdentityInclude;

type Loaded = Prisma.ServiceIdentityGetPayload<{ include: typeof detailInclude }>;

export function present(identity: Loaded, now: Date) {
  const { enrolments, ...rest } = identity;
  return {
    ...rest,
    ...stateOf({ ...identity, hasPendingEnrolment: enrolments.length > 0 }, identity.grant, now),
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
