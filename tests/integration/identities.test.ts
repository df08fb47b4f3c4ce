import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { resolveMismatch } from "@/lib/enrolments/complete";
import { pollDueEnrolments } from "@/lib/enrolments/poll";
import { startEnrolment } from "@/lib/enrolments/start";
import { getEnrolmentView } from "@/lib/enrolments/view";
import { refreshDueIdentityGrants } from "@/lib/identities/keep-alive";
import { setIdentityActive } from "@/lib/identities/lifecycle";
import { listIdentities } from "@/lib/identities/list";
import { createIdentity, getIdentity, updateIdentity } from "@/lib/identities/manage";
import { identityFields, listQuery } from "@/lib/identities/schemas";
import { db } from "@/lib/platform/db";
import { env } from "@/lib/platform/env";
import { AppError } from "@/lib/platform/errors";
import type { Actor } from "@/lib/teams/access";
import { setUpTestDatabase } from "../helpers/db.ts";
import { dumpDatabase, leakedForms } from "../helpers/dump.ts";
import { setUpSimulator } from "../helpers/simulator.ts";

const isCode = (code: string) => (e: unknown) => e instanceof AppError && e.code === code;

await setUpTestDatabase();
const sim = await setUpSimulator({ deviceInterval: 1 });

describe("service identities and device enrolment", () => {
  const actors = {} as Record<"admin" | "admin2" | "member" | "outsider", Actor>;

  before(async () => {
    const a = await db().team.create({ data: { slug: "alpha", name: "Alpha", nameSkeleton: "alpha" } });
    const b = await db().team.create({ data: { slug: "beta", name: "Beta", nameSkeleton: "beta" } });
    for (const [key, team, role] of [
      ["admin", a, "admin"],
      ["admin2", a, "admin"],
      ["member", a, "member"],
      ["outsider", b, "admin"],
    ] as const) {
      const user = await db().user.create({
        data: { anaplanUserId: `${key}`.padEnd(32, "0"), email: `${key}@x.example`, name: key },
      });
      await db().membership.create({ data: { teamId: team.id, userId: user.id, role } });
      actors[key] = { userId: user.id, isPortalAdmin: false };
    }
  });

  const fields = (name: string, extra: Record<string, unknown> = {}) => identityFields.parse({ name, ...extra });
  const counters = () => sim.operator.counters();
  const devicePolls = async () => (await counters()).token[sim.simulator.clients.device.id]?.device_code ?? 0;
  /** Makes the enrolment due now (the tests do not wait out real intervals) and polls it. */
  async function pollNow(enrolmentId: string) {
    await db().enrolment.update({ where: { id: enrolmentId }, data: { nextPollAt: new Date(Date.now() - 1) } });
    return pollDueEnrolments({ onlyId: enrolmentId });
  }
  async function userCodeOf(enrolmentId: string) {
    const view = await getEnrolmentView(actors.admin, "alpha", enrolmentId);
    assert.ok(view.userCode);
    return view.userCode;
  }

  test("admins create identities; members and other teams cannot, and change nothing", async () => {
    const created = await createIdentity(actors.admin, "alpha", fields("etl-nightly"));
    assert.equal(created.deviceClientId, sim.simulator.clients.device.id, "defaults to ANAPLAN_DEVICE_CLIENT_ID");
    await assert.rejects(createIdentity(actors.admin, "alpha", fields("etl-nightly")), isCode("conflict"));
    await assert.rejects(createIdentity(actors.member, "alpha", fields("by-member")), isCode("forbidden"));
    await assert.rejects(createIdentity(actors.outsider, "alpha", fields("by-outsider")), isCode("not_found"));
    await assert.rejects(getIdentity(actors.outsider, "alpha", created.id), isCode("not_found"));
    await assert.rejects(
      getIdentity(actors.outsider, "beta", created.id),
      isCode("not_found"),
      "other team's id = unknown id",
    );
    await assert.rejects(startEnrolment(actors.member, "alpha", created.id), isCode("forbidden"));
    await assert.rejects(startEnrolment(actors.outsider, "beta", created.id), isCode("not_found"));
    await assert.rejects(updateIdentity(actors.member, "alpha", created.id, fields("renamed")), isCode("forbidden"));
    await assert.rejects(updateIdentity(actors.outsider, "beta", created.id, fields("renamed")), isCode("not_found"));
    await assert.rejects(setIdentityActive(actors.member, "alpha", created.id, false), isCode("forbidden"));
    await assert.rejects(setIdentityActive(actors.outsider, "beta", created.id, false), isCode("not_found"));
    assert.equal(await db().serviceIdentity.count(), 1);
    assert.equal(await db().enrolment.count(), 0);
    const unchanged = await db().serviceIdentity.findUniqueOrThrow({ where: { id: created.id } });
    assert.equal(unchanged.name, "etl-nightly");
    assert.equal(unchanged.deactivatedAt, null);

    await updateIdentity(
      actors.admin,
      "alpha",
      created.id,
      fields("etl-nightly", { description: "nightly ETL", rotatable: "off" }),
    );
    const edited = await db().serviceIdentity.findUniqueOrThrow({ where: { id: created.id } });
    assert.equal(edited.description, "nightly ETL");
    assert.equal(edited.rotatable, false);
    await setIdentityActive(actors.admin, "alpha", created.id, false);
    assert.equal((await getIdentity(actors.admin, "alpha", created.id)).identity.state, "deactivated");
    await assert.rejects(startEnrolment(actors.admin, "alpha", created.id), isCode("conflict"));
    await setIdentityActive(actors.admin, "alpha", created.id, true);
    assert.throws(() => identityFields.parse({ name: "x", teamId: "y" }), "unknown keys are rejected");
    assert.throws(() => identityFields.parse({ name: "evil\u202Egnp.exe" }), "bidi overrides are rejected");
  });

  test("enrol: code shown to its starter only; approval as the service account makes the identity active", async () => {
    const identity = await createIdentity(
      actors.admin,
      "alpha",
      fields("loader", { expectedEmail: sim.simulator.users.service.email }),
    );
    const enrolmentId = await startEnrolment(actors.admin, "alpha", identity.id);
    assert.equal(await startEnrolment(actors.admin2, "alpha", identity.id), enrolmentId, "a second click reuses it");
    assert.equal((await getEnrolmentView(actors.admin2, "alpha", enrolmentId)).userCode, null);
    await assert.rejects(getEnrolmentView(actors.member, "alpha", enrolmentId), isCode("forbidden"));
    assert.equal((await getIdentity(actors.admin, "alpha", identity.id)).identity.state, "enrolling");

    await pollNow(enrolmentId);
    assert.equal((await db().enrolment.findUniqueOrThrow({ where: { id: enrolmentId } })).status, "pending");
    await sim.operator.approve(await userCodeOf(enrolmentId), "service");
    await sleep(1100); // the simulator answers slow_down to polls closer than `interval`
    await pollNow(enrolmentId);

    const done = await db().enrolment.findUniqueOrThrow({ where: { id: enrolmentId } });
    assert.equal(done.status, "approved");
    assert.equal(done.deviceCode, null);
    assert.equal(done.userCode, null);
    const { identity: active } = await getIdentity(actors.admin, "alpha", identity.id);
    assert.equal(active.state, "active");
    assert.equal(active.approvedByEmail, sim.simulator.users.service.email);
  });

  test("slow_down adds 5 s to the interval for this and every later poll", async () => {
    const identity = await createIdentity(actors.admin, "alpha", fields("slow"));
    const enrolmentId = await startEnrolment(actors.admin, "alpha", identity.id);
    await pollNow(enrolmentId);
    await pollNow(enrolmentId); // polled again at once: faster than `interval`
    const slowed = await db().enrolment.findUniqueOrThrow({ where: { id: enrolmentId } });
    assert.equal(slowed.intervalSeconds, 1 + 5);
    assert.ok(slowed.nextPollAt.getTime() - Date.now() > 5000);
    assert.equal(slowed.status, "pending");
  });

  test("denied and expired end the enrolment with a message and store nothing; trying again works", async () => {
    const identity = await createIdentity(actors.admin, "alpha", fields("refused"));
    const denied = await startEnrolment(actors.admin, "alpha", identity.id);
    await sim.operator.deny(await userCodeOf(denied));
    await pollNow(denied);
    const deniedRow = await db().enrolment.findUniqueOrThrow({ where: { id: denied } });
    assert.equal(deniedRow.status, "denied");
    assert.match(deniedRow.error ?? "", /denied/);
    assert.equal(deniedRow.grantId, null);
    assert.equal(deniedRow.deviceCode, null);

    await sim.operator.setDefaults({ deviceCodeTtlSeconds: 1 });
    const expired = await startEnrolment(actors.admin, "alpha", identity.id);
    await sim.operator.setDefaults({ deviceCodeTtlSeconds: 900 });
    await sleep(1100);
    await pollNow(expired);
    assert.equal((await db().enrolment.findUniqueOrThrow({ where: { id: expired } })).status, "expired");
    assert.equal((await getIdentity(actors.admin, "alpha", identity.id)).identity.state, "not_enrolled");

    const retry = await startEnrolment(actors.admin, "alpha", identity.id);
    assert.notEqual(retry, expired);
    await sim.operator.approve(await userCodeOf(retry), "service");
    await pollNow(retry);
    assert.equal((await getIdentity(actors.admin, "alpha", identity.id)).identity.state, "active");
  });

  test("a crashed poller's lease blocks others until it expires; then the enrolment resumes", async () => {
    const identity = await createIdentity(actors.admin, "alpha", fields("resumed"));
    const enrolmentId = await startEnrolment(actors.admin, "alpha", identity.id);
    await sim.operator.approve(await userCodeOf(enrolmentId), "service");
    await db().enrolment.update({
      where: { id: enrolmentId },
      data: { leaseOwner: "crashed-instance", leaseUntil: new Date(Date.now() + 30_000), nextPollAt: new Date(0) },
    });
    assert.equal(await pollDueEnrolments({ onlyId: enrolmentId }), 0);
    await db().enrolment.update({ where: { id: enrolmentId }, data: { leaseUntil: new Date(Date.now() - 1) } });
    assert.equal(await pollDueEnrolments({ onlyId: enrolmentId }), 1);
    assert.equal((await db().enrolment.findUniqueOrThrow({ where: { id: enrolmentId } })).status, "approved");
  });

  test("concurrent pollers poll a device code once at a time", async () => {
    const identity = await createIdentity(actors.admin, "alpha", fields("contended"));
    const enrolmentId = await startEnrolment(actors.admin, "alpha", identity.id);
    await db().enrolment.update({ where: { id: enrolmentId }, data: { nextPollAt: new Date(Date.now() - 1) } });
    const before = await devicePolls();
    const polled = await Promise.all(Array.from({ length: 8 }, () => pollDueEnrolments({ onlyId: enrolmentId })));
    assert.equal(
      polled.reduce((a, b) => a + b, 0),
      1,
    );
    assert.equal(await devicePolls(), before + 1);
  });

  test("re-enrolling keeps the old token until the new one exists; an unexpected approver is flagged", async () => {
    const identity = await createIdentity(
      actors.admin,
      "alpha",
      fields("guarded", { expectedEmail: sim.simulator.users.service.email }),
    );
    const first = await startEnrolment(actors.admin, "alpha", identity.id);
    await sim.operator.approve(await userCodeOf(first), "service");
    await pollNow(first);
    const oldGrant = (await db().serviceIdentity.findUniqueOrThrow({ where: { id: identity.id } })).grantId;
    assert.ok(oldGrant);

    const second = await startEnrolment(actors.admin, "alpha", identity.id);
    await sim.operator.approve(await userCodeOf(second), "member");
    await pollNow(second);
    const flagged = await db().enrolment.findUniqueOrThrow({ where: { id: second } });
    assert.equal(flagged.status, "mismatch");
    assert.match(flagged.error ?? "", /member@/);
    assert.equal((await db().serviceIdentity.findUniqueOrThrow({ where: { id: identity.id } })).grantId, oldGrant);

    await assert.rejects(resolveMismatch(actors.member, "alpha", second, true), isCode("forbidden"));
    await assert.rejects(resolveMismatch(actors.outsider, "beta", second, true), isCode("not_found"));
    await resolveMismatch(actors.admin, "alpha", second, false);
    assert.equal((await db().grant.findUniqueOrThrow({ where: { id: flagged.grantId ?? "" } })).status, "revoked");
    assert.equal((await db().serviceIdentity.findUniqueOrThrow({ where: { id: identity.id } })).grantId, oldGrant);

    const third = await startEnrolment(actors.admin, "alpha", identity.id);
    await sim.operator.approve(await userCodeOf(third), "service");
    await pollNow(third);
    const replaced = await db().serviceIdentity.findUniqueOrThrow({ where: { id: identity.id } });
    assert.notEqual(replaced.grantId, oldGrant);
    assert.equal((await db().grant.findUniqueOrThrow({ where: { id: oldGrant } })).status, "revoked");
  });

  test("keep-alive refreshes grants past half their life; one revoked at Anaplan turns 'needs attention'", async () => {
    const identity = await createIdentity(actors.admin, "alpha", fields("kept-alive"));
    // Started by the second admin: the first has used up the ten enrolment starts a minute allows.
    const enrolmentId = await startEnrolment(actors.admin2, "alpha", identity.id);
    const { userCode } = await db().enrolment.findUniqueOrThrow({ where: { id: enrolmentId } });
    await sim.operator.approve(userCode ?? "", "service");
    await pollNow(enrolmentId);
    const { grantId } = await db().serviceIdentity.findUniqueOrThrow({ where: { id: identity.id } });
    assert.ok(grantId);
    // Time passing: the last refresh moves back, and the sweep's one-minute claim is long over.
    const age = (hours: number) =>
      db().grant.update({
        where: { id: grantId },
        data: { lastRefreshAt: new Date(Date.now() - hours * 3600_000), sweepAfter: null },
      });
    const refreshes = async () => (await counters()).token[sim.simulator.clients.device.id]?.refresh_token ?? 0;

    await age(7);
    const before = await refreshes();
    await refreshDueIdentityGrants();
    assert.equal(await refreshes(), before + 1);
    assert.equal((await db().grant.findUniqueOrThrow({ where: { id: grantId } })).generation, 1);
    await refreshDueIdentityGrants();
    assert.equal(await refreshes(), before + 1, "not due again right after a refresh");

    await sim.operator.revokeGrants({ user: "service", clientId: sim.simulator.clients.device.id });
    await age(7);
    await refreshDueIdentityGrants();
    const { identity: flagged } = await getIdentity(actors.admin, "alpha", identity.id);
    assert.equal(flagged.state, "needs_attention");
    assert.match(flagged.grant?.statusReason ?? "", /Anaplan no longer accepts/);
  });

  test("state filters and derived states agree; search and pagination are server-side", async () => {
    const { identities: all, next } = await listIdentities(actors.admin, "alpha", listQuery.parse({}));
    assert.equal(next, null, "one page holds them all");
    for (const state of ["active", "enrolling", "not_enrolled", "needs_attention", "expired", "deactivated"] as const) {
      const filtered = await listIdentities(actors.admin, "alpha", listQuery.parse({ state }));
      assert.deepEqual(
        filtered.identities.map((i) => i.id).sort(),
        all
          .filter((i) => i.state === state)
          .map((i) => i.id)
          .sort(),
        state,
      );
    }
    const found = await listIdentities(actors.admin, "alpha", listQuery.parse({ q: "LOAD" }));
    assert.deepEqual(
      found.identities.map((i) => i.name),
      ["loader"],
    );
    assert.deepEqual((await listIdentities(actors.outsider, "beta", listQuery.parse({}))).identities, []);
  });

  test("20 concurrent enrolment starts by one admin get at most 10 through (security review #4)", async () => {
    const second = new Date().getUTCSeconds();
    if (second > 40) await sleep((61 - second) * 1000); // one calendar-minute window for the whole burst
    const racer = await db().user.create({
      data: { anaplanUserId: "racer".padEnd(32, "0"), email: "racer@x.example", name: "racer" },
    });
    const team = await db().team.findUniqueOrThrow({ where: { slug: "alpha" } });
    await db().membership.create({ data: { teamId: team.id, userId: racer.id, role: "admin" } });
    const actor = { userId: racer.id, isPortalAdmin: false };
    const targets = [];
    for (let i = 0; i < 20; i++) targets.push(await createIdentity(actor, "alpha", fields(`race-${i}`)));
    const outcomes = await Promise.allSettled(targets.map((t) => startEnrolment(actor, "alpha", t.id)));
    assert.equal(outcomes.filter((o) => o.status === "fulfilled").length, 10);
    for (const o of outcomes) if (o.status === "rejected") assert.ok(isCode("rate_limited")(o.reason));
    assert.equal(await db().enrolment.count({ where: { startedById: racer.id } }), 10);
  });

  test("search treats % and _ as plain characters (security review #10)", async () => {
    for (const name of ["pct_a_b", "pct_axb", "pct-50%", "pct-500"]) {
      await createIdentity(actors.admin, "alpha", fields(name));
    }
    const names = async (q: string) =>
      (await listIdentities(actors.admin, "alpha", listQuery.parse({ q }))).identities.map((i) => i.name);
    assert.deepEqual(await names("a_b"), ["pct_a_b"]);
    assert.deepEqual(await names("50%"), ["pct-50%"]);
    assert.deepEqual(await names("%"), ["pct-50%"]);
  });

  test("a dump of every table holds none of the simulator's token values", async () => {
    const issued = await sim.operator.issuedTokens();
    assert.ok(issued.length > 10);
    const dump = await dumpDatabase(env().DATABASE_URL ?? "");
    assert.ok(dump.includes("loader"), "the dump has content");
    for (const token of issued) {
      for (const form of leakedForms(token)) {
        assert.ok(!dump.includes(form), "a token value was found in the database");
      }
    }
  });
});
