// The portal's own PostgreSQL stopped (a fast shutdown, as a restart or failover does) and started again: every
// way a query fails meanwhile is recognised as an outage (a 503 to wait out, not a 500), nothing else is, the pool
// recovers by itself, and tokens Anaplan issues while the database is down are stored once it is back.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { pollDueEnrolments } from "@/lib/enrolments/poll";
import { startEnrolment } from "@/lib/enrolments/start";
import { getEnrolmentView } from "@/lib/enrolments/view";
import { getAccessToken } from "@/lib/grants/access-token";
import { grantClientOf } from "@/lib/identities/grant-client";
import { createIdentity, getIdentity } from "@/lib/identities/manage";
import { identityFields } from "@/lib/identities/schemas";
import { db, disconnectDb, preparedQuery } from "@/lib/platform/db";
import { startThrowawayPostgres } from "@/lib/platform/db/embedded";
import { migrate } from "@/lib/platform/db/migrate";
import { isDatabaseUnavailable } from "@/lib/platform/db/unavailable";
import { publishEnv } from "@/lib/platform/env";
import { AppError } from "@/lib/platform/errors";
import { errorResponse } from "@/lib/server/http";
import { testSecrets } from "../helpers/db.ts";
import { setUpSimulator } from "../helpers/simulator.ts";
import { enrolledIdentity, setUpTeams } from "../helpers/team.ts";
import { until } from "../helpers/until.ts";

// A server of this file's own: the other files' databases share one, which must stay up.
const server = await startThrowawayPostgres({ prefix: "portal-outage-", database: "outage" });
await migrate(server.url);
publishEnv({ DATABASE_URL: server.url, ...testSecrets, ANAPLAN_SIMULATOR: "1", DATA_DIR: "/nonexistent" });
after(async () => {
  await disconnectDb();
  await server.stop();
});
const sim = await setUpSimulator({ deviceInterval: 1 });
const actors = await setUpTeams("outage");

const failureOf = (work: () => Promise<unknown>) =>
  work().then(
    () => assert.fail("the query succeeded with the database down"),
    (error: unknown) => error,
  );

const tokenCalls = async (grant: "refresh_token" | "device_code") =>
  (await sim.operator.counters()).token[sim.simulator.clients.device.id]?.[grant] ?? 0;

test("every failure while the database is down is an outage (503), nothing else is, and the pool recovers", async () => {
  await db().user.count();
  const inFlight = failureOf(() => db().$queryRaw`SELECT pg_sleep(30)`);
  await sleep(200);
  await server.halt();
  const failures = {
    "a query cut by the shutdown": await inFlight,
    "a model query": await failureOf(() => db().user.findFirst()),
    "a raw query": await failureOf(() => db().$queryRaw`SELECT 1`),
    "a transaction": await failureOf(() => db().$transaction(async (tx) => tx.user.count())),
    "a prepared statement (the broker's)": await failureOf(() => preparedQuery("outage_probe", "SELECT 1", [])),
  };
  for (const [what, error] of Object.entries(failures)) {
    assert.equal(isDatabaseUnavailable(error), true, `${what}: ${String(error)}`);
    const response = errorResponse(error);
    assert.equal(response.status, 503, what);
    assert.equal(response.headers.get("retry-after"), "5", what);
    const body = (await response.json()) as { error: string; message: string };
    assert.equal(body.error, "service_unavailable", what);
    assert.match(body.message, /database.*Nothing was lost/, what);
  }
  // Not outages: a refused fetch (Anaplan down is handled where it happens), domain errors, bugs.
  const fetchRefused = await fetch("http://127.0.0.1:9/").catch((error: unknown) => error);
  for (const error of [fetchRefused, new AppError("conflict", "no"), new Error("boom"), null, "text"]) {
    assert.equal(isDatabaseUnavailable(error), false, String(error));
  }

  await server.resume();
  assert.equal(await db().user.count(), 3, "the same pool answers again, with no manual step");
  assert.deepEqual(await preparedQuery("outage_probe", "SELECT 1 AS one", []), [{ one: 1 }]);
  // An error from a live database is not an outage either.
  const failed = await failureOf(() => db().$queryRaw`SELECT 1 / 0`);
  assert.equal(isDatabaseUnavailable(failed), false, String(failed));
});

test("a refreshed token that Anaplan answers while the database is down is stored once it is back", async () => {
  const identity = await enrolledIdentity(sim, actors.admin, "outage-a", "refresh-across-restart");
  const client = grantClientOf(identity);
  const before = await tokenCalls("refresh_token");
  // Anaplan rotates at once but answers late: the answer lands while the database is down.
  await sim.operator.slowNext({ endpoint: "token", count: 1, ms: 1500, after: true });
  const refreshing = getAccessToken(identity.grantId, client, { forceRefresh: true });
  await until(async () => (await tokenCalls("refresh_token")) === before + 1, "the refresh to reach Anaplan");
  await server.halt();
  await sleep(3000);
  await server.resume();
  const token = await refreshing;
  const grant = await db().grant.findUniqueOrThrow({ where: { id: identity.grantId } });
  assert.equal(grant.generation, token.generation);
  assert.equal(grant.leaseOwner, null);
  // The stored refresh token is the rotated one: the spent one would be refused (invalid_grant) here.
  const next = await getAccessToken(identity.grantId, client, { forceRefresh: true });
  assert.equal(next.generation, token.generation + 1);
  assert.equal((await getIdentity(actors.admin, "outage-a", identity.id)).identity.state, "active");
});

test("an enrolment whose approval Anaplan answers while the database is down finishes once it is back", async () => {
  const identity = await createIdentity(actors.admin, "outage-a", identityFields.parse({ name: "enrol-across" }));
  const enrolmentId = await startEnrolment(actors.admin, "outage-a", identity.id);
  const { userCode } = await getEnrolmentView(actors.admin, "outage-a", enrolmentId);
  await sim.operator.approve(userCode ?? "", "service");
  const before = await tokenCalls("device_code");
  await db().enrolment.update({ where: { id: enrolmentId }, data: { nextPollAt: new Date() } });
  await sim.operator.slowNext({ endpoint: "token", count: 1, ms: 1500, after: true });
  const polling = pollDueEnrolments({ onlyId: enrolmentId });
  await until(async () => (await tokenCalls("device_code")) === before + 1, "the approved poll to reach Anaplan");
  await server.halt();
  await sleep(3000);
  await server.resume();
  assert.equal(await polling, 1);
  const view = await getEnrolmentView(actors.admin, "outage-a", enrolmentId);
  assert.equal(view.status, "approved");
  assert.equal((await getIdentity(actors.admin, "outage-a", identity.id)).identity.state, "active");
  const { grantId } = await db().serviceIdentity.findUniqueOrThrow({ where: { id: identity.id } });
  assert.ok(grantId);
  const token = await getAccessToken(grantId, grantClientOf(identity), { forceRefresh: true });
  assert.ok(token.accessToken.length > 0);
});
