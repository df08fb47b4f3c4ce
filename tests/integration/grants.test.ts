import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { getCurrentUser } from "@/lib/anaplan";
import { getAccessToken } from "@/lib/grants/access-token";
import { openRefreshToken } from "@/lib/grants/seal";
import { createGrant } from "@/lib/grants/store";
import { db } from "@/lib/platform/db";
import { AppError } from "@/lib/platform/errors";
import { setUpTestDatabase } from "../helpers/db.ts";
import { setUpSimulator } from "../helpers/simulator.ts";

await setUpTestDatabase();
const sim = await setUpSimulator();

describe("token custody against the simulator", () => {
  async function grantFor(clientId: string, ttlSeconds: number) {
    await sim.operator.setDefaults({ accessTokenTtlSeconds: ttlSeconds });
    const tokens = await sim.deviceTokens(clientId);
    // Only this first token is short-lived: a refreshed one must outlast the test even on a loaded machine.
    await sim.operator.setDefaults({ accessTokenTtlSeconds: 2100 });
    const id = await createGrant({ kind: "identity", clientId, oauthUrl: sim.simulator.url, tokens });
    return { id, tokens };
  }
  const refreshCalls = async (clientId: string) => (await sim.operator.counters()).token[clientId]?.refresh_token ?? 0;
  const client = () => ({ endpoints: sim.endpoints });

  test("a fresh access token is served from the vault without calling Anaplan", async () => {
    const clientId = sim.simulator.clients.device.id;
    const { id, tokens } = await grantFor(clientId, 2100);
    const before = await refreshCalls(clientId);
    const first = await getAccessToken(id, client());
    assert.equal(first.accessToken, tokens.accessToken);
    assert.equal(await refreshCalls(clientId), before);
  });

  test("an expired access token is refreshed once, the rotated refresh token stored before use", async () => {
    const clientId = sim.simulator.clients.device.id;
    const { id, tokens } = await grantFor(clientId, 1);
    await sleep(1100);
    const before = await refreshCalls(clientId);
    const fresh = await getAccessToken(id, client());
    assert.notEqual(fresh.accessToken, tokens.accessToken);
    assert.equal(await refreshCalls(clientId), before + 1);
    const row = await db().grant.findUniqueOrThrow({ where: { id } });
    assert.equal(row.generation, 1);
    assert.ok(row.refreshToken);
    assert.notEqual(await openRefreshToken(id, row.refreshToken), tokens.refreshToken, "rotatable: a new one");
    const me = await getCurrentUser(sim.endpoints, fresh.accessToken);
    assert.equal(me.email, sim.simulator.users.service.email);
  });

  test("20 concurrent requests for an expired token make exactly one refresh call, and all succeed", async () => {
    const clientId = sim.simulator.clients.device.id;
    const { id } = await grantFor(clientId, 1);
    await sleep(1100);
    const before = await refreshCalls(clientId);
    const results = await Promise.all(Array.from({ length: 20 }, () => getAccessToken(id, client())));
    assert.equal(await refreshCalls(clientId), before + 1);
    assert.equal(new Set(results.map((r) => r.accessToken)).size, 1);
    const row = await db().grant.findUniqueOrThrow({ where: { id } });
    assert.equal(row.generation, 1);
    assert.equal(row.leaseOwner, null);
  });

  test("a Non-Rotatable refresh without refresh_token keeps the stored one, which keeps working", async () => {
    const clientId = sim.simulator.clients.deviceNonRotatable.id;
    const { id, tokens } = await grantFor(clientId, 1);
    for (let round = 1; round <= 2; round++) {
      await db().grant.update({ where: { id }, data: { accessTokenExpiresAt: new Date(Date.now() - 1) } });
      await getAccessToken(id, client());
      const row = await db().grant.findUniqueOrThrow({ where: { id } });
      assert.equal(row.generation, round);
      assert.ok(row.refreshToken);
      assert.equal(await openRefreshToken(id, row.refreshToken), tokens.refreshToken);
    }
  });

  test("a grant revoked at Anaplan becomes 'sign in again', not a crash", async () => {
    const clientId = sim.simulator.clients.device.id;
    const { id } = await grantFor(clientId, 1);
    await sim.operator.revokeGrants({ clientId });
    await sleep(1100);
    await assert.rejects(
      getAccessToken(id, client()),
      (e: unknown) => e instanceof AppError && e.code === "reauthenticate",
    );
    const row = await db().grant.findUniqueOrThrow({ where: { id } });
    assert.equal(row.status, "needs_attention");
    assert.match(row.statusReason ?? "", /no longer accepts/);
    // And it stays that way without calling Anaplan again.
    const before = await refreshCalls(clientId);
    await assert.rejects(getAccessToken(id, client()), AppError);
    assert.equal(await refreshCalls(clientId), before);
  });

  test("Anaplan down: the still-valid cached token is served; an expired one gives a retryable error", async () => {
    const clientId = sim.simulator.clients.device.id;
    const { id, tokens } = await grantFor(clientId, 2100);
    await sim.operator.failNext({ endpoint: "token", count: 1, status: 503 });
    const served = await getAccessToken(id, client(), { forceRefresh: true });
    assert.equal(served.accessToken, tokens.accessToken);
    assert.equal((await db().grant.findUniqueOrThrow({ where: { id } })).failureCount, 1);

    const expired = await grantFor(clientId, 1);
    await sleep(1100);
    await sim.operator.failNext({ endpoint: "token", count: 1, status: 503 });
    await assert.rejects(
      getAccessToken(expired.id, client()),
      (e: unknown) => e instanceof AppError && e.code === "provider_unavailable",
    );
    // Within the backoff nobody calls Anaplan; once it has passed, with Anaplan back, the refresh succeeds.
    await assert.rejects(getAccessToken(expired.id, client()), (e: unknown) => e instanceof AppError);
    await db().grant.update({ where: { id: expired.id }, data: { nextAttemptAt: new Date(Date.now() - 1) } });
    const recovered = await getAccessToken(expired.id, client());
    assert.notEqual(recovered.accessToken, expired.tokens.accessToken);
  });
});
