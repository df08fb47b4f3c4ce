// Every kind of refresh failure, produced by the simulator the way Anaplan (or the network in front of it) would
// produce it, and what the portal makes of it: final failures stop retrying and say why; transient ones back off,
// keep serving a still-valid token, turn "needs attention" only once scripts are failing, and recover by themselves.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { setDefaultTimeoutMs } from "@/lib/anaplan";
import { getAccessToken } from "@/lib/grants/access-token";
import { backoffSeconds } from "@/lib/grants/refresh-failure";
import { grantClientOf } from "@/lib/identities/grant-client";
import { refreshDueIdentityGrants } from "@/lib/identities/keep-alive";
import { listIdentities } from "@/lib/identities/list";
import { getIdentity } from "@/lib/identities/manage";
import { listQuery } from "@/lib/identities/schemas";
import { db } from "@/lib/platform/db";
import { AppError } from "@/lib/platform/errors";
import type { FaultBody } from "@/simulator/control";
import { setUpTestDatabase } from "../helpers/db.ts";
import { setUpSimulator } from "../helpers/simulator.ts";
import { type Actors, enrolledIdentity, setUpTeams } from "../helpers/team.ts";

await setUpTestDatabase();
const sim = await setUpSimulator();

type Row = {
  status: number;
  body: FaultBody;
  error?: string;
  json?: unknown;
  expect: "final" | "final-client" | "transient";
};
const token = { access_token: "a".repeat(40), token_type: "bearer", expires_in: 2100 };

const ROWS: Row[] = [
  { status: 400, body: "oauth", error: "invalid_grant", expect: "final" },
  { status: 400, body: "oauth", error: "invalid_request", expect: "final" },
  { status: 403, body: "oauth", error: "access_denied", expect: "final" },
  { status: 400, body: "oauth", error: "expired_token", expect: "final" },
  { status: 401, body: "oauth", error: "invalid_client", expect: "final-client" },
  { status: 400, body: "oauth", error: "unauthorized_client", expect: "final-client" },
  { status: 401, body: "html", expect: "transient" },
  { status: 403, body: "empty", expect: "transient" },
  { status: 403, body: "text", expect: "transient" },
  { status: 500, body: "oauth", error: "server_error", expect: "transient" },
  { status: 502, body: "html", expect: "transient" },
  { status: 503, body: "oauth", error: "temporarily_unavailable", expect: "transient" },
  { status: 429, body: "text", expect: "transient" },
  { status: 200, body: "close", expect: "transient" },
  // A server that answers, but not with a token response: an unreadable success may follow a rotation, so these
  // are retried, never taken as the end of the grant, and nothing they contain is stored.
  { status: 200, body: "huge", expect: "transient" },
  { status: 200, body: "text", expect: "transient" },
  { status: 200, body: "html", expect: "transient" },
  { status: 200, body: "json", json: { token_type: "bearer", expires_in: 2100 }, expect: "transient" },
  { status: 200, body: "json", json: { ...token, access_token: 12345 }, expect: "transient" },
  { status: 200, body: "json", json: { ...token, expires_in: "2100" }, expect: "transient" },
  { status: 200, body: "json", json: { ...token, expires_in: 10 ** 12 }, expect: "transient" },
  { status: 200, body: "json", json: { ...token, token_type: "mac" }, expect: "transient" },
  { status: 200, body: "json", json: { ...token, refresh_token: "two words\nand a newline" }, expect: "transient" },
  { status: 200, body: "json", json: { ...token, refresh_token: "x".repeat(20_000) }, expect: "transient" },
  { status: 200, body: "json", json: { ...token, refresh_token: ["an", "array"] }, expect: "transient" },
  { status: 200, body: "json", json: [token], expect: "transient" },
];

const isCode = (code: string) => (e: unknown) => e instanceof AppError && e.code === code;
const refreshes = async (clientId: string) => (await sim.operator.counters()).token[clientId]?.refresh_token ?? 0;

describe("refresh failures, classified by what they mean", () => {
  let actors: Actors;
  before(async () => {
    actors = await setUpTeams("rf");
  });

  /** An enrolled identity whose cached access token has just expired, so the next use must refresh. */
  async function expiredIdentity(name: string) {
    const identity = await enrolledIdentity(sim, actors.admin, "rf-a", name);
    await db().grant.update({
      where: { id: identity.grantId },
      data: { accessTokenExpiresAt: new Date(Date.now() - 1) },
    });
    return identity;
  }

  for (const [index, row] of ROWS.entries()) {
    const payload = row.json === undefined ? "" : ` ${JSON.stringify(row.json).slice(0, 60)}`;
    test(`${row.status} ${row.body}${row.error ? ` ${row.error}` : ""}${payload} → ${row.expect}`, async () => {
      const identity = await expiredIdentity(`row-${index}`);
      const sealed = (await db().grant.findUniqueOrThrow({ where: { id: identity.grantId } })).refreshToken;
      await sim.operator.failNext({
        endpoint: "token",
        count: 1,
        status: row.status,
        error: row.error,
        body: row.body,
        json: row.json,
      });
      if (row.expect === "transient") {
        await assert.rejects(getAccessToken(identity.grantId, grantClientOf(identity)), (e: unknown) => {
          assert.ok(isCode("provider_unavailable")(e));
          assert.ok(((e as AppError).retryAfterSeconds ?? 0) >= 1);
          return true;
        });
        const grant = await db().grant.findUniqueOrThrow({ where: { id: identity.grantId } });
        assert.equal(grant.status, "active");
        assert.ok(grant.unreachableSince);
        assert.ok(grant.nextAttemptAt && grant.nextAttemptAt > new Date(), "backs off");
        assert.deepEqual(grant.refreshToken, sealed, "nothing lost, nothing half-written");
        const calls = await refreshes(identity.deviceClientId);
        await assert.rejects(getAccessToken(identity.grantId, grantClientOf(identity)), isCode("provider_unavailable"));
        assert.equal(await refreshes(identity.deviceClientId), calls, "no call to Anaplan during the backoff");
        const shown = (await getIdentity(actors.admin, "rf-a", identity.id)).identity;
        assert.equal(shown.state, "needs_attention", "the cached token is gone: scripts are failing now");
        assert.match(shown.attentionReason ?? "", /has not answered since .* keeps retrying/);
        const listed = await listIdentities(
          actors.admin,
          "rf-a",
          listQuery.parse({ state: "needs_attention", q: shown.name }),
        );
        assert.deepEqual(
          listed.identities.map((i) => i.id),
          [identity.id],
          "the SQL filter agrees",
        );
        // The backoff ends; the worker's next round recovers the identity with no script call.
        await db().grant.update({
          where: { id: identity.grantId },
          data: { nextAttemptAt: new Date(Date.now() - 1), sweepAfter: null },
        });
        await refreshDueIdentityGrants();
        const after = await db().grant.findUniqueOrThrow({ where: { id: identity.grantId } });
        assert.equal(after.unreachableSince, null);
        assert.equal(after.failureCount, 0);
        assert.equal((await getIdentity(actors.admin, "rf-a", identity.id)).identity.state, "active");
      } else {
        await assert.rejects(getAccessToken(identity.grantId, grantClientOf(identity)), isCode("reauthenticate"));
        const grant = await db().grant.findUniqueOrThrow({ where: { id: identity.grantId } });
        assert.equal(grant.status, "needs_attention");
        assert.match(
          grant.statusReason ?? "",
          row.expect === "final-client" ? /OAuth client.*disabled or its secret changed/ : /no longer accepts/,
        );
        const calls = await refreshes(identity.deviceClientId);
        await assert.rejects(getAccessToken(identity.grantId, grantClientOf(identity)), isCode("reauthenticate"));
        assert.equal(await refreshes(identity.deviceClientId), calls, "a final failure is not retried");
      }
    });
  }

  test("a timeout is transient, and a still-valid cached token keeps being served while Anaplan is down", async () => {
    const identity = await enrolledIdentity(sim, actors.admin, "rf-a", "timeout");
    // Due for a refresh (within the margin) but still valid for a while.
    await db().grant.update({
      where: { id: identity.grantId },
      data: { accessTokenExpiresAt: new Date(Date.now() + 60_000), lastRefreshAt: new Date(Date.now() - 30 * 60_000) },
    });
    setDefaultTimeoutMs(300);
    await sim.operator.slowNext({ endpoint: "token", count: 1, ms: 1000 });
    await sim.operator.failNext({ endpoint: "token", count: 1, status: 503 });
    try {
      const served = await getAccessToken(identity.grantId, grantClientOf(identity));
      assert.equal(served.accessToken, identity.tokens.accessToken, "the cached token, not an error");
    } finally {
      setDefaultTimeoutMs(10_000);
    }
    const grant = await db().grant.findUniqueOrThrow({ where: { id: identity.grantId } });
    assert.ok(grant.unreachableSince);
    assert.equal((await getIdentity(actors.admin, "rf-a", identity.id)).identity.state, "active", "scripts still work");
    const stranded = await listIdentities(actors.admin, "rf-a", listQuery.parse({ state: "needs_attention" }));
    assert.ok(!stranded.identities.some((i) => i.id === identity.id), "the SQL filter agrees");
  });

  test("backoff grows exponentially with jitter, capped at five minutes", () => {
    assert.deepEqual(
      [1, 2, 3, 4].map((n) => backoffSeconds(n, 1)),
      [5, 10, 20, 40],
    );
    assert.deepEqual(
      [1, 2, 3].map((n) => backoffSeconds(n, 0)),
      [3, 5, 10],
    );
    assert.equal(backoffSeconds(30, 1), 300);
  });
});
