// A team with an admin, a member and another team's admin, and identities enrolled through the simulator's device
// grant (approved by the service account) without going through the enrolment pages.
import type { TokenSet } from "@/lib/anaplan";
import type { ServiceIdentity } from "@/lib/generated/prisma/client";
import { createGrant } from "@/lib/grants/store";
import { createIdentity } from "@/lib/identities/manage";
import { identityFields } from "@/lib/identities/schemas";
import { db } from "@/lib/platform/db";
import type { Actor } from "@/lib/teams/access";
import type { setUpSimulator } from "./simulator.ts";

export type Actors = Record<"admin" | "member" | "outsider", Actor>;

export async function setUpTeams(prefix: string): Promise<Actors> {
  const a = await db().team.create({ data: { slug: `${prefix}-a`, name: `${prefix} A`, nameSkeleton: `${prefix} a` } });
  const b = await db().team.create({ data: { slug: `${prefix}-b`, name: `${prefix} B`, nameSkeleton: `${prefix} b` } });
  const actors = {} as Actors;
  for (const [key, team, role] of [
    ["admin", a, "admin"],
    ["member", a, "member"],
    ["outsider", b, "admin"],
  ] as const) {
    const user = await db().user.create({
      data: { anaplanUserId: `${prefix}${key}`.padEnd(32, "0"), email: `${prefix}-${key}@x.example`, name: key },
    });
    await db().membership.create({ data: { teamId: team.id, userId: user.id, role } });
    actors[key] = { userId: user.id, isPortalAdmin: false, ip: "192.0.2.10", userAgent: "node-test" };
  }
  return actors;
}

export async function enrolledIdentity(
  sim: Awaited<ReturnType<typeof setUpSimulator>>,
  actor: Actor,
  teamSlug: string,
  name: string,
) {
  const identity = await createIdentity(actor, teamSlug, identityFields.parse({ name }));
  const tokens = await sim.deviceTokens(identity.deviceClientId);
  return { ...identity, grantId: await giveGrant(identity, tokens), tokens };
}

/** `tokens` sealed as `identity`'s grant, as a completed enrolment would leave them; returns the grant's id. */
export async function giveGrant(identity: ServiceIdentity, tokens: TokenSet) {
  const grantId = await createGrant({
    kind: "identity",
    clientId: identity.deviceClientId,
    oauthUrl: identity.oauthUrl,
    tokens,
    refreshTokenTtlSeconds: identity.rotatable ? identity.refreshTokenTtlSeconds : null,
  });
  await db().serviceIdentity.update({ where: { id: identity.id }, data: { grantId } });
  return grantId;
}
