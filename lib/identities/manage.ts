// Creating, editing and reading one service identity. Every function authorizes the caller against the team
// itself and scopes every query by that team, so another team's identity is simply "not found".
import "server-only";
import { recordAudit } from "@/lib/audit";
import { Prisma } from "@/lib/generated/prisma/client";
import { db } from "@/lib/platform/db";
import { env } from "@/lib/platform/env";
import { AppError } from "@/lib/platform/errors";
import { nameSkeleton } from "@/lib/platform/names";
import { type Actor, requireTeam } from "@/lib/teams/access";
import { getIdentityOrThrow } from "./load";
import { endpointsForRegion } from "./regions";
import type { IdentityFields, IdentityKind } from "./schemas";
import { detailInclude, present } from "./view";

const conflictOnName = (error: unknown): never => {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
    throw new AppError("conflict", "This team already has an identity with that name, or one that looks the same.", {
      fieldErrors: { name: ["Taken (or looks the same as an existing name)."] },
    });
  }
  throw error;
};

/** A blank TTL on the portal's own device-grant client is that client's TTL (ANAPLAN_DEVICE_CLIENT_TTL_SECONDS). */
export function ttlFor(deviceClientId: string, rotatable: boolean, given: number | undefined): number | null {
  if (!rotatable) return null;
  const settings = env();
  return (
    given ?? (deviceClientId === settings.ANAPLAN_DEVICE_CLIENT_ID ? settings.ANAPLAN_DEVICE_CLIENT_TTL_SECONDS : null)
  );
}

/**
 * The identity row's settings that `fields` (a parsed form) stand for, for an identity of `kind`. A certificate
 * identity has no OAuth client (its device client id is empty) and needs the account's email: its CSR carries it.
 */
export function settingsFrom(fields: IdentityFields, kind: IdentityKind) {
  if (kind === "certificate") {
    if (!fields.expectedEmail) {
      throw new AppError("bad_request", "A certificate identity needs the service account's email.", {
        fieldErrors: { expectedEmail: ["Required for a certificate identity: its certificate carries this email."] },
      });
    }
    return {
      ...commonSettings(fields),
      deviceClientId: "",
      rotatable: false,
      refreshTokenTtlSeconds: null,
    };
  }
  const deviceClientId = fields.deviceClientId ?? env().ANAPLAN_DEVICE_CLIENT_ID;
  if (!deviceClientId) {
    throw new AppError("bad_request", "Give the device-grant client id (no default ANAPLAN_DEVICE_CLIENT_ID is set).");
  }
  return {
    ...commonSettings(fields),
    deviceClientId,
    rotatable: fields.rotatable,
    refreshTokenTtlSeconds: ttlFor(deviceClientId, fields.rotatable, fields.refreshTokenTtlSeconds),
  };
}

function commonSettings(fields: IdentityFields) {
  return {
    name: fields.name,
    nameSkeleton: nameSkeleton(fields.name),
    description: fields.description,
    ...endpointsForRegion(fields.region),
    expectedEmail: fields.expectedEmail ?? null,
    certificateFormat: fields.certificateFormat,
  };
}

export async function createIdentity(actor: Actor, teamSlug: string, fields: IdentityFields) {
  const { team } = await requireTeam(actor, teamSlug, "identity.create");
  const identity = await db()
    .serviceIdentity.create({
      data: {
        ...settingsFrom(fields, fields.kind),
        kind: fields.kind,
        teamId: team.id,
        ownerId: actor.userId,
        createdById: actor.userId,
      },
    })
    .catch(conflictOnName);
  await recordAudit({
    action: "identity.create",
    outcome: "success",
    actor,
    teamId: team.id,
    targetType: "identity",
    targetId: identity.id,
    details: { name: identity.name, kind: identity.kind },
  });
  return identity;
}

export async function updateIdentity(actor: Actor, teamSlug: string, id: string, fields: IdentityFields) {
  const { team } = await requireTeam(actor, teamSlug, "identity.edit");
  const identity = await getIdentityOrThrow(team.id, id);
  await db()
    .serviceIdentity.update({ where: { id: identity.id }, data: settingsFrom(fields, identity.kind) })
    .catch(conflictOnName);
  await recordAudit({
    action: "identity.update",
    outcome: "success",
    actor,
    teamId: team.id,
    targetType: "identity",
    targetId: identity.id,
    // The name as of now, so the trail can name the identity after it is deleted.
    details: { name: fields.name },
  });
}

export async function getIdentity(actor: Actor, teamSlug: string, id: string) {
  const { team, role } = await requireTeam(actor, teamSlug, "identity.view");
  const { id: found } = await getIdentityOrThrow(team.id, id);
  const identity = await db().serviceIdentity.findUniqueOrThrow({ where: { id: found }, include: detailInclude });
  return { team, role, identity: present(identity, new Date()) };
}
