// The first-hour checklist of a team's dashboard: create an identity → enrol it → give a script a key → see the
// script use it. Each step says whether it is done and which identity its button opens. Read from indexed rows (the
// per-state counts, one identity per state, the most recent use), so it costs the same at any team size.
import "server-only";
import { db } from "@/lib/platform/db";

export type GettingStarted = {
  created: boolean;
  /** An identity still to enrol, when none is enrolled yet. */
  toEnrol: { id: string; name: string } | null;
  /** The first enrolled identity, for the key and test steps. */
  enrolled: { id: string; name: string } | null;
  keyed: boolean;
  used: boolean;
};

export async function gettingStarted(teamId: string): Promise<GettingStarted> {
  const pick = { id: true, name: true } as const;
  const [counts, toEnrol, enrolled, key, used] = await Promise.all([
    db().identityStateCount.findMany({ where: { teamId }, select: { n: true } }),
    db().serviceIdentity.findFirst({
      where: { teamId, listState: "not_enrolled" },
      orderBy: { name: "asc" },
      select: pick,
    }),
    db().serviceIdentity.findFirst({ where: { teamId, listState: "active" }, orderBy: { name: "asc" }, select: pick }),
    db().apiKey.findFirst({ where: { revokedAt: null, identity: { teamId } }, select: { id: true } }),
    db().serviceIdentity.findFirst({ where: { teamId, lastUsedAt: { not: null } }, select: { id: true } }),
  ]);
  return {
    created: counts.some((c) => c.n > 0),
    toEnrol: enrolled ? null : toEnrol,
    enrolled,
    keyed: key !== null,
    used: used !== null,
  };
}
