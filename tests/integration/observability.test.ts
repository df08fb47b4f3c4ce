// GET /api/metrics (Prometheus text, bearer-protected) and GET /api/health (database, key ring, keep-alive sweep),
// driven by real broker calls and real refreshes against the simulator.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { GET as health } from "@/app/api/health/route";
import { GET as metricsRoute } from "@/app/api/metrics/route";
import { POST as tokenRoute } from "@/app/api/v1/token/route";
import { createApiKey, keyFields } from "@/lib/broker/keys";
import { getAccessToken } from "@/lib/grants/access-token";
import { grantClientOf } from "@/lib/identities/grant-client";
import { hourlySeries, usageOf } from "@/lib/identities/usage";
import { db } from "@/lib/platform/db";
import { publishEnv } from "@/lib/platform/env";
import { beat } from "@/lib/platform/heartbeat";
import { setUpTestDatabase } from "../helpers/db.ts";
import { setUpSimulator } from "../helpers/simulator.ts";
import { type Actors, enrolledIdentity, setUpTeams } from "../helpers/team.ts";

await setUpTestDatabase();
const sim = await setUpSimulator();
const TOKEN = "metrics-token-0123456789";

/** The exposition format, parsed: `name{labels}` → value, for every sample line. */
function samples(text: string) {
  const found = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const match = /^([a-z_:][a-z0-9_:]*)(\{[^}]*\})? (\S+)$/i.exec(line);
    assert.ok(match, `not an exposition line: ${line}`);
    found.set(`${match[1]}${match[2] ?? ""}`, Number(match[3]));
  }
  return found;
}

const scrape = async (authorization?: string) =>
  metricsRoute(new Request("http://portal.test/api/metrics", { headers: authorization ? { authorization } : {} }));

describe("observability", () => {
  let actors: Actors;
  let identity: Awaited<ReturnType<typeof enrolledIdentity>>;

  before(async () => {
    actors = await setUpTeams("obs");
    identity = await enrolledIdentity(sim, actors.admin, "obs-a", "observed");
  });

  test("the metrics endpoint is off without METRICS_TOKEN and refuses a wrong or missing token", async () => {
    publishEnv({ METRICS_TOKEN: undefined });
    assert.equal((await scrape(`Bearer ${TOKEN}`)).status, 404);
    publishEnv({ METRICS_TOKEN: TOKEN });
    assert.equal((await scrape()).status, 401);
    assert.equal((await scrape("Bearer wrong-token-wrong-token")).status, 401);
    assert.equal((await scrape(TOKEN)).status, 401, "the Bearer scheme is required");
  });

  test("it exposes broker outcomes, refreshes, single-flight waits, identities by state, queue depth and sweep lag", async () => {
    publishEnv({ METRICS_TOKEN: TOKEN });
    const { key } = await createApiKey(actors.admin, "obs-a", identity.id, keyFields.parse({ name: "script" }));
    const ask = (authorization: string) =>
      tokenRoute(new Request("http://portal.test/api/v1/token", { method: "POST", headers: { authorization } }));
    const before = samples(await (await scrape(`Bearer ${TOKEN}`)).text());
    const first = await ask(`Bearer ${key}`);
    assert.equal(first.status, 200);
    assert.match(first.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/, "each answer names its request id");
    assert.equal((await ask(`Bearer ${key}`)).status, 200);
    assert.equal((await ask("Bearer atp_nothing_here")).status, 401);
    // A call refused because the identity is paused is not a use either.
    await db().serviceIdentity.update({ where: { id: identity.id }, data: { deactivatedAt: new Date() } });
    assert.equal((await ask(`Bearer ${key}`)).status, 403);
    await db().serviceIdentity.update({ where: { id: identity.id }, data: { deactivatedAt: null } });
    // Both good calls are in this hour's usage (the last point of the 7-day series); the refused ones nowhere.
    const usage = await usageOf(identity.id);
    assert.equal(usage.length, 168);
    assert.equal(usage.at(-1), 2);
    assert.equal(
      usage.reduce((a, b) => a + b, 0),
      2,
    );
    // Ten concurrent refreshes of one grant: one refresh call, the others wait for it.
    await db().grant.update({ where: { id: identity.grantId }, data: { accessTokenExpiresAt: new Date(0) } });
    await Promise.all(
      Array.from({ length: 10 }, () =>
        getAccessToken(identity.grantId, grantClientOf(identity), { minValidSeconds: 60 }),
      ),
    );
    await beat("keep_alive");

    const response = await scrape(`Bearer ${TOKEN}`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    const after = samples(await response.text());
    const grew = (name: string) => (after.get(name) ?? 0) - (before.get(name) ?? 0);
    assert.equal(grew('portal_broker_requests_total{outcome="ok"}'), 2);
    assert.equal(grew('portal_broker_requests_total{outcome="invalid_key"}'), 1);
    assert.equal(grew('portal_refresh_calls_total{result="ok"}'), 1);
    assert.equal(grew("portal_refresh_duration_seconds_count"), 1);
    assert.ok(grew("portal_single_flight_waits_total") >= 1, "the others waited on the lease");
    assert.equal(after.get('portal_identities{state="active"}'), 1);
    assert.ok(after.has('portal_queue_depth{queue="enrolment_poll"}'));
    assert.ok(after.has('portal_queue_depth{queue="refresh_retry"}'));
    assert.ok((after.get("portal_keep_alive_sweep_lag_seconds") ?? -1) >= 0);
    for (const name of after.keys())
      assert.doesNotMatch(name, /atp_|[0-9a-f]{8}-[0-9a-f]{4}/, "no key or id in a label");
  });

  test("the usage series has one point per hour for 7 days, zeros where nothing was asked", () => {
    const now = new Date("2026-11-23T12:30:00Z");
    const series = hourlySeries(
      [
        { hour: new Date("2026-11-23T12:00:00Z"), requests: 5 },
        { hour: new Date("2026-11-23T09:00:00Z"), requests: 2 },
        { hour: new Date("2026-11-16T13:00:00Z"), requests: 7 },
        { hour: new Date("2026-11-16T12:00:00Z"), requests: 99 },
      ],
      now,
    );
    assert.equal(series.length, 168);
    assert.equal(series[167], 5);
    assert.equal(series[164], 2);
    assert.equal(series[0], 7, "the oldest hour shown");
    assert.equal(
      series.reduce((a, b) => a + b, 0),
      14,
      "older hours are not shown",
    );
  });

  test("health reports the database, the key ring and the sweep, without configuration", async () => {
    await db().workerHeartbeat.deleteMany();
    const fresh = await health();
    assert.equal(fresh.status, 200);
    assert.deepEqual(await fresh.json(), {
      status: "ok",
      db: "ok",
      keyRing: "ok",
      worker: "not yet run",
      lastSweepSecondsAgo: null,
    });
    await beat("keep_alive");
    assert.equal((await (await health()).json()).worker, "ok");
    await db().workerHeartbeat.update({
      where: { job: "keep_alive" },
      data: { lastRunAt: new Date(Date.now() - 600_000) },
    });
    const stalled = await (await health()).json();
    assert.equal(stalled.status, "degraded");
    assert.equal(stalled.worker, "stalled");
    assert.ok(stalled.lastSweepSecondsAgo >= 600);
    const keys = process.env.TOKEN_ENCRYPTION_KEYS;
    publishEnv({ TOKEN_ENCRYPTION_KEYS: "v1:too-short" });
    try {
      const broken = await health();
      assert.equal(broken.status, 503);
      const body = await broken.json();
      assert.equal(body.keyRing, "error");
      assert.doesNotMatch(JSON.stringify(body), /too-short|v1:/, "nothing of the configuration");
    } finally {
      publishEnv({ TOKEN_ENCRYPTION_KEYS: keys });
    }
  });
});
