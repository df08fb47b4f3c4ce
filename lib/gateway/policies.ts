// Setting the gateway limits of a key or a trusted workload (a team admin's act, audited), and what the editor offers
// to choose from: the models the identity's own account can see, and one model's imports, exports, processes,
// actions and files.
import "server-only";
import { z } from "zod";
import { type AnaplanModel, listModelObjects, listModels, type ModelObjects } from "@/lib/anaplan/integration";
import { recordAudit } from "@/lib/audit";
import type { AuditAction } from "@/lib/audit/vocabulary";
import { accessTokenFor, assertServable, type Servable } from "@/lib/broker/issue";
import { keyPrefixOf } from "@/lib/broker/key-format";
import { Prisma } from "@/lib/generated/prisma/client";
import { endpointsOf } from "@/lib/identities/grant-client";
import { getIdentityOrThrow } from "@/lib/identities/load";
import { IDENTITY_ROW_SQL } from "@/lib/identities/row";
import type { Permission } from "@/lib/permissions";
import { db, preparedQuery } from "@/lib/platform/db";
import { AppError } from "@/lib/platform/errors";
import { type Actor, requireTeam } from "@/lib/teams/access";
import { type AccessPolicy, accessPolicy, describePolicy, storedPolicy } from "./policy";

const checked = (values: Record<string, string>, prefix: string) =>
  Object.keys(values)
    .filter((name) => name.startsWith(prefix) && values[name] === "on")
    .map((name) => name.slice(prefix.length));

/**
 * The editor's form: `restricted` on or off, a checkbox per model (`model:<id>`) and per workspace
 * (`workspace:<id>`), one per listed object (`object:<id>`), model and object ids typed in `moreModels` and
 * `moreObjects` (when Anaplan's lists cannot be read, or for ids not listed), `readOnly`.
 */
export const policyForm = z
  .record(z.string().max(200), z.string().max(4000))
  .transform((values, ctx): AccessPolicy | null => {
    if (values.restricted !== "on") return null;
    const typed = (name: string) => (values[name] ?? "").split(/[\s,]+/).filter(Boolean);
    const parsed = accessPolicy.safeParse({
      workspaces: checked(values, "workspace:"),
      models: [...new Set([...checked(values, "model:"), ...typed("moreModels")])],
      readOnly: values.readOnly === "on",
      objects: [...new Set([...checked(values, "object:"), ...typed("moreObjects")])],
    });
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) {
      const field = { objects: "moreObjects", models: "moreModels" }[String(issue.path[0])] ?? "restricted";
      ctx.addIssue({ code: "custom", path: [field], message: issue.message });
    }
    return z.NEVER;
  });

/** Who may carry limits: an API key (while it is live), or a trusted-workload policy. */
export type HolderKind = "key" | "workload";

type Holder = { id: string; name: string; label: string; policy: AccessPolicy | null; audit: Record<string, string> };

const HOLDERS = {
  key: {
    permission: "key.manage",
    action: "key.policy",
    missing: "No such live key for this identity.",
    async find(identityId: string, id: string): Promise<Holder | null> {
      const key = await db().apiKey.findFirst({ where: { id, identityId, revokedAt: null } });
      const prefix = key ? keyPrefixOf(key.lookupId) : "";
      return (
        key && {
          id,
          name: key.name,
          label: `${prefix}_…`,
          policy: storedPolicy(key.policy),
          audit: { keyPrefix: prefix },
        }
      );
    },
    save: (id: string, policy: AccessPolicy | null) =>
      db().apiKey.update({ where: { id }, data: { policy: policy ?? Prisma.DbNull } }),
  },
  workload: {
    permission: "workload.manage",
    action: "workload.limits",
    missing: "No such trusted workload for this identity.",
    async find(identityId: string, id: string): Promise<Holder | null> {
      const workload = await db().workloadPolicy.findFirst({ where: { id, identityId } });
      return (
        workload && {
          id,
          name: workload.name,
          label: workload.issuer,
          policy: storedPolicy(workload.accessPolicy),
          audit: { workload: workload.name },
        }
      );
    },
    save: (id: string, policy: AccessPolicy | null) =>
      db().workloadPolicy.update({ where: { id }, data: { accessPolicy: policy ?? Prisma.DbNull } }),
  },
} as const satisfies Record<
  HolderKind,
  {
    permission: Permission;
    action: AuditAction;
    missing: string;
    find(identityId: string, id: string): Promise<Holder | null>;
    save(id: string, policy: AccessPolicy | null): Promise<unknown>;
  }
>;

async function holderOf(actor: Actor, teamSlug: string, identityId: string, kind: HolderKind, holderId: string) {
  const { team } = await requireTeam(actor, teamSlug, HOLDERS[kind].permission);
  const identity = await getIdentityOrThrow(team.id, identityId);
  const parsed = z.uuid().safeParse(holderId);
  const holder = parsed.success ? await HOLDERS[kind].find(identity.id, parsed.data) : null;
  if (!holder) throw new AppError("not_found", HOLDERS[kind].missing);
  return { team, identity, holder };
}

/** The key or trusted workload the limits page is for, with its limits. */
export async function limitsHolder(actor: Actor, teamSlug: string, identityId: string, kind: HolderKind, id: string) {
  const { identity, holder } = await holderOf(actor, teamSlug, identityId, kind, id);
  return { identity: { id: identity.id, name: identity.name }, holder };
}

/** Restricts a key or a trusted workload to the gateway within `policy`, or (null) lifts its limits; audited. */
export async function setLimits(
  actor: Actor,
  teamSlug: string,
  identityId: string,
  kind: HolderKind,
  holderId: string,
  policy: AccessPolicy | null,
) {
  const { team, identity, holder } = await holderOf(actor, teamSlug, identityId, kind, holderId);
  await HOLDERS[kind].save(holder.id, policy);
  await recordAudit({
    action: HOLDERS[kind].action,
    outcome: "success",
    actor,
    teamId: team.id,
    targetType: "identity",
    targetId: identity.id,
    details: { ...holder.audit, policy: policy ? describePolicy(policy) : "unrestricted" },
  });
  return { label: holder.label, name: holder.name, restricted: policy !== null };
}

const SERVABLE_SQL = `
  SELECT ${IDENTITY_ROW_SQL}, g.access_token AS "accessToken", g.generation
  FROM service_identities si LEFT JOIN grants g ON g.id = si.grant_id WHERE si.id = $1::uuid`;

export type PolicyChoices =
  | { ok: true; models: AnaplanModel[]; inspected: (AnaplanModel & { objects: ModelObjects }) | null }
  | { ok: false; reason: string };

/** What the editor lists, read with the identity's token; a failure is a sentence, and the ids can still be typed. */
export async function policyChoices(
  actor: Actor,
  teamSlug: string,
  identityId: string,
  inspectModelId: string | undefined,
): Promise<PolicyChoices> {
  const { team } = await requireTeam(actor, teamSlug, "key.manage");
  const identity = await getIdentityOrThrow(team.id, identityId);
  const [row] = await preparedQuery<Servable>("gateway_choices_identity", SERVABLE_SQL, [identity.id]);
  try {
    if (!row) throw new AppError("not_found", "No such identity.");
    assertServable(row);
    const token = await accessTokenFor(row, 60);
    const endpoints = endpointsOf(row);
    const models = await listModels(endpoints, token.accessToken);
    const chosen = models.find((m) => m.id === inspectModelId);
    const objects = chosen ? await listModelObjects(endpoints, token.accessToken, chosen) : null;
    return { ok: true, models, inspected: chosen && objects ? { ...chosen, objects } : null };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { ok: false, reason: `The lists could not be read from Anaplan: ${error.userMessage}` };
  }
}
