// Outgoing webhooks end to end: events from real audited actions (and a grant revoked at the simulator, found by
// the keep-alive), delivered to a local receiver whose signatures the standardwebhooks package (an independent
// implementation) verifies; retries, redelivery, giving up, the address policy, and authorization.
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { Webhook } from "standardwebhooks";
import { createApiKey, keyFields } from "@/lib/broker/keys";
import { pollDueEnrolments } from "@/lib/enrolments/poll";
import { startEnrolment } from "@/lib/enrolments/start";
import { refreshDueIdentityGrants } from "@/lib/identities/keep-alive";
import { revokeIdentityTokens, setIdentityActive } from "@/lib/identities/lifecycle";
import { deliverDueWebhooks } from "@/lib/notify/deliver";
import { announceExpiries } from "@/lib/notify/expiring";
import { addWebhook, endpointFields, listWebhooks, redeliver, sendTestEvent } from "@/lib/notify/webhooks";
import { db } from "@/lib/platform/db";
import { publishEnv } from "@/lib/platform/env";
import { AppError } from "@/lib/platform/errors";
import { setUpTestDatabase } from "../helpers/db.ts";
import { setUpSimulator } from "../helpers/simulator.ts";
import { type Actors, enrolledIdentity, setUpTeams } from "../helpers/team.ts";

await setUpTestDatabase();
const sim = await setUpSimulator();
const isCode = (code: string) => (e: unknown) => e instanceof AppError && e.code === code;

type Received = { headers: Record<string, string>; body: string };

/** A receiver on loopback that records every request and answers `status` (200 unless told otherwise). */
async function startReceiver() {
  const received: Received[] = [];
  const state = { status: 200 };
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    received.push({ headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString() });
    res.writeHead(state.status).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received, state, close };
}

describe("webhooks", () => {
  let actors: Actors;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let verifier: Webhook;
  const fields = (url: string) => endpointFields.parse({ url });
  /** The payloads verified by standardwebhooks, in arrival order; throws on any bad signature. */
  const verified = () =>
    receiver.received.map((r) => verifier.verify(r.body, r.headers) as { type: string; data: Record<string, string> });
  const deliveriesOf = async (type: string) =>
    db().webhookDelivery.findMany({ where: { eventType: type }, orderBy: { createdAt: "asc" } });

  after(() => receiver.close());

  before(async () => {
    actors = await setUpTeams("hook");
    receiver = await startReceiver();
    publishEnv({ WEBHOOK_ALLOW_PRIVATE: "1" });
    const { secret } = await addWebhook(actors.admin, "hook-a", fields(receiver.url));
    assert.match(secret, /^whsec_[A-Za-z0-9+/=]{32}$/);
    verifier = new Webhook(secret);
  });

  test("only the team's admins manage webhooks; the secret is stored sealed; the address policy holds", async () => {
    await assert.rejects(addWebhook(actors.member, "hook-a", fields(receiver.url)), isCode("forbidden"));
    await assert.rejects(addWebhook(actors.outsider, "hook-a", fields(receiver.url)), isCode("not_found"));
    const [endpoint] = await db().webhookEndpoint.findMany();
    assert.ok(endpoint);
    assert.ok(!Buffer.from(endpoint.secret).toString("latin1").includes("whsec_"), "sealed, not plaintext");
    await assert.rejects(sendTestEvent(actors.outsider, "hook-b", endpoint.id), isCode("not_found"));
    for (const bad of ["ftp://x.example/h", "not a url", "http://user:pw@x.example/h"]) {
      await assert.rejects(addWebhook(actors.admin, "hook-a", fields(bad)), isCode("bad_request"), bad);
    }
    publishEnv({ WEBHOOK_ALLOW_PRIVATE: "0" });
    try {
      for (const inside of ["http://127.0.0.1:9/h", "http://10.1.2.3/h", "http://[::1]/h", "http://169.254.169.254/"]) {
        await assert.rejects(addWebhook(actors.admin, "hook-a", fields(inside)), isCode("bad_request"), inside);
      }
    } finally {
      publishEnv({ WEBHOOK_ALLOW_PRIVATE: "1" });
    }
    assert.equal(await db().webhookEndpoint.count(), 1);
  });

  test("a test event and real identity events arrive signed, and verify with standardwebhooks", async () => {
    const [endpoint] = await db().webhookEndpoint.findMany();
    await sendTestEvent(actors.admin, "hook-a", endpoint?.id ?? "");
    const identity = await enrolledIdentity(sim, actors.admin, "hook-a", "hooked");
    await setIdentityActive(actors.admin, "hook-a", identity.id, false);
    await deliverDueWebhooks();
    const events = verified();
    // Deliveries go out in parallel, so they may arrive in any order.
    assert.deepEqual(events.map((e) => e.type).sort(), ["identity.deactivated", "webhook.test"]);
    assert.equal(events.find((e) => e.type === "identity.deactivated")?.data.identity_id, identity.id);
    assert.equal(new Set(receiver.received.map((r) => r.headers["webhook-id"])).size, receiver.received.length);
    assert.equal((await deliveriesOf("identity.deactivated"))[0]?.status, "delivered");
  });

  test("a grant revoked at Anaplan turns 'needs attention' in one sweep, and the webhook says so", async () => {
    const identity = await enrolledIdentity(sim, actors.admin, "hook-a", "revoked-upstream");
    await sim.operator.revokeGrants({ user: "service", clientId: sim.simulator.clients.device.id });
    await db().grant.update({
      where: { id: identity.grantId },
      data: { lastRefreshAt: new Date(Date.now() - 7 * 3600_000), sweepAfter: null },
    });
    await refreshDueIdentityGrants();
    await deliverDueWebhooks();
    const event = verified().find((e) => e.type === "identity.needs_attention" && e.data.identity_id === identity.id);
    assert.ok(event, "the needs_attention event arrived");
    assert.equal(event.data.team_id, (await db().team.findUniqueOrThrow({ where: { slug: "hook-a" } })).id);

    // Enrolled again: the enrolment completes and the identity is announced as recovered.
    const enrolmentId = await startEnrolment(actors.admin, "hook-a", identity.id);
    const { userCode } = await db().enrolment.findUniqueOrThrow({ where: { id: enrolmentId } });
    await sim.operator.approve(userCode ?? "", "service");
    await db().enrolment.update({ where: { id: enrolmentId }, data: { nextPollAt: new Date(Date.now() - 1) } });
    await pollDueEnrolments({ onlyId: enrolmentId });
    await deliverDueWebhooks();
    const about = verified()
      .filter((e) => e.data.identity_id === identity.id)
      .map((e) => e.type);
    assert.deepEqual(about.sort(), ["enrolment.completed", "identity.needs_attention", "identity.recovered"]);
  });

  test("expiring chains and keys are announced once per threshold", async () => {
    const identity = await enrolledIdentity(sim, actors.admin, "hook-a", "ending");
    // Only a chain whose client is known to be absolute has an end to announce.
    await db().oauthClientLifetime.create({
      data: { oauthUrl: identity.oauthUrl, clientId: identity.deviceClientId, lifetime: "absolute", evidence: "test" },
    });
    const day = 24 * 3600_000;
    await db().grant.update({
      where: { id: identity.grantId },
      data: { refreshTokenExpiresAt: new Date(Date.now() + 2.5 * day) },
    });
    const { key } = await createApiKey(
      actors.admin,
      "hook-a",
      identity.id,
      keyFields.parse({ name: "k", expiresInDays: "7" }),
    );
    await announceExpiries();
    await announceExpiries();
    await db().grant.update({
      where: { id: identity.grantId },
      data: { refreshTokenExpiresAt: new Date(Date.now() + 0.5 * day) },
    });
    await announceExpiries();
    await deliverDueWebhooks();
    const about = verified().filter(
      (e) => e.data.identity_id === identity.id && (e.type === "identity.expiring" || e.type === "key.expiring"),
    );
    assert.deepEqual(
      about.map((e) => [e.type, e.data.within_days]).sort(),
      [
        ["identity.expiring", 1],
        ["identity.expiring", 3],
        ["key.expiring", 14],
      ],
      "3 days, then 1 day for the chain; 14 days for the key; nothing twice",
    );
    assert.ok(key.startsWith("atp_"));
  });

  test("a failing receiver is retried on the schedule, redelivery sends again, and after the last attempt it gives up", async () => {
    const identity = await enrolledIdentity(sim, actors.admin, "hook-a", "retried");
    receiver.state.status = 500;
    await revokeIdentityTokens(actors.admin, "hook-a", identity.id);
    await deliverDueWebhooks();
    const [failing] = await deliveriesOf("identity.revoked");
    assert.ok(failing);
    assert.equal(failing.status, "pending");
    assert.equal(failing.attempts, 1);
    assert.equal(failing.lastStatusCode, 500);
    assert.ok(failing.nextAttemptAt && failing.nextAttemptAt.getTime() > Date.now(), "the next attempt is later");
    await deliverDueWebhooks();
    assert.equal(
      (await db().webhookDelivery.findUniqueOrThrow({ where: { id: failing.id } })).attempts,
      1,
      "not yet due",
    );

    receiver.state.status = 204;
    await db().webhookDelivery.update({ where: { id: failing.id }, data: { nextAttemptAt: new Date() } });
    await deliverDueWebhooks();
    const recovered = await db().webhookDelivery.findUniqueOrThrow({ where: { id: failing.id } });
    assert.equal(recovered.status, "delivered");
    assert.equal(recovered.attempts, 2);
    const sameId = () => receiver.received.filter((r) => r.headers["webhook-id"] === failing.id).length;
    assert.equal(sameId(), 2, "the retry carried the same webhook-id");

    await assert.rejects(redeliver(actors.outsider, "hook-b", failing.id), isCode("not_found"));
    await redeliver(actors.admin, "hook-a", failing.id);
    await deliverDueWebhooks();
    assert.equal(sameId(), 3);

    receiver.state.status = 503;
    await db().webhookDelivery.update({
      where: { id: failing.id },
      data: { status: "pending", attempts: 7, nextAttemptAt: new Date() },
    });
    await deliverDueWebhooks();
    const given = await db().webhookDelivery.findUniqueOrThrow({ where: { id: failing.id } });
    assert.equal(given.status, "failed");
    assert.equal(given.lastStatusCode, 503);
    receiver.state.status = 200;

    const { endpoints } = await listWebhooks(actors.admin, "hook-a");
    assert.ok(
      endpoints[0]?.deliveries.some((d) => d.id === failing.id && d.status === "failed"),
      "the log shows it",
    );
    await assert.rejects(listWebhooks(actors.member, "hook-a"), isCode("forbidden"));
  });

  test("DNS rebinding: a name that answers public when checked and loopback when connecting is never reached", async () => {
    const port = new URL(receiver.url).port;
    let lookups = 0;
    // Public for the save and the pre-delivery check, then the receiver's loopback address at connect time.
    const rebinding = async () => [{ address: lookups++ < 2 ? "93.184.216.34" : "127.0.0.1", family: 4 }];
    publishEnv({ WEBHOOK_ALLOW_PRIVATE: "0" });
    try {
      const url = `http://rebind.example:${port}/hook`;
      const before = receiver.received.length;
      const { endpointId } = await addWebhook(actors.outsider, "hook-b", fields(url), rebinding).then(async () => ({
        endpointId: (await db().webhookEndpoint.findFirstOrThrow({ where: { url } })).id,
      }));
      await sendTestEvent(actors.outsider, "hook-b", endpointId);
      await deliverDueWebhooks(20, rebinding);
      assert.ok(lookups >= 3, "the connection looked the name up again");
      assert.equal(receiver.received.length, before, "nothing reached the loopback receiver");
      const [delivery] = await db().webhookDelivery.findMany({ where: { endpointId } });
      assert.equal(delivery?.status, "pending", "retried later, not reported delivered");
      assert.equal(delivery?.lastStatusCode, null, "no status from an internal port leaks back");
      assert.match(delivery?.lastError ?? "", /private network/);
    } finally {
      publishEnv({ WEBHOOK_ALLOW_PRIVATE: "1" });
    }
  });
});
