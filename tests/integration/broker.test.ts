// The token broker through its real route handlers, against a real Postgres and the simulator.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { GET as identityRoute } from "@/app/api/v1/identity/route";
import { POST as tokenRoute } from "@/app/api/v1/token/route";
import { getCurrentUser, logoutAccessToken, setDefaultTimeoutMs } from "@/lib/anaplan";
import { createApiKey, keyFields, listApiKeys, revokeApiKey } from "@/lib/broker/keys";
import { openApiDocument } from "@/lib/broker/openapi";
import { getAccessToken } from "@/lib/grants/access-token";
import { grantClientOf } from "@/lib/identities/grant-client";
import { refreshDueIdentityGrants } from "@/lib/identities/keep-alive";
import { setIdentityActive } from "@/lib/identities/lifecycle";
import { getIdentity } from "@/lib/identities/manage";
import { db } from "@/lib/platform/db";
import { publishEnv } from "@/lib/platform/env";
import { AppError } from "@/lib/platform/errors";
import { setUpTestDatabase } from "../helpers/db.ts";
import { dumpDatabase } from "../helpers/dump.ts";
import { setUpSimulator } from "../helpers/simulator.ts";
import { type Actors, enrolledIdentity, setUpTeams } from "../helpers/team.ts";

const isCode = (code: string) => (e: unknown) => e instanceof AppError && e.code === code;
const dbUrl = await setUpTestDatabase();
const sim = await setUpSimulator();
// One key makes hundreds of calls here; the limit itself has a test of its own with a small value.
publishEnv({ BROKER_RATE_LIMIT_PER_MINUTE: "100000" });

type Answer = { status: number; headers: Headers; body: Record<string, unknown> };

async function askToken(key: string | null, body?: unknown, url = "http://portal.test/api/v1/token"): Promise<Answer> {
  // The socket's address as the server stamps it; a client's own X-Forwarded-For is not believed (TRUSTED_PROXY_HOPS=0).
  const headers = new Headers({
    "user-agent": "broker-test",
    "x-portal-peer-address": "::ffff:198.51.100.7",
    "x-forwarded-for": "203.0.113.66",
  });
  if (key !== null) headers.set("authorization", `Bearer ${key}`);
  const response = await tokenRoute(
    new Request(url, {
      method: "POST",
      headers,
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    }),
  );
  const answer = { status: response.status, headers: response.headers, body: await response.json() };
  assertDocumented("/api/v1/token", "post", answer);
  return answer;
}

const apiDocument = openApiDocument("http://portal.test");
/** Every answer the tests see is one its OpenAPI operation lists, with the code that status documents. */
function assertDocumented(
  path: "/api/v1/token" | "/api/v1/identity",
  method: "post" | "get",
  answer: Omit<Answer, "headers">,
) {
  const operation = (apiDocument.paths[path] as Record<string, { responses: Record<string, { description: string }> }>)[
    method
  ];
  const documented = operation?.responses[String(answer.status)];
  assert.ok(documented, `${method.toUpperCase()} ${path} answered ${answer.status}, which its operation does not list`);
  if (answer.status !== 200)
    assert.ok(
      documented.description.includes(`\`${answer.body.error}\``),
      `${answer.body.error} under ${answer.status}`,
    );
}

const refreshCount = async (clientId: string) => (await sim.operator.counters()).token[clientId]?.refresh_token ?? 0;
const expireAccessToken = (grantId: string) =>
  db().grant.update({ where: { id: grantId }, data: { accessTokenExpiresAt: new Date(Date.now() - 1000) } });
/** Stands in for waiting out the backoff that follows a transient failure. */
const waitOutBackoff = (grantId: string) =>
  db().grant.update({ where: { id: grantId }, data: { nextAttemptAt: new Date(Date.now() - 1) } });
/** Rate-limit windows are calendar minutes: start a burst early in one so it cannot straddle two. */
async function earlyInAMinute() {
  const second = new Date().getUTCSeconds();
  if (second > 45) await sleep((61 - second) * 1000);
}

describe("token broker", () => {
  let actors: Actors;
  let identity: Awaited<ReturnType<typeof enrolledIdentity>>;
  let key: string;
  const newKey = async (name: string, extra: Record<string, string> = {}) =>
    (await createApiKey(actors.admin, "broker-a", identity.id, keyFields.parse({ name, ...extra }))).key;

  before(async () => {
    actors = await setUpTeams("broker");
    identity = await enrolledIdentity(sim, actors.admin, "broker-a", "etl-nightly");
  });
  after(() => setDefaultTimeoutMs(10_000));

  test("only team admins create keys; the key is returned once and only its hash is stored", async () => {
    const fields = keyFields.parse({ name: "nightly host" });
    await assert.rejects(createApiKey(actors.member, "broker-a", identity.id, fields), isCode("forbidden"));
    await assert.rejects(createApiKey(actors.outsider, "broker-a", identity.id, fields), isCode("not_found"));
    await assert.rejects(createApiKey(actors.outsider, "broker-b", identity.id, fields), isCode("not_found"));
    await assert.rejects(
      createApiKey(actors.admin, "broker-a", { id: identity.id } as never, fields),
      isCode("not_found"),
      "an object where an id belongs is refused",
    );
    key = await newKey("nightly host");
    assert.match(key, /^atp_[0-9A-Za-z]{12}_[0-9A-Za-z]{43}$/);
    const secret = key.split("_")[2] ?? "";
    const dump = await dumpDatabase(dbUrl);
    assert.ok(!dump.includes(secret), "the secret is not in the database");
    const [listed] = await listApiKeys(actors.member, "broker-a", identity.id);
    assert.equal(listed?.prefix, key.slice(0, 16));
    assert.equal(listed?.state, "live");
    assert.equal(listed?.createdBy, "broker-admin@x.example");
    assert.throws(() => keyFields.parse({ name: "x".repeat(81) }));
    assert.throws(() => keyFields.parse({ name: "x", expiresInDays: "3" }));
    // A chosen day: the key works to its end (UTC); a day in the past, or more than two years ahead, is refused.
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    assert.equal(
      keyFields.parse({ name: "x", expiresInDays: "date", expiresOn: tomorrow }).expiresAt?.toISOString(),
      `${tomorrow}T23:59:59.999Z`,
    );
    for (const day of ["2020-01-01", "2999-01-01", ""]) {
      const refused = keyFields.safeParse({ name: "x", expiresInDays: "date", expiresOn: day });
      assert.equal(refused.success, false, day);
      assert.deepEqual(
        refused.error?.issues.map((i) => i.path.join(".")),
        ["expiresOn"],
        day,
      );
    }
  });

  test("a valid key gets a working Anaplan token with no-store; repeated calls are served from the cache", async () => {
    const refreshesBefore = await refreshCount(identity.deviceClientId);
    const first = await askToken(key);
    assert.equal(first.status, 200);
    assert.equal(first.headers.get("cache-control"), "no-store");
    assert.equal(first.body.token_type, "AnaplanAuthToken");
    assert.deepEqual(first.body.identity, { id: identity.id, name: "etl-nightly" });
    assert.ok(Number(first.body.expires_in) > 1800 && Number(first.body.expires_in) <= 2100);
    assert.ok(
      Math.abs(Date.parse(String(first.body.expires_at)) - Date.now() - Number(first.body.expires_in) * 1000) < 2000,
    );
    const me = await getCurrentUser(sim.endpoints, String(first.body.access_token));
    assert.equal(me.email, sim.simulator.users.service.email);
    for (let i = 0; i < 50; i++)
      assert.equal((await askToken(key, { min_valid_seconds: 1800 })).body.access_token, first.body.access_token);
    assert.equal(await refreshCount(identity.deviceClientId), refreshesBefore, "no refresh while the token is fresh");
    const stored = await db().apiKey.findFirstOrThrow({ where: { lookupId: key.slice(4, 16) } });
    assert.ok(stored.lastUsedAt);
    assert.equal(stored.lastUsedIp, "198.51.100.7");
    assert.ok((await db().serviceIdentity.findUniqueOrThrow({ where: { id: identity.id } })).lastUsedAt);
    const issued = await db().auditEvent.findMany({ where: { action: "token.issue", targetId: identity.id } });
    assert.equal(issued.length, 1, "one audit row per key per access token, not per request");
    assert.equal(issued[0]?.actorApiKeyId, stored.id);
    assert.equal(issued[0]?.ip, "198.51.100.7");
    assert.equal(issued[0]?.userAgent, "broker-test");
    assert.ok(!JSON.stringify(issued.map((e) => e.details)).includes(String(first.body.access_token)));
  });

  test("missing, malformed, unknown, wrong-secret, revoked and expired keys all get the same 401", async () => {
    const revoked = await newKey("to revoke");
    await revokeApiKey(
      actors.admin,
      "broker-a",
      identity.id,
      (await db().apiKey.findFirstOrThrow({ where: { name: "to revoke" } })).id,
    );
    const expired = await newKey("short-lived", { expiresInDays: "7" });
    await db().apiKey.updateMany({ where: { name: "short-lived" }, data: { expiresAt: new Date(Date.now() - 1) } });
    const wrongSecret = `${key.slice(0, 17)}${"A".repeat(43)}`;
    const unknown = `atp_${"Z".repeat(12)}_${"A".repeat(43)}`;
    const answers = await Promise.all([
      askToken(null),
      askToken("not-a-key"),
      askToken(unknown),
      askToken(wrongSecret),
      askToken(revoked),
      askToken(expired),
    ]);
    for (const a of answers) {
      assert.equal(a.status, 401);
      assert.equal(a.body.error, "invalid_key");
      assert.equal(a.headers.get("www-authenticate"), 'Bearer realm="anaplan-token-portal"');
    }
    assert.equal(new Set(answers.map((a) => JSON.stringify(a.body))).size, 1, "one answer for all");
  });

  test("bad requests get invalid_request; credentials in the URL are refused", async () => {
    for (const body of [
      "{not json",
      { min_valid_seconds: 1801 },
      { min_valid_seconds: "60" },
      { min_valid_seconds: -1 },
    ]) {
      const answer = await askToken(key, body);
      assert.equal(answer.status, 400, JSON.stringify(body).slice(0, 40));
      assert.equal(answer.body.error, "invalid_request");
      assert.equal(typeof answer.body.message, "string");
    }
    const [, lookupId] = key.split("_");
    for (const query of [
      `key=${key}`,
      `API_KEY=${key}`,
      `Access_Token=x`,
      `Authorization=Bearer`,
      `q=${key}`,
      `note=${encodeURIComponent(`atp_${lookupId}`)}`,
      `${key}=1`,
    ]) {
      const inUrl = await askToken(key, undefined, `http://portal.test/api/v1/token?${query}`);
      assert.equal(inUrl.status, 400, query);
      assert.match(String(inUrl.body.message), /URL/);
      const identityCall = await identityRoute(
        new Request(`http://portal.test/api/v1/identity?${query}`, { headers: { authorization: `Bearer ${key}` } }),
      );
      assert.equal(identityCall.status, 400, `identity ?${query}`);
      assertDocumented("/api/v1/identity", "get", { status: 400, body: await identityCall.json() });
    }
    assert.equal((await askToken(key, undefined, "http://portal.test/api/v1/token?trace=atp")).status, 200);
  });

  test("bodies over 16 KB get 413 before they are read: a declared length at once, a stream cut at the limit", async () => {
    const declared = await tokenRoute(
      new Request("http://portal.test/api/v1/token", {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-length": String(256 * 1024 * 1024) },
        body: new ReadableStream({ pull: () => assert.fail("a body declared too large is not read") }),
        duplex: "half",
      } as RequestInit),
    );
    assert.equal(declared.status, 413);
    assert.equal(((await declared.json()) as { error: string }).error, "request_too_large");

    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1024;
        controller.enqueue(new Uint8Array(1024).fill(32));
      },
    });
    const streamed = await tokenRoute(
      new Request("http://portal.test/api/v1/token", {
        method: "POST",
        headers: { authorization: `Bearer ${key}` },
        body: endless,
        duplex: "half",
      } as RequestInit),
    );
    assert.equal(streamed.status, 413);
    assert.ok(pulled <= 20 * 1024, `read ${pulled} bytes of an endless body`);
    assert.equal((await askToken(key, " ".repeat(16_384))).status, 200, "exactly 16 KB is still read");
  });

  test("a wish no token can meet refreshes once, not every call; broker refreshes count in the per-host budget", async () => {
    const budget = async () =>
      (
        await db().rateLimitCounter.findMany({ where: { bucket: `anaplan:${new URL(sim.endpoints.oauthUrl).host}` } })
      ).reduce((n, r) => n + r.count, 0);
    await sim.operator.setDefaults({ accessTokenTtlSeconds: 600 });
    try {
      const short = await enrolledIdentity(sim, actors.admin, "broker-a", "short-lived");
      const shortKey = (await createApiKey(actors.admin, "broker-a", short.id, keyFields.parse({ name: "wish" }))).key;
      const refreshesBefore = await refreshCount(short.deviceClientId);
      const budgetBefore = await budget();
      for (let call = 0; call < 20; call++) {
        const answer = await askToken(shortKey, { min_valid_seconds: 1800 });
        assert.equal(answer.status, 200);
        assert.ok(Number(answer.body.expires_in) <= 600, "expires_in says the truth");
      }
      const refreshed = (await refreshCount(short.deviceClientId)) - refreshesBefore;
      assert.ok(refreshed <= 1, `20 calls wishing for 30 minutes of a 10-minute token made ${refreshed} refreshes`);
      assert.equal((await budget()) - budgetBefore, refreshed, "each broker refresh took one call from the budget");

      // Over the budget, a token that still works is served rather than refreshed; one that does not is refreshed.
      publishEnv({ ANAPLAN_CALLS_PER_MINUTE: "1" });
      await db().rateLimitCounter.updateMany({ where: { bucket: { startsWith: "anaplan:" } }, data: { count: 10 } });
      await db().grant.update({
        where: { id: short.grantId },
        data: { accessTokenExpiresAt: new Date(Date.now() + 20_000) },
      });
      const served = await askToken(shortKey);
      assert.equal(served.status, 200);
      assert.ok(Number(served.body.expires_in) <= 20, "the cached token, not a refresh");
      assert.equal(await refreshCount(short.deviceClientId), refreshesBefore + refreshed);
      await expireAccessToken(short.grantId);
      assert.equal((await askToken(shortKey)).status, 200);
      assert.equal(
        await refreshCount(short.deviceClientId),
        refreshesBefore + refreshed + 1,
        "an expired one is refreshed anyway",
      );
    } finally {
      publishEnv({ ANAPLAN_CALLS_PER_MINUTE: "300" });
      await sim.operator.setDefaults({ accessTokenTtlSeconds: 2100 });
    }
  });

  test("an expired access token: 30 concurrent calls make exactly one refresh and share the new token", async () => {
    for (let round = 0; round < 3; round++) {
      await expireAccessToken(identity.grantId);
      const before = await refreshCount(identity.deviceClientId);
      const answers = await Promise.all(Array.from({ length: 30 }, () => askToken(key)));
      assert.deepEqual(new Set(answers.map((a) => a.status)), new Set([200]));
      assert.equal(new Set(answers.map((a) => a.body.access_token)).size, 1, "everyone gets the same token");
      assert.equal(await refreshCount(identity.deviceClientId), before + 1, `round ${round}: one refresh`);
    }
    // The stored refresh token is the newest: with reuse detection, refreshing with an old one would revoke the grant.
    await getAccessToken(identity.grantId, grantClientOf(identity), { forceRefresh: true });
    assert.equal((await askToken(key)).status, 200);
    assert.equal(
      await db().auditEvent.count({ where: { action: "token.issue", targetId: identity.id } }),
      1 + 3 + 1,
      "one token.issue per new access token (the first, three rounds, the forced refresh)",
    );
  });

  test("Anaplan down (5xx or slower than the timeout) with an expired token: 503 with Retry-After; nothing lost", async () => {
    await expireAccessToken(identity.grantId);
    await sim.operator.failNext({ endpoint: "token", count: 1, status: 503 });
    const down = await askToken(key);
    assert.equal(down.status, 503);
    assert.equal(down.body.error, "provider_unavailable");
    assert.ok(Number(down.headers.get("retry-after")) > 0);
    await waitOutBackoff(identity.grantId);
    // Slower than the client's timeout, and then failing: Anaplan did nothing, so nothing may be lost.
    setDefaultTimeoutMs(300);
    await sim.operator.slowNext({ endpoint: "token", count: 1, ms: 1000 });
    await sim.operator.failNext({ endpoint: "token", count: 1, status: 502 });
    const slow = await askToken(key);
    setDefaultTimeoutMs(10_000);
    assert.equal(slow.status, 503);
    assert.ok(Number(slow.headers.get("retry-after")) > 0);
    await sleep(1200);
    assert.equal((await db().grant.findUniqueOrThrow({ where: { id: identity.grantId } })).status, "active");
    await waitOutBackoff(identity.grantId);
    const recovered = await askToken(key);
    assert.equal(recovered.status, 200, "the next call after recovery succeeds");
    await getCurrentUser(sim.endpoints, String(recovered.body.access_token));
  });

  test("a refresh that timed out after Anaplan rotated is reported as lost in an interrupted refresh", async () => {
    const other = await enrolledIdentity(sim, actors.admin, "broker-a", "interrupted");
    const otherKey = (await createApiKey(actors.admin, "broker-a", other.id, keyFields.parse({ name: "i" }))).key;
    await expireAccessToken(other.grantId);
    setDefaultTimeoutMs(300);
    await sim.operator.slowNext({ endpoint: "token", count: 1, ms: 1000, after: true });
    const timedOut = await askToken(otherKey);
    setDefaultTimeoutMs(10_000);
    assert.equal(timedOut.status, 503);
    await sleep(1200); // the simulator rotates the token; its answer goes nowhere
    await waitOutBackoff(other.grantId);
    const next = await askToken(otherKey);
    assert.equal(next.status, 409);
    assert.match(String(next.body.message), /interrupted refresh/);
  });

  test("the per-key limit holds: successes in a window never exceed BROKER_RATE_LIMIT_PER_MINUTE", async () => {
    const limited = await newKey("rate limited");
    publishEnv({ BROKER_RATE_LIMIT_PER_MINUTE: "5" });
    try {
      await earlyInAMinute();
      const answers = await Promise.all(Array.from({ length: 12 }, () => askToken(limited)));
      assert.equal(answers.filter((a) => a.status === 200).length, 5);
      const refused = answers.filter((a) => a.status === 429);
      assert.equal(refused.length, 7);
      for (const a of refused) {
        assert.equal(a.body.error, "rate_limited");
        const retry = Number(a.headers.get("retry-after"));
        assert.ok(retry >= 1 && retry <= 60, `Retry-After ${retry}`);
      }
      assert.equal((await askToken(await newKey("another"))).status, 200, "another key has its own budget");
    } finally {
      publishEnv({ BROKER_RATE_LIMIT_PER_MINUTE: "100000" });
    }
  });

  test("deactivate: calls after the commit are refused while the token is kept alive; reactivate restores", async () => {
    const inFlight = Array.from({ length: 20 }, () => askToken(key));
    await setIdentityActive(actors.admin, "broker-a", identity.id, false);
    const after = await Promise.all(Array.from({ length: 20 }, () => askToken(key)));
    await Promise.all(inFlight);
    for (const a of after) {
      assert.equal(a.status, 403);
      assert.equal(a.body.error, "identity_deactivated");
      assert.match(String(a.body.message), /reactivate/);
    }
    // Keep-alive still refreshes a paused identity, so a rotatable token does not lapse.
    await db().grant.update({
      where: { id: identity.grantId },
      data: { lastRefreshAt: new Date(Date.now() - 86_400_000), sweepAfter: null },
    });
    const before = await refreshCount(identity.deviceClientId);
    await refreshDueIdentityGrants();
    assert.equal(await refreshCount(identity.deviceClientId), before + 1);
    const health = await identityRoute(
      new Request("http://portal.test/api/v1/identity", { headers: { authorization: `Bearer ${key}` } }),
    );
    assert.equal(((await health.json()) as { identity: { state: string } }).identity.state, "deactivated");
    await setIdentityActive(actors.admin, "broker-a", identity.id, true);
    assert.equal((await askToken(key)).status, 200);
  });

  test("a refresh token revoked at Anaplan: needs_reenrolment, and the identity shows why", async () => {
    const other = await enrolledIdentity(sim, actors.admin, "broker-a", "doomed");
    const otherKey = (await createApiKey(actors.admin, "broker-a", other.id, keyFields.parse({ name: "doomed" }))).key;
    await sim.operator.revokeGrants({ clientId: other.deviceClientId, user: "service" });
    await expireAccessToken(other.grantId);
    const answer = await askToken(otherKey);
    assert.equal(answer.status, 409);
    assert.equal(answer.body.error, "needs_reenrolment");
    assert.match(String(answer.body.message), /enrol/);
    const { identity: shown } = await getIdentity(actors.admin, "broker-a", other.id);
    assert.equal(shown.state, "needs_attention");
    assert.match(shown.grant?.statusReason ?? "", /no longer accepts/);
    const failure = await db().auditEvent.findFirst({ where: { action: "grant.refresh", targetId: other.id } });
    assert.equal(failure?.outcome, "failure");
    assert.ok(failure?.teamId, "filed under the identity's team");
    const health = await identityRoute(
      new Request("http://portal.test/api/v1/identity", { headers: { authorization: `Bearer ${otherKey}` } }),
    );
    const body = (await health.json()) as { identity: { state: string; state_reason: string } };
    assert.equal(body.identity.state, "needs_attention");
    assert.match(body.identity.state_reason, /no longer accepts/);
  });

  test("rejected_token: a token Anaplan refused is refreshed once, however many scripts report it; an old one is not", async () => {
    const own = await enrolledIdentity(sim, actors.admin, "broker-a", "rejected-token");
    const ownKey = (await createApiKey(actors.admin, "broker-a", own.id, keyFields.parse({ name: "r" }))).key;
    const held = String((await askToken(ownKey)).body.access_token);
    await logoutAccessToken(sim.endpoints, held); // ended at Anaplan behind the portal's back: users/me now says 401
    await assert.rejects(getCurrentUser(sim.endpoints, held));
    const before = await refreshCount(own.deviceClientId);
    const answers = await Promise.all(Array.from({ length: 10 }, () => askToken(ownKey, { rejected_token: held })));
    assert.ok(answers.every((a) => a.status === 200));
    assert.equal((await refreshCount(own.deviceClientId)) - before, 1, "ten reports, one refresh");
    const fresh = String(answers[0]?.body.access_token);
    assert.notEqual(fresh, held);
    assert.ok(answers.every((a) => a.body.access_token === fresh));
    assert.equal((await getCurrentUser(sim.endpoints, fresh)).email, "service@simulator.example");
    const stale = await askToken(ownKey, { rejected_token: held });
    assert.equal(stale.body.access_token, fresh, "a token that is no longer held refreshes nothing");
    assert.equal((await refreshCount(own.deviceClientId)) - before, 1);
  });
});
