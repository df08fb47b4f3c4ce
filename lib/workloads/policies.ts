// An identity's trusted workloads: added and removed by team admins (audited), listed on its page. Every function
// authorizes the caller against the team and scopes by it, so another team's policy is simply "not found".
import "server-only";
import { randomUUID } from "node:crypto";
import { recordAudit } from "@/lib/audit";
import { Prisma } from "@/lib/generated/prisma/client";
import { getIdentityOrThrow } from "@/lib/identities/load";
import { db } from "@/lib/platform/db";
import { portalUrl } from "@/lib/platform/env";
import { AppError } from "@/lib/platform/errors";
import { type Actor, requireTeam } from "@/lib/teams/access";
import { issuerRefusal } from "./keys";
import type { PolicyFields } from "./schemas";

/** The audience a policy expects when the admin gives none: the portal's own URL. */
export const defaultAudience = () => portalUrl();

export async function addPolicy(actor: Actor, teamSlug: string, identityId: string, fields: PolicyFields) {
  const { team } = await requireTeam(actor, teamSlug, "workload.manage");
  const identity = await getIdentityOrThrow(team.id, identityId);
  // A pasted JWKS is never fetched: its issuer is only compared, so it need not be reachable.
  const refusal = fields.jwks ? undefined : issuerRefusal(fields.issuer);
  if (refusal) throw new AppError("bad_request", refusal, { fieldErrors: { issuer: [refusal] } });
  const policy = await db()
    .workloadPolicy.create({
      data: {
        id: randomUUID(),
        identityId: identity.id,
        name: fields.name,
        preset: fields.preset,
        issuer: fields.issuer,
        audience: fields.audience ?? defaultAudience(),
        conditions: fields.conditions,
        jwks: fields.jwks ? (fields.jwks as Prisma.InputJsonObject) : Prisma.DbNull,
        oneTimeJti: fields.oneTimeJti,
        maxTokenAgeSeconds: fields.maxTokenAgeMinutes * 60,
        createdById: actor.userId,
      },
    })
    .catch((error: unknown) => {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
        throw new AppError("conflict", "This identity already trusts a workload of that name.", {
          fieldErrors: { name: ["Taken on this identity."] },
        });
      }
      throw error;
    });
  await recordAudit({
    action: "workload.trust",
    outcome: "success",
    actor,
    teamId: team.id,
    targetType: "identity",
    targetId: identity.id,
    details: { policy: policy.name, issuer: policy.issuer, audience: policy.audience, conditions: fields.conditions },
  });
  return policy;
}

export async function removePolicy(actor: Actor, teamSlug: string, identityId: string, policyId: string) {
  const { team } = await requireTeam(actor, teamSlug, "workload.manage");
  const identity = await getIdentityOrThrow(team.id, identityId);
  const [removed] = await db().$queryRaw<{ name: string; issuer: string }[]>`
    DELETE FROM workload_policies WHERE id = ${policyId}::uuid AND identity_id = ${identity.id}::uuid
    RETURNING name, issuer`;
  if (!removed) throw new AppError("not_found", "No such trusted workload on this identity.");
  await recordAudit({
    action: "workload.untrust",
    outcome: "success",
    actor,
    teamId: team.id,
    targetType: "identity",
    targetId: identity.id,
    details: { policy: removed.name, issuer: removed.issuer },
  });
  return removed.name;
}

export async function listPolicies(actor: Actor, teamSlug: string, identityId: string) {
  const { team } = await requireTeam(actor, teamSlug, "identity.view");
  const identity = await getIdentityOrThrow(team.id, identityId);
  return db().workloadPolicy.findMany({
    where: { identityId: identity.id },
    select: {
      id: true,
      name: true,
      preset: true,
      issuer: true,
      audience: true,
      conditions: true,
      oneTimeJti: true,
      maxTokenAgeSeconds: true,
      createdAt: true,
      lastUsedAt: true,
      jwks: true,
      accessPolicy: true,
    },
    orderBy: { createdAt: "asc" },
  });
}
