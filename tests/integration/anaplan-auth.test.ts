// The Anaplan-compatible auth service through its real route handlers, against a real Postgres and the simulator.
// Each request is the one Anaplan Connect's auth client sends (anaplan-java-client, AnaplanAuthenticationAPI:
// Feign + OkHttp, `Content-Type: application/json` on every call, `AUTHORIZATION: Basic …` or
// `AUTHORIZATION: AnaplanAuthToken {token}`, X-AConnect-Client, no body), on the base URL given as `-auth`.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { POST as authenticateRoute } from "@/app/anaplan-auth/token/authenticate/route";
import { POST as logoutRoute } from "@/app/anaplan-auth/token/logout/route";
import { POST as refreshRoute } from "@/app/anaplan-auth/token/refresh/route";
import { GET as validateRoute } from "@/app/anaplan-auth/token/validate/route";
import { getCurrentUser } from "@/lib/anaplan";
import { createApiKey, keyFields, revokeApiKey } from "@/lib/broker/keys";
import { revokeIdentityTokens, setIdentityActive } from "@/lib/identities/lifecycle";
import { db } from "@/lib/platform/db";
import { publishEnv } from "@/lib/platform/env";
import { USERS } from "@/simulator/accounts";
import { setUpTestDatabase } from "../helpers/db.ts";
import { dumpDatabase } from "../helpers/dump.ts";
import { setUpSimulator } from "../helpers/simulator.ts";
import { type Actors, enrolledIdentity, setUpTeams } from "../helpers/team.ts";

const dbUrl = await setUpTestDatabase();
const sim = await setUpSimulator();
publishEnv({ BROKER_RATE_LIMIT_PER_MINUTE: "100000" });

const AUTH = "http://portal.test/anaplan-auth";
const ROUTES = {
  authenticate: authenticateRoute,
  refresh: refreshRoute,
  validate: validateRoute,
  logout: logoutRoute,
};
type Call = keyof typeof ROUTES;
type TokenInfo = { expiresAt: number; tokenId: string; tokenValue: string; refreshTokenId: string };
type Body = { status?: string; statusMessage?: string; tokenInfo: TokenInfo; [field: string]: unknown };
type Answer = { status: number; headers: Headers; body: Body | null };

/** One call exactly as Anaplan Connect makes it. */
async function anaplanConnect(
  call: Call,
  authorization: string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await ROUTES[call](
    new Request(`${AUTH}/token/${call}`, {
      method: call === "validate" ? "GET" : "POST",
      headers: {
        "Content-Type": "application/json",
        AUTHORIZATION: authorization,
        "X-AConnect-Client": "Anaplan_Connect_4.3.1",
        "User-Agent": "okhttp/4.12.0",
        "Accept-Encoding": "gzip",
        ...(call === "validate" ? {} : { "Content-Length": "0" }),
        "x-portal-peer-address": "198.51.100.9",
        ...headers,
      },
    }),
  );
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
const bearerOf = (token: string) => `AnaplanAuthToken ${token}`;
const refreshCount = async (clientId: string) => (await sim.operator.counters()).token[clientId]?.refresh_token ?? 0;

describe("the Anaplan-compatible auth service", () => {
  let actors: Actors;
  let identity: Awaited<ReturnType<typeof enrolledIdentity>>;
  let key: string;

  before(async () => {
    actors = await setUpTeams("acauth");
    identity = await enrolledIdentity(sim, actors.admin, "acauth-a", "connect-nightly");
    // What a completed enrolment records about who approved it (the service account).
    await db().serviceIdentity.update({
      where: { id: identity.id },
      data: {
        approvedByAnaplanId: USERS.service.id,
        approvedByEmail: USERS.service.email,
        approvedByCustomerId: USERS.service.customerId,
      },
    });
    key = (await createApiKey(actors.admin, "acauth-a", identity.id, keyFields.parse({ name: "batch host" }))).key;
  });

  /** Anaplan Connect's login with the key as the password, as user `user`: its token. */
  async function login(user: string): Promise<TokenInfo> {
    const answer = await anaplanConnect("authenticate", basic(user, key));
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    return answer.body?.tokenInfo as TokenInfo;
  }

  test("authenticate: the key as the password gets Anaplan's 201 and shape, and a token that works at Anaplan", async () => {
    const answer = await anaplanConnect("authenticate", basic("batch-host-7", key));
    assert.equal(answer.status, 201);
    assert.equal(answer.headers.get("cache-control"), "no-store");
    const { tokenInfo, ...rest } = answer.body as Body;
    assert.deepEqual(rest, {
      meta: { validationUrl: "http://localhost:3000/anaplan-auth/token/validate" },
      status: "SUCCESS",
      statusMessage: "Login successful",
    });
    assert.deepEqual(Object.keys(tokenInfo).sort(), ["expiresAt", "refreshTokenId", "tokenId", "tokenValue"]);
    assert.equal(typeof tokenInfo.expiresAt, "number");
    assert.ok(tokenInfo.expiresAt > Date.now() + 30 * 60_000, "an epoch in milliseconds, about 35 minutes ahead");
    const me = await getCurrentUser(sim.endpoints, tokenInfo.tokenValue);
    assert.equal(me.email, USERS.service.email, "the token is the identity's own at Anaplan");

    const [audited] = await db().auditEvent.findMany({ where: { action: "token.authenticate" } });
    assert.equal(audited?.targetId, identity.id);
    assert.deepEqual(audited?.details, { user: "batch-host-7", keyPrefix: key.slice(0, 16) });
    const dump = await dumpDatabase(dbUrl);
    assert.ok(!dump.includes(tokenInfo.tokenValue), "only the token's hash is kept");
  });

  test("every bad key (unknown, malformed, revoked, not Basic) gets the same 401 in Anaplan's failure shape", async () => {
    const revoked = await createApiKey(actors.admin, "acauth-a", identity.id, keyFields.parse({ name: "old host" }));
    const revokedRow = await db().apiKey.findFirstOrThrow({ where: { lookupId: revoked.key.slice(4, 16) } });
    await revokeApiKey(actors.admin, "acauth-a", identity.id, revokedRow.id);
    const answers = await Promise.all(
      [
        basic("u", `${key.slice(0, -1)}x`),
        basic("u", "not-a-key"),
        basic("u", revoked.key),
        "Basic !!!",
        `Bearer ${key}`,
        "",
      ].map((authorization) => anaplanConnect("authenticate", authorization)),
    );
    for (const answer of answers) {
      assert.equal(answer.status, 401);
      assert.deepEqual(answer.body, answers[0]?.body);
    }
    assert.equal(answers[0]?.body?.status, "FAILURE_BAD_CREDENTIAL");
  });

  test("refresh: a handed-out token gets the current one; 50 at once near expiry make at most one Anaplan refresh", async () => {
    const first = await login("job");
    const same = await anaplanConnect("refresh", bearerOf(first.tokenValue));
    assert.equal(same.status, 200);
    assert.equal(same.body?.statusMessage, "Token refreshed");
    assert.equal(same.body?.tokenInfo.tokenValue, first.tokenValue, "plenty of life left: the same token");

    // Anaplan Connect refreshes five minutes before expiry: the portal then refreshes once, whoever asks.
    await db().grant.update({
      where: { id: identity.grantId },
      data: {
        accessTokenExpiresAt: new Date(Date.now() + 4 * 60_000),
        lastRefreshAt: new Date(Date.now() - 31 * 60_000),
      },
    });
    const before = await refreshCount(identity.deviceClientId);
    const storm = await Promise.all(
      Array.from({ length: 50 }, () => anaplanConnect("refresh", bearerOf(first.tokenValue))),
    );
    assert.ok(storm.every((a) => a.status === 200));
    assert.equal((await refreshCount(identity.deviceClientId)) - before, 1);
    const tokens = new Set(storm.map((a) => a.body?.tokenInfo.tokenValue));
    assert.equal(tokens.size, 1, "every caller got the one new token");
    const fresh = [...tokens][0] as string;
    assert.notEqual(fresh, first.tokenValue);
    assert.equal((await getCurrentUser(sim.endpoints, fresh)).email, USERS.service.email);
    // The new token is one the portal handed out, so it refreshes in turn.
    assert.equal((await anaplanConnect("refresh", bearerOf(fresh))).status, 200);
  });

  test("validate: Anaplan's answer, with the account and customer that approved the identity", async () => {
    const token = await login("job");
    const answer = await anaplanConnect("validate", bearerOf(token.tokenValue));
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, {
      meta: { validationUrl: "http://localhost:3000/anaplan-auth/token/validate" },
      status: "SUCCESS",
      statusMessage: "Token validated",
      tokenInfo: { expiresAt: token.expiresAt, tokenId: token.tokenId },
      userInfo: { userGuid: USERS.service.id, userId: USERS.service.email, customerGuid: USERS.service.customerId },
    });
    const unknown = await anaplanConnect("validate", bearerOf("a-token-the-portal-never-handed-out"));
    assert.equal(unknown.status, 401);
    assert.equal(unknown.body?.status, "FAILURE_BAD_CREDENTIAL");
    const bearer = await anaplanConnect("validate", `Bearer ${token.tokenValue}`);
    assert.equal(bearer.status, 400, "Anaplan's auth service refuses Bearer too");
  });

  test("logout by one script is recorded and leaves the shared token working for the others", async () => {
    const one = await login("script-one");
    const two = await login("script-two");
    assert.equal(one.tokenValue, two.tokenValue, "one identity, one cached token");
    const out = await anaplanConnect("logout", bearerOf(one.tokenValue));
    assert.equal(out.status, 204);
    assert.equal(out.body, null);
    assert.equal((await anaplanConnect("validate", bearerOf(two.tokenValue))).status, 200);
    assert.equal((await getCurrentUser(sim.endpoints, two.tokenValue)).email, USERS.service.email);
    assert.equal(await db().auditEvent.count({ where: { action: "token.logout", targetId: identity.id } }), 1);
    assert.equal((await anaplanConnect("logout", bearerOf("never-handed-out"))).status, 401);
  });

  test("deactivated, Anaplan down, oversized or credentials in the URL: each answers clearly, in Anaplan's shape", async () => {
    const token = await login("job");
    await setIdentityActive(actors.admin, "acauth-a", identity.id, false);
    for (const answer of [
      await anaplanConnect("authenticate", basic("job", key)),
      await anaplanConnect("refresh", bearerOf(token.tokenValue)),
    ]) {
      assert.equal(answer.status, 403);
      assert.equal(answer.body?.status, "FAILURE_IDENTITY_DEACTIVATED");
      assert.match(answer.body?.statusMessage ?? "", /deactivated.*reactivate/);
    }
    await setIdentityActive(actors.admin, "acauth-a", identity.id, true);

    await db().grant.update({
      where: { id: identity.grantId },
      data: { accessTokenExpiresAt: new Date(Date.now() - 1000) },
    });
    await sim.operator.failNext({ endpoint: "token", count: 1, status: 503, body: "html" });
    const down = await anaplanConnect("authenticate", basic("job", key));
    assert.equal(down.status, 503);
    assert.equal(down.body?.status, "FAILURE_PROVIDER_UNAVAILABLE");
    assert.ok(Number(down.headers.get("retry-after")) > 0);
    await db().grant.update({ where: { id: identity.grantId }, data: { nextAttemptAt: null } });
    assert.equal((await anaplanConnect("authenticate", basic("job", key))).status, 201, "and it recovers");

    const large = await anaplanConnect("authenticate", basic("job", key), { "Content-Length": "100000" });
    assert.equal(large.status, 413);
    const inUrl = await authenticateRoute(
      new Request(`${AUTH}/token/authenticate?password=${encodeURIComponent(key)}`, {
        method: "POST",
        headers: { AUTHORIZATION: basic("job", key) },
      }),
    );
    assert.equal(inUrl.status, 400);
    assert.equal((await inUrl.json()).status, "FAILURE_INVALID_REQUEST");
  });

  test("over the key's limit: 429 with Retry-After; a revoked identity: 409, saying to enrol it again", async () => {
    publishEnv({ BROKER_RATE_LIMIT_PER_MINUTE: "3" });
    try {
      const limited = (await createApiKey(actors.admin, "acauth-a", identity.id, keyFields.parse({ name: "busy" })))
        .key;
      // Rate-limit windows are calendar minutes: a burst late in one could straddle two.
      if (new Date().getUTCSeconds() > 50) await sleep((61 - new Date().getUTCSeconds()) * 1000);
      const answers = await Promise.all(
        Array.from({ length: 5 }, () => anaplanConnect("authenticate", basic("j", limited))),
      );
      const refused = answers.filter((a) => a.status === 429);
      assert.ok(refused.length >= 2, answers.map((a) => a.status).join(","));
      assert.equal(refused[0]?.body?.status, "FAILURE_RATE_LIMITED");
      assert.ok(Number(refused[0]?.headers.get("retry-after")) >= 1);
    } finally {
      publishEnv({ BROKER_RATE_LIMIT_PER_MINUTE: "100000" });
    }
    await revokeIdentityTokens(actors.admin, "acauth-a", identity.id);
    const revoked = await anaplanConnect("authenticate", basic("job", key));
    assert.equal(revoked.status, 401, "revoking the identity revokes its keys too");
    assert.equal(revoked.body?.status, "FAILURE_BAD_CREDENTIAL");
    const fresh = (await createApiKey(actors.admin, "acauth-a", identity.id, keyFields.parse({ name: "after" }))).key;
    const notEnrolled = await anaplanConnect("authenticate", basic("job", fresh));
    assert.equal(notEnrolled.status, 409);
    assert.equal(notEnrolled.body?.status, "FAILURE_NEEDS_REENROLMENT");
    assert.match(notEnrolled.body?.statusMessage ?? "", /enrol it/);
  });
});
