// API keys of an identity: created by a team admin (the key is returned once and never stored), listed by prefix,
// revoked one by one. Several may be live at once, so a script's key can be rotated without downtime.
import "server-only";
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import { getIdentityOrThrow } from "@/lib/identities/load";
import { db } from "@/lib/platform/db";
import { AppError } from "@/lib/platform/errors";
import { displayName } from "@/lib/platform/names";
import { type Actor, requireTeam } from "@/lib/teams/access";
import { generateApiKey, keyPrefixOf } from "./key-format";

const MAX_LIVE_KEYS = 20;
export const KEY_EXPIRY_DAYS = ["", "7", "30", "90", "365", "date"] as const;
const MAX_KEY_DAYS = 2 * 366;
const DAY_MS = 86_400_000;

/** A key's expiry: a number of days from now, a chosen day (its end, UTC), or never (""). */
export const keyFields = z
  .strictObject({
    name: displayName(80, "A name is required, e.g. the script or host that uses it."),
    expiresInDays: z.enum(KEY_EXPIRY_DAYS, "Choose one of the listed expiries.").default(""),
    expiresOn: z.preprocess(
      (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
      z.iso.date("A day as YYYY-MM-DD.").optional(),
    ),
  })
  .transform(({ name, expiresInDays, expiresOn }, ctx) => {
    if (expiresInDays !== "date") {
      return { name, expiresAt: expiresInDays === "" ? null : new Date(Date.now() + Number(expiresInDays) * DAY_MS) };
    }
    const end = expiresOn ? Date.parse(`${expiresOn}T23:59:59.999Z`) : Number.NaN;
    if (!(end > Date.now() && end < Date.now() + MAX_KEY_DAYS * DAY_MS)) {
      ctx.addIssue({ code: "custom", path: ["expiresOn"], message: "Choose a day from tomorrow to two years ahead." });
      return z.NEVER;
    }
    return { name, expiresAt: new Date(end) };
  });

export async function createApiKey(
  actor: Actor,
  teamSlug: string,
  identityId: string,
  fields: z.infer<typeof keyFields>,
) {
  const { team } = await requireTeam(actor, teamSlug, "key.manage");
  const identity = await getIdentityOrThrow(team.id, identityId);
  const live = await db().apiKey.count({
    where: { identityId: identity.id, revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }] },
  });
  if (live >= MAX_LIVE_KEYS) {
    throw new AppError("conflict", `This identity already has ${MAX_LIVE_KEYS} live keys; revoke one first.`);
  }
  const { key, lookupId, secretHash } = generateApiKey();
  const created = await db().apiKey.create({
    data: {
      identityId: identity.id,
      lookupId,
      secretHash: new Uint8Array(secretHash),
      name: fields.name,
      createdById: actor.userId,
      expiresAt: fields.expiresAt,
    },
  });
  await recordAudit({
    action: "key.create",
    outcome: "success",
    actor,
    teamId: team.id,
    targetType: "identity",
    targetId: identity.id,
    details: { keyPrefix: keyPrefixOf(lookupId), name: fields.name, expiresAt: created.expiresAt },
  });
  return { key, prefix: keyPrefixOf(lookupId), identity };
}

export async function listApiKeys(actor: Actor, teamSlug: string, identityId: string) {
  const { team } = await requireTeam(actor, teamSlug, "identity.view");
  const identity = await getIdentityOrThrow(team.id, identityId);
  const keys = await db().apiKey.findMany({
    where: { identityId: identity.id },
    orderBy: [{ revokedAt: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }],
    take: 100,
  });
  const creators = await db().user.findMany({
    where: { id: { in: keys.map((k) => k.createdById).filter((id) => id !== null) } },
    select: { id: true, email: true },
  });
  const now = new Date();
  return keys.map((k) => ({
    id: k.id,
    name: k.name,
    prefix: keyPrefixOf(k.lookupId),
    createdAt: k.createdAt,
    createdBy: creators.find((u) => u.id === k.createdById)?.email ?? null,
    expiresAt: k.expiresAt,
    lastUsedAt: k.lastUsedAt,
    lastUsedIp: k.lastUsedIp,
    /** The gateway policy as stored (lib/gateway/policy.ts reads it); null: unrestricted. */
    policy: k.policy,
    state: k.revokedAt
      ? ("revoked" as const)
      : k.expiresAt && k.expiresAt <= now
        ? ("expired" as const)
        : ("live" as const),
  }));
}

export type ApiKeyView = Awaited<ReturnType<typeof listApiKeys>>[number];

export async function revokeApiKey(actor: Actor, teamSlug: string, identityId: string, keyId: string) {
  const { team } = await requireTeam(actor, teamSlug, "key.manage");
  const identity = await getIdentityOrThrow(team.id, identityId);
  const key = await db().apiKey.findFirst({ where: { id: keyId, identityId: identity.id } });
  if (!key) throw new AppError("not_found", "No such key for this identity.");
  const revoked = await db().apiKey.updateMany({
    where: { id: key.id, revokedAt: null },
    data: { revokedAt: new Date(), revokedById: actor.userId },
  });
  if (revoked.count === 0) throw new AppError("conflict", "This key was already revoked.");
  await recordAudit({
    action: "key.revoke",
    outcome: "success",
    actor,
    teamId: team.id,
    targetType: "identity",
    targetId: identity.id,
    details: { keyPrefix: keyPrefixOf(key.lookupId), name: key.name },
  });
  return keyPrefixOf(key.lookupId);
}
