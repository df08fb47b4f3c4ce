// Creating, editing and listing service identities. Every function authorizes the caller against the team
// itself and scopes every query by that team, so another team's identity is simply "not found".
import "server-only";
import { recordAudit } from "@/lib/audit";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { Prisma } from "@/lib/generated/prisma/client";
import { nameSkeleton } from "@/lib/names";
import { type Actor, requireTeam } from "@/lib/teams/access";
import { likeLiteral } from "@/lib/validation";
import { getIdentityOrThrow } from "./load";
import { endpointsForRegion } from "./regions";
import type { IdentityFields, IdentityState } from "./schemas";
import { attentionReason, deriveState, stateWhere } from "./state";

export const PAGE_SIZE = 25;

const conflictOnName = (error: unknown): never => {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
    throw new AppError("conflict", "This team already has an identity with that name, or one that looks the same.", {
      fieldErrors: { name: ["Taken (or looks the same as an existing name)."] },
    });
  }
  throw error;
};

function settingsFrom(fields: IdentityFields) {
  const deviceClientId = fields.deviceClientId ?? env().ANAPLAN_DEVICE_CLIENT_ID;
  if (!deviceClientId) {
    throw new AppError("bad_request", "Give the device-grant client id (no default ANAPLAN_DEVICE_CLIENT_ID is set).");
  }
  return {
    name: fields.name,
    nameSkeleton: nameSkeleton(fields.name),
    description: fields.description,
    deviceClientId,
    ...endpointsForRegion(fields.region),
    rotatable: fields.rotatable,
    refreshTokenTtlSeconds: fields.refreshTokenTtlSeconds ?? null,
    refreshLifetime: fields.refreshLifetime,
    expectedEmail: fields.expectedEmail ?? null,
  };
}

export async function createIdentity(actor: Actor, teamSlug: string, fields: IdentityFields) {
  const { team } = await requireTeam(actor, teamSlug, "identity.create");
  const identity = await db()
    .serviceIdentity.create({
      data: { ...settingsFrom(fields), teamId: team.id, ownerId: actor.userId, createdById: actor.userId },
    })
    .catch(conflictOnName);
  await recordAudit({
    action: "identity.create",
    outcome: "success",
    actor,
    teamId: team.id,
    targetType: "identity",
    targetId: identity.id,
    details: { name: identity.name },
  });
  return identity;
}

export async function updateIdentity(actor: Actor, teamSlug: string, id: string, fields: IdentityFields) {
  const { team } = await requireTeam(actor, teamSlug, "identity.edit");
  const identity = await getIdentityOrThrow(team.id, id);
  await db()
    .serviceIdentity.update({ where: { id: identity.id }, data: settingsFrom(fields) })
    .catch(conflictOnName);
  await recordAudit({
    action: "identity.update",
    outcome: "success",
    actor,
    teamId: team.id,
    targetType: "identity",
    targetId: identity.id,
  });
}

const detailInclude = {
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

function present(identity: Loaded, now: Date) {
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
function expiryOf(identity: Loaded): { at: Date; estimated: boolean; lifetime: "absolute" | "sliding" } | null {
  const lifetime = identity.refreshLifetime;
  if (identity.grant?.refreshTokenExpiresAt)
    return { at: identity.grant.refreshTokenExpiresAt, estimated: false, lifetime };
  if (!identity.grant || !identity.refreshTokenTtlSeconds || !identity.rotatable) return null;
  const from =
    lifetime === "absolute" ? identity.grant.createdAt : (identity.grant.lastRefreshAt ?? identity.grant.createdAt);
  return { at: new Date(from.getTime() + identity.refreshTokenTtlSeconds * 1000), estimated: true, lifetime };
}

export type IdentityView = ReturnType<typeof present>;

export async function getIdentity(actor: Actor, teamSlug: string, id: string) {
  const { team, role } = await requireTeam(actor, teamSlug, "identity.view");
  const { id: found } = await getIdentityOrThrow(team.id, id);
  const identity = await db().serviceIdentity.findUniqueOrThrow({ where: { id: found }, include: detailInclude });
  return { team, role, identity: present(identity, new Date()) };
}

export async function listIdentities(
  actor: Actor,
  teamSlug: string,
  query: { state?: IdentityState; q?: string; page: number },
) {
  const { team, role } = await requireTeam(actor, teamSlug, "identity.view");
  const now = new Date();
  const where: Prisma.ServiceIdentityWhereInput = {
    teamId: team.id,
    ...(query.state ? stateWhere(query.state, now) : {}),
    ...(query.q ? { name: { contains: likeLiteral(query.q), mode: "insensitive" } } : {}),
  };
  const [total, rows] = await Promise.all([
    db().serviceIdentity.count({ where }),
    db().serviceIdentity.findMany({
      where,
      include: detailInclude,
      orderBy: [{ name: "asc" }, { id: "asc" }],
      skip: (query.page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
    }),
  ]);
  return {
    team,
    role,
    total,
    pages: Math.max(1, Math.ceil(total / PAGE_SIZE)),
    identities: rows.map((r) => present(r, now)),
  };
}
