// The health sweep against the simulator: each due grant is refreshed once however many sweeps run at once, the
// per-host call budget holds, a grant that needs no refresh is validated and a revoked one found, and an idle
// rotatable identity outlives several refresh-token TTLs with no script asking for a token.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { getAccessToken } from "@/lib/grants/access-token";
import { grantClientOf } from "@/lib/identities/grant-client";
import { refreshDueIdentityGrants } from "@/lib/identities/keep-alive";
import { db } from "@/lib/platform/db";
import { publishEnv } from "@/lib/platform/env";
import { setUpTestDatabase } from "../helpers/db.ts";
import { setUpSimulator } from "../helpers/simulator.ts";
import { type Actors, enrolledIdentity, setUpTeams } from "../helpers/team.ts";

await setUpTestDatabase();
const sim = await setUpSimulator();

const device = () => sim.simulator.clients.device.id;
const refreshes = async () => (await sim.operator.counters()).token[device()]?.refresh_token ?? 0;
const validations = async () => (await sim.operator.counters()).validate;
/** Every grant checked just now and none due: the next test decides which are due. */
const settle = () =>
  db().grant.updateMany({
    data: {
      sweepAfter: new Date(Date.now() + 3600_000),
      lastRefreshAt: new Date(),
      nextAttemptAt: null,
    },
  });
const makeDue = (grantIds: string[]) =>
  db().grant.updateMany({
    where: { id: { in: grantIds } },
    data: { lastRefreshAt: new Date(Date.now() - 7 * 3600_000), sweepAfter: null },
  });
/** The per-host budget counts calendar minutes: start early in one so a test cannot straddle two. */
async function earlyInAMinute() {
  const second = new Date().getUTCSeconds();
  if (second > 40) await sleep((61 - second) * 1000);
}

describe("health sweep", () => {
  let actors: Actors;
  const grants: string[] = [];

  before(async () => {
    actors = await setUpTeams("sweep");
    for (let i = 0; i < 12; i++) grants.push((await enrolledIdentity(sim, actors.admin, "sweep-a", `s-${i}`)).grantId);
  });

  test("two sweeps at once refresh each due grant exactly once", async () => {
    await settle();
    await makeDue(grants);
    const before = await refreshes();
    const handled = await Promise.all([refreshDueIdentityGrants(), refreshDueIdentityGrants()]);
    assert.equal(handled[0] + handled[1], 12, "each grant claimed by one sweep");
    assert.equal(await refreshes(), before + 12);
    const rows = await db().grant.findMany({ where: { id: { in: grants } } });
    assert.ok(rows.every((g) => g.generation === 1 && g.status === "active"));
  });

  test("the per-host call budget holds; what it leaves is handed back for the next round", async () => {
    await settle();
    await makeDue(grants);
    await earlyInAMinute();
    // A fresh budget for this minute: the sweeps above spent some of it.
    await db().rateLimitCounter.deleteMany({ where: { bucket: { startsWith: "anaplan:" } } });
    publishEnv({ ANAPLAN_CALLS_PER_MINUTE: "4" });
    try {
      const before = await refreshes();
      assert.equal(await refreshDueIdentityGrants(), 4);
      assert.equal(await refreshes(), before + 4);
      assert.equal(await db().grant.count({ where: { id: { in: grants }, sweepAfter: null } }), 8, "handed back");
      assert.equal(await refreshDueIdentityGrants(), 0, "the budget for this minute is spent");
    } finally {
      publishEnv({ ANAPLAN_CALLS_PER_MINUTE: "300" });
    }
  });

  test("a grant that needs no refresh is validated; one revoked at Anaplan is found in the same sweep", async () => {
    await settle();
    const checked = await enrolledIdentity(sim, actors.admin, "sweep-a", "checked");
    await db().grant.update({ where: { id: checked.grantId }, data: { sweepAfter: null, lastRefreshAt: new Date() } });
    const [validatedBefore, refreshedBefore] = [await validations(), await refreshes()];
    assert.equal(await refreshDueIdentityGrants(), 1);
    assert.equal(await validations(), validatedBefore + 1, "its cached access token was validated");
    assert.equal(await refreshes(), refreshedBefore, "and not refreshed");

    await sim.operator.revokeGrants({ user: "service", clientId: device() });
    await settle();
    await db().grant.update({ where: { id: checked.grantId }, data: { sweepAfter: null } });
    await refreshDueIdentityGrants();
    const grant = await db().grant.findUniqueOrThrow({ where: { id: checked.grantId } });
    assert.equal(grant.status, "needs_attention", "refused at validation, then refused at refresh: final");
  });

  test("an idle rotatable identity outlives several refresh-token TTLs with no script call", async () => {
    await sim.operator.setClient(device(), { rotatable: true, refreshTokenTtlSeconds: 6, lifetime: "sliding" });
    try {
      const idle = await enrolledIdentity(sim, actors.admin, "sweep-a", "idle");
      // A sliding chain, as the simulator's client is set: each refresh starts a new 6-second life.
      await db().serviceIdentity.update({
        where: { id: idle.id },
        data: { refreshTokenTtlSeconds: 6, refreshLifetime: "sliding" },
      });
      const identity = await db().serviceIdentity.findUniqueOrThrow({ where: { id: idle.id } });
      // The first refresh swaps the enrolment's long-lived token for one of the short TTL.
      await getAccessToken(idle.grantId, grantClientOf(identity), { forceRefresh: true });
      const before = await refreshes();
      // 20 s is more than three TTLs. The sweep runs often, so a loaded machine still refreshes well inside each
      // TTL (due at half of it, ±10%).
      for (const end = Date.now() + 20_000; Date.now() < end; ) {
        await db().grant.update({ where: { id: idle.grantId }, data: { sweepAfter: null } });
        await refreshDueIdentityGrants();
        await sleep(300);
      }
      assert.ok((await refreshes()) - before >= 3, "refreshed at about half of each TTL");
      const grant = await db().grant.findUniqueOrThrow({ where: { id: idle.grantId } });
      assert.equal(grant.status, "active");
      // The stored refresh token is still alive: a refresh now succeeds (it would be refused after 6 idle seconds).
      const token = await getAccessToken(idle.grantId, grantClientOf(identity), { forceRefresh: true });
      assert.ok(token.accessToken);
    } finally {
      await sim.operator.setClient(device(), { refreshTokenTtlSeconds: 43_000 });
    }
  });
});
