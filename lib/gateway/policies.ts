// Setting a key's gateway policy (a team admin's act, audited), and what the editor offers to choose from: the
// models the identity's own account can see, and one chosen model's imports, exports, processes, actions and files.
import "server-only";
import { z } from "zod";
import { type AnaplanModel, listModelObjects, listModels, type ModelObjects } from "@/lib/anaplan/integration";
import { recordAudit } from "@/lib/audit";
import { accessTokenFor, assertServable, type Servable } from "@/lib/broker/issue";
import { keyPrefixOf } from "@/lib/broker/key-format";
import { Prisma } from "@/lib/generated/prisma/client";
import { endpointsOf } from "@/lib/identities/grant-client";
import { getIdentityOrThrow } from "@/lib/identities/load";
import { IDENTITY_ROW_SQL } from "@/lib/identities/row";
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

async function liveKey(identityId: string, keyId: string) {
  const parsed = z.uuid().safeParse(keyId);
  const key = parsed.success
    ? await db().apiKey.findFirst({ where: { id: parsed.data, identityId, revokedAt: null } })
    : null;
  if (!key) throw new AppError("not_found", "No such live key for this identity.");
  return key;
}

/** The key the editor is for: its name, prefix and policy, if it is live. */
export async function keyForPolicy(actor: Actor, teamSlug: string, identityId: string, keyId: string) {
  const { team } = await requireTeam(actor, teamSlug, "key.manage");
  const identity = await getIdentityOrThrow(team.id, identityId);
  const key = await liveKey(identity.id, keyId);
  return {
    identity: { id: identity.id, name: identity.name },
    key: { id: key.id, name: key.name, prefix: keyPrefixOf(key.lookupId), policy: storedPolicy(key.policy) },
  };
}

export async function setKeyPolicy(
  actor: Actor,
  teamSlug: string,
  identityId: string,
  keyId: string,
  policy: AccessPolicy | null,
) {
  const { team } = await requireTeam(actor, teamSlug, "key.manage");
  const identity = await getIdentityOrThrow(team.id, identityId);
  const key = await liveKey(identity.id, keyId);
  await db().apiKey.update({ where: { id: key.id }, data: { policy: policy ?? Prisma.DbNull } });
  await recordAudit({
    action: "key.policy",
    outcome: "success",
    actor,
    teamId: team.id,
    targetType: "identity",
    targetId: identity.id,
    details: { keyPrefix: keyPrefixOf(key.lookupId), policy: policy ? describePolicy(policy) : "unrestricted" },
  });
  return { prefix: keyPrefixOf(key.lookupId), restricted: policy !== null };
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
