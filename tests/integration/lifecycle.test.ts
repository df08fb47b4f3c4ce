// Revoke, delete, cancel and the team-wide incident actions, against a real Postgres and the simulator.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { POST as tokenRoute } from "@/app/api/v1/token/route";
import { createApiKey, keyFields } from "@/lib/broker/keys";
import { cancelEnrolment } from "@/lib/enrolments/cancel";
import { startEnrolment } from "@/lib/enrolments/start";
import {
  deleteIdentity,
  describeRevocation,
  revokeAllInTeam,
  revokeIdentityTokens,
  setAllActiveInTeam,
  setIdentityActive,
} from "@/lib/identities/lifecycle";
import { listIdentities } from "@/lib/identities/list";
import { createIdentity, getIdentity } from "@/lib/identities/manage";
import { identityFields, listQuery } from "@/lib/identities/schemas";
import { db } from "@/lib/platform/db";
import { AppError } from "@/lib/platform/errors";
import { setUpTestDatabase } from "../helpers/db.ts";
import { dumpDatabase, leakedForms } from "../helpers/dump.ts";
import { setUpSimulator } from "../helpers/simulator.ts";
import { type Actors, enrolledIdentity, setUpTeams } from "../helpers/team.ts";

const isCode = (code: string) => (e: unknown) => e instanceof AppError && e.code === code;
const dbUrl = await setUpTestDatabase();
const sim = await setUpSimulator();

const ask = async (key: string) =>
  (
    await tokenRoute(
      new Request("http://p/api/v1/token", { method: "POST", headers: { authorization: `Bearer ${key}` } }),
    )
  ).status;

describe("deactivate, revoke, delete, cancel", () => {
  let actors: Actors;
  before(async () => {
    actors = await setUpTeams("life");
  });
  const keyFor = async (identityId: string, name = "k") =>
    (await createApiKey(actors.admin, "life-a", identityId, keyFields.parse({ name }))).key;

  test("revoke destroys the sealed tokens (no token value in a dump), revokes every key, logs out at Anaplan", async () => {
    const identity = await enrolledIdentity(sim, actors.admin, "life-a", "to-revoke");
    const keys = [await keyFor(identity.id, "a"), await keyFor(identity.id, "b")];
    assert.equal(await ask(keys[0] ?? ""), 200);
    await assert.rejects(revokeIdentityTokens(actors.member, "life-a", identity.id), isCode("forbidden"));
    await assert.rejects(revokeIdentityTokens(actors.outsider, "life-b", identity.id), isCode("not_found"));
    const before = await sim.operator.counters();
    const report = await revokeIdentityTokens(actors.admin, "life-a", identity.id);
    assert.deepEqual(report, {
      identities: 1,
      keysRevoked: 2,
      tokensDestroyed: 1,
      logout: { done: 1 },
      revocation: { done: 1 },
    });
    assert.match(
      describeRevocation(report),
      /API keys revoked: 2\..*logout at Anaplan: done.*revocation at Anaplan: done/,
    );
    const after = await sim.operator.counters();
    assert.equal(after.logout, before.logout + 1, "the simulator saw the logout");
    assert.equal(after.revoke, before.revoke + 1, "and the RFC 7009 revocation");
    for (const key of keys) assert.equal(await ask(key), 401, "keys are refused for good");
    const grant = await db().grant.findUniqueOrThrow({ where: { id: identity.grantId } });
    assert.equal(grant.status, "revoked");
    assert.equal(grant.refreshToken, null);
    assert.equal(grant.accessToken, null);
    const dump = await dumpDatabase(dbUrl);
    for (const token of [identity.tokens.accessToken, identity.tokens.refreshToken ?? ""]) {
      for (const form of leakedForms(token)) assert.ok(!dump.includes(form), "no token value survives");
    }
    assert.equal((await getIdentity(actors.admin, "life-a", identity.id)).identity.state, "revoked");
    const revokedList = await listIdentities(actors.admin, "life-a", listQuery.parse({ state: "revoked" }));
    assert.deepEqual(
      revokedList.identities.map((i) => i.name),
      ["to-revoke"],
      "the state filter agrees",
    );
    await assert.rejects(setIdentityActive(actors.admin, "life-a", identity.id, false), isCode("conflict"));
    const audit = await db().auditEvent.findMany({ where: { targetId: identity.id }, orderBy: { id: "asc" } });
    assert.deepEqual(
      audit.map((e) => e.action).filter((a) => a.startsWith("identity.revoke")),
      ["identity.revoke", "identity.revoke_at_anaplan"],
    );
    assert.equal(audit.find((e) => e.action === "identity.revoke")?.ip, "192.0.2.10");
  });

  test("Anaplan unreachable: the portal's side of a revocation holds anyway, and the report says what failed", async () => {
    const identity = await enrolledIdentity(sim, actors.admin, "life-a", "offline-revoke");
    const key = await keyFor(identity.id);
    await sim.operator.failNext({ endpoint: "logout", count: 1, status: 503 });
    await sim.operator.failNext({ endpoint: "revoke", count: 1, status: 503 });
    const report = await revokeIdentityTokens(actors.admin, "life-a", identity.id);
    assert.deepEqual(report.logout, { failed: 1 });
    assert.deepEqual(report.revocation, { failed: 1 });
    assert.match(describeRevocation(report), /OAuth Clients/);
    assert.equal(await ask(key), 401);
    assert.equal((await db().grant.findUniqueOrThrow({ where: { id: identity.grantId } })).refreshToken, null);
  });

  test("a new enrolment brings a revoked identity back", async () => {
    const identity = await enrolledIdentity(sim, actors.admin, "life-a", "comeback");
    await revokeIdentityTokens(actors.admin, "life-a", identity.id);
    const enrolmentId = await startEnrolment(actors.admin, "life-a", identity.id);
    assert.equal((await getIdentity(actors.admin, "life-a", identity.id)).identity.state, "enrolling");
    await cancelEnrolment(actors.admin, "life-a", enrolmentId);
    assert.equal((await getIdentity(actors.admin, "life-a", identity.id)).identity.state, "revoked");
    const again = await enrolledIdentity(sim, actors.admin, "life-a", "comeback-2");
    assert.equal((await getIdentity(actors.admin, "life-a", again.id)).identity.state, "active");
  });

  test("cancel ends a pending enrolment and erases its device code; only admins of the team may", async () => {
    const identity = await createIdentity(actors.admin, "life-a", identityFields.parse({ name: "cancel-me" }));
    const enrolmentId = await startEnrolment(actors.admin, "life-a", identity.id);
    await assert.rejects(cancelEnrolment(actors.member, "life-a", enrolmentId), isCode("forbidden"));
    await assert.rejects(cancelEnrolment(actors.outsider, "life-b", enrolmentId), isCode("not_found"));
    await assert.rejects(cancelEnrolment(actors.admin, "life-a", { id: enrolmentId } as never), isCode("not_found"));
    await cancelEnrolment(actors.admin, "life-a", enrolmentId);
    const row = await db().enrolment.findUniqueOrThrow({ where: { id: enrolmentId } });
    assert.equal(row.status, "cancelled");
    assert.equal(row.deviceCode, null);
    assert.equal(row.userCode, null);
    await assert.rejects(cancelEnrolment(actors.admin, "life-a", enrolmentId), isCode("conflict"));
    assert.equal((await getIdentity(actors.admin, "life-a", identity.id)).identity.state, "not_enrolled");
  });

  test("delete: refused while a token is held or an enrolment runs; allowed once revoked; audit stays", async () => {
    const identity = await enrolledIdentity(sim, actors.admin, "life-a", "delete-me");
    await keyFor(identity.id);
    await assert.rejects(deleteIdentity(actors.admin, "life-a", identity.id), isCode("conflict"));
    await assert.rejects(deleteIdentity(actors.member, "life-a", identity.id), isCode("forbidden"));
    await revokeIdentityTokens(actors.admin, "life-a", identity.id);
    assert.equal(await deleteIdentity(actors.admin, "life-a", identity.id), "delete-me");
    assert.equal(await db().serviceIdentity.count({ where: { id: identity.id } }), 0);
    assert.equal(await db().apiKey.count({ where: { identityId: identity.id } }), 0);
    assert.equal(await db().grant.count({ where: { id: identity.grantId } }), 0);
    const history = await db().auditEvent.findMany({ where: { targetId: identity.id } });
    assert.ok(history.some((e) => e.action === "identity.delete"));
    assert.ok(
      history.some((e) => e.action === "key.create"),
      "earlier events are kept",
    );

    const fresh = await createIdentity(actors.admin, "life-a", identityFields.parse({ name: "never-enrolled" }));
    const running = await startEnrolment(actors.admin, "life-a", fresh.id);
    await assert.rejects(deleteIdentity(actors.admin, "life-a", fresh.id), isCode("conflict"));
    await cancelEnrolment(actors.admin, "life-a", running);
    await deleteIdentity(actors.admin, "life-a", fresh.id);
  });

  test("team-wide: deactivate, reactivate and revoke all need the slug typed, touch only identities holding a token, and report", async () => {
    const one = await enrolledIdentity(sim, actors.admin, "life-a", "incident-1");
    const two = await enrolledIdentity(sim, actors.admin, "life-a", "incident-2");
    const tokenless = await createIdentity(actors.admin, "life-a", identityFields.parse({ name: "never-enrolled" }));
    const bystander = await enrolledIdentity(sim, actors.outsider, "life-b", "other-team");
    const keys = [await keyFor(one.id), await keyFor(two.id)];
    await assert.rejects(setAllActiveInTeam(actors.admin, "life-a", "life-b", false), isCode("bad_request"));
    await assert.rejects(setAllActiveInTeam(actors.member, "life-a", "life-a", false), isCode("forbidden"));
    const paused = await setAllActiveInTeam(actors.admin, "life-a", "life-a", false);
    assert.ok(paused >= 2);
    for (const key of keys) assert.equal(await ask(key), 403);
    assert.equal(await setAllActiveInTeam(actors.admin, "life-a", "life-a", false), 0, "nothing left to pause");
    const untouched = async () => (await getIdentity(actors.admin, "life-a", tokenless.id)).identity;
    assert.equal((await untouched()).state, "not_enrolled", "an identity with no token is not paused");
    assert.equal(await setAllActiveInTeam(actors.admin, "life-a", "life-a", true), paused, "reactivate all undoes it");
    for (const key of keys) assert.equal(await ask(key), 200);
    await assert.rejects(revokeAllInTeam(actors.admin, "life-a", "nope"), isCode("bad_request"));
    const report = await revokeAllInTeam(actors.admin, "life-a", "life-a");
    assert.ok(report.identities >= 2);
    assert.ok(report.keysRevoked >= 2);
    for (const key of keys) assert.equal(await ask(key), 401);
    for (const i of [one, two]) {
      assert.equal((await getIdentity(actors.admin, "life-a", i.id)).identity.state, "revoked");
    }
    assert.equal((await untouched()).state, "not_enrolled", "an identity with no token is not revoked");
    assert.equal((await untouched()).revokedAt, null);
    const other = await db().grant.findUniqueOrThrow({ where: { id: bystander.grantId } });
    assert.equal(other.status, "active", "another team's identity is untouched");
    assert.notEqual(other.refreshToken, null);
  });
});
