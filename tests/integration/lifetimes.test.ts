// Absolute versus sliding refresh-token lifetimes, against a simulator that does each: the portal assumes absolute
// (said as an assumption) until the client's own tokens show which, learns it — a refusal at the first deadline
// proves absolute, a refresh after it proves sliding — and then forecasts right in both modes.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { getAccessToken } from "@/lib/grants/access-token";
import { grantClientOf } from "@/lib/identities/grant-client";
import { getIdentity, updateIdentity } from "@/lib/identities/manage";
import { identityFields } from "@/lib/identities/schemas";
import { db } from "@/lib/platform/db";
import { AppError } from "@/lib/platform/errors";
import { setUpTestDatabase } from "../helpers/db.ts";
import { setUpSimulator } from "../helpers/simulator.ts";
import { type Actors, enrolledIdentity, setUpTeams } from "../helpers/team.ts";

await setUpTestDatabase();
const sim = await setUpSimulator();
const TTL = 4;

describe("refresh-token lifetimes", () => {
  let actors: Actors;
  before(async () => {
    actors = await setUpTeams("life");
    // The form refuses TTLs under a minute; the simulator's clients and these identities use seconds.
    await sim.operator.setClient(sim.simulator.clients.device.id, { refreshTokenTtlSeconds: TTL });
  });

  async function identityWith(name: string, lifetime: "absolute" | "sliding") {
    // Each test starts from a client the portal knows nothing about.
    await db().oauthClientLifetime.deleteMany();
    await sim.operator.setClient(sim.simulator.clients.device.id, { lifetime });
    const created = await enrolledIdentity(sim, actors.admin, "life-a", name);
    await db().serviceIdentity.update({ where: { id: created.id }, data: { refreshTokenTtlSeconds: TTL } });
    await db().grant.update({
      where: { id: created.grantId },
      data: { refreshTokenExpiresAt: new Date(Date.now() + TTL * 1000) },
    });
    return db().serviceIdentity.findUniqueOrThrow({ where: { id: created.id }, include: { grant: true } });
  }
  const forecast = async (id: string) => (await getIdentity(actors.admin, "life-a", id)).identity.refreshTokenExpiry;
  const refresh = (identity: Awaited<ReturnType<typeof identityWith>>) =>
    getAccessToken(identity.grantId ?? "", grantClientOf(identity), { forceRefresh: true });

  test("absolute: refreshing does not move the deadline, and the chain ends exactly there", async () => {
    const identity = await identityWith("absolute-chain", "absolute");
    const chainStart = identity.grant?.createdAt ?? new Date(0);
    const deadline = chainStart.getTime() + TTL * 1000;
    await sleep(1500);
    await refresh(identity);
    const after = await forecast(identity.id);
    assert.equal(after?.lifetime, "absolute");
    assert.equal(after?.learned, false, "absolute is only assumed so far");
    assert.ok(Math.abs((after?.at.getTime() ?? 0) - deadline) < 50, "the deadline stays at chain start + TTL");
    const shown = (await getIdentity(actors.admin, "life-a", identity.id)).identity;
    assert.equal(shown.state, "active");
    // Just before the deadline the chain still refreshes; just after it, it is over — where the portal said.
    await sleep(Math.max(0, deadline - Date.now() - 1200));
    await refresh(identity);
    await sleep(Math.max(0, deadline - Date.now() + 300));
    assert.equal((await getIdentity(actors.admin, "life-a", identity.id)).identity.state, "expired");
    await assert.rejects(refresh(identity), (e: unknown) => e instanceof AppError && e.code === "reauthenticate");
    // Refused at its first deadline while a sliding chain would still live: the client is absolute, and says so.
    const learned = await db().oauthClientLifetime.findFirstOrThrow();
    assert.equal(learned.lifetime, "absolute");
    assert.equal((await forecast(identity.id))?.learned, true);
    const next = await enrolledIdentity(sim, actors.admin, "life-a", "absolute-next");
    assert.equal((await forecast(next.id))?.learned, true, "a new identity of the client knows it from the start");
  });

  test("sliding: each refresh starts a new TTL, and the chain lives past the first deadline", async () => {
    const identity = await identityWith("sliding-chain", "sliding");
    const firstDeadline = (identity.grant?.createdAt.getTime() ?? 0) + TTL * 1000;
    await sleep(2000);
    await refresh(identity);
    assert.deepEqual(
      [(await forecast(identity.id))?.lifetime, (await forecast(identity.id))?.learned],
      ["absolute", false],
      "before the first deadline nothing is proven: absolute is assumed",
    );
    await sleep(Math.max(0, firstDeadline - Date.now() + 1000));
    await refresh(identity);
    assert.equal((await getIdentity(actors.admin, "life-a", identity.id)).identity.state, "active");
    // A refresh that worked after the first deadline proves sliding, and the deadline moves with each refresh.
    const moved = await forecast(identity.id);
    assert.equal(moved?.lifetime, "sliding");
    assert.equal(moved?.learned, true);
    assert.ok((moved?.at.getTime() ?? 0) > firstDeadline + 2000, "the deadline moved with the refresh");
    assert.match((await db().oauthClientLifetime.findFirstOrThrow()).evidence, /after its chain's first deadline/);
  });
});

describe("a grant is refreshed only where it was issued", () => {
  test("moving an identity to another region does not send its refresh token to the new region's host", async () => {
    const actors = await setUpTeams("region");
    const identity = await enrolledIdentity(sim, actors.admin, "region-a", "moved");
    await updateIdentity(actors.admin, "region-a", identity.id, identityFields.parse({ name: "moved", region: "eu3" }));
    const moved = await db().serviceIdentity.findUniqueOrThrow({ where: { id: identity.id } });
    assert.match(moved.oauthUrl, /eu3\.app\.anaplan\.com/);
    const before = (await sim.operator.counters()).token[moved.deviceClientId]?.refresh_token ?? 0;
    await getAccessToken(identity.grantId, grantClientOf(moved), { forceRefresh: true });
    assert.equal((await sim.operator.counters()).token[moved.deviceClientId]?.refresh_token, before + 1);
  });
});
