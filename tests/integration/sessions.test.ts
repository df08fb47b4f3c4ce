import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { AnaplanError, getCurrentUser } from "@/lib/anaplan";
import { db } from "@/lib/platform/db";
import { publishEnv } from "@/lib/platform/env";
import { AppError } from "@/lib/platform/errors";
import { endLapsedSessions, endSession, loadSession, sessionAccessToken } from "@/lib/users/sessions";
import { signInRefusal, startUserSession } from "@/lib/users/sign-in";
import { checkSessionStanding } from "@/lib/users/standing";
import { setUpTestDatabase } from "../helpers/db.ts";
import { setUpSimulator } from "../helpers/simulator.ts";

await setUpTestDatabase();
const sim = await setUpSimulator();

describe("user sessions", () => {
  async function signIn(user: "admin" | "member" | "service") {
    const tokens = await sim.deviceTokens(sim.simulator.clients.device.id, user);
    const profile = await getCurrentUser(sim.endpoints, tokens.accessToken);
    return { sessionId: await startUserSession(profile, tokens), tokens, profile };
  }

  test("the first user becomes a portal admin, later ones do not unless listed in ADMIN_EMAILS", async () => {
    const first = await signIn("admin");
    const second = await signIn("member");
    const firstUser = await db().user.findUniqueOrThrow({ where: { anaplanUserId: first.profile.id } });
    const secondUser = await db().user.findUniqueOrThrow({ where: { anaplanUserId: second.profile.id } });
    assert.equal(firstUser.isPortalAdmin, true);
    assert.equal(secondUser.isPortalAdmin, false);
    assert.equal(firstUser.customerId, first.profile.customerId);

    publishEnv({ ADMIN_EMAILS: ` ${sim.simulator.users.member.email.toUpperCase()} ` });
    await signIn("member");
    assert.equal((await db().user.findUniqueOrThrow({ where: { id: secondUser.id } })).isPortalAdmin, true);
    publishEnv({ ADMIN_EMAILS: "" });
  });

  test("a users/me answer with only id and email signs in, named by the email", async () => {
    await sim.operator.setProfile("minimal");
    try {
      const { sessionId, profile } = await signIn("member");
      assert.equal(profile.firstName, "");
      assert.equal(profile.active, true);
      assert.equal(profile.customerId, null);
      const session = await loadSession(sessionId);
      assert.equal(session?.user.name, sim.simulator.users.member.email);
    } finally {
      await sim.operator.setProfile("full");
    }
  });

  test("a session row carries the sealed grant; sign-out ends it and logs the Anaplan token out", async () => {
    const { sessionId, tokens } = await signIn("service");
    const session = await loadSession(sessionId);
    assert.ok(session);
    const grant = await db().grant.findUniqueOrThrow({ where: { id: session.grantId } });
    assert.equal(grant.kind, "user");
    assert.ok(grant.refreshToken && !Buffer.from(grant.refreshToken).includes(tokens.refreshToken ?? "-"));

    const logoutsBefore = (await sim.operator.counters()).logout;
    await endSession(sessionId);
    assert.equal(await loadSession(sessionId), null);
    assert.equal((await sim.operator.counters()).logout, logoutsBefore + 1);
    await assert.rejects(getCurrentUser(sim.endpoints, tokens.accessToken), AnaplanError);
    const ended = await db().grant.findUniqueOrThrow({ where: { id: session.grantId } });
    assert.equal(ended.status, "revoked");
    assert.equal(ended.refreshToken, null);
  });

  test("inactive Anaplan accounts and (with ANAPLAN_CUSTOMER_IDS) other tenants cannot sign in (security review #13)", async () => {
    const tokens = await sim.deviceTokens(sim.simulator.clients.device.id, "member");
    const profile = await getCurrentUser(sim.endpoints, tokens.accessToken);
    assert.equal(await signInRefusal(profile), null);
    assert.equal(await signInRefusal({ ...profile, active: false }), "inactive");
    await assert.rejects(
      startUserSession({ ...profile, active: false }, tokens),
      (e: unknown) => e instanceof AppError,
    );
    publishEnv({ ANAPLAN_CUSTOMER_IDS: "0".repeat(32) });
    try {
      assert.equal(await signInRefusal(profile), "tenant");
      publishEnv({ ANAPLAN_CUSTOMER_IDS: `${"0".repeat(32)}, ${(profile.customerId ?? "").toUpperCase()}` });
      assert.equal(await signInRefusal(profile), null);
    } finally {
      publishEnv({ ANAPLAN_CUSTOMER_IDS: "" });
    }
  });

  test("sessions that lapse (idle, expired, user disabled) lose their sealed tokens to the worker (security review #2)", async () => {
    const idle = await signIn("member");
    const expired = await signIn("member");
    const disabled = await signIn("service");
    const live = await signIn("admin");
    await db().userSession.update({
      where: { id: idle.sessionId },
      data: { lastSeenAt: new Date(Date.now() - 31 * 60_000) },
    });
    await db().userSession.update({ where: { id: expired.sessionId }, data: { expiresAt: new Date(Date.now() - 1) } });
    await db().user.update({ where: { anaplanUserId: disabled.profile.id }, data: { disabledAt: new Date() } });
    const logoutsBefore = (await sim.operator.counters()).logout;
    assert.ok((await endLapsedSessions()) >= 3);
    for (const ended of [idle, expired, disabled]) {
      const session = await db().userSession.findUniqueOrThrow({
        where: { id: ended.sessionId },
        include: { grant: true },
      });
      assert.ok(session.revokedAt);
      assert.equal(session.grant.status, "revoked");
      assert.equal(session.grant.refreshToken, null);
      assert.equal(session.grant.accessToken, null);
    }
    assert.ok((await sim.operator.counters()).logout >= logoutsBefore + 3, "their access tokens were logged out");
    const untouched = await db().userSession.findUniqueOrThrow({
      where: { id: live.sessionId },
      include: { grant: true },
    });
    assert.equal(untouched.grant.status, "active");
    assert.equal(await endLapsedSessions(), 0, "nothing left to do");
    await db().user.update({ where: { anaplanUserId: disabled.profile.id }, data: { disabledAt: null } });
  });

  test("a disabled user is locked out on the next request and cannot sign in again", async () => {
    const { sessionId, profile, tokens } = await signIn("member");
    assert.ok(await loadSession(sessionId));
    await db().user.update({ where: { anaplanUserId: profile.id }, data: { disabledAt: new Date() } });
    assert.equal(await loadSession(sessionId), null);
    assert.equal(await signInRefusal(profile), "disabled");
    await assert.rejects(
      startUserSession(profile, tokens),
      (e: unknown) => e instanceof AppError && e.code === "forbidden",
    );
    await db().user.update({ where: { anaplanUserId: profile.id }, data: { disabledAt: null } });
  });

  test("idle and absolute timeouts are enforced on the server", async () => {
    const idle = await signIn("service");
    await db().userSession.update({
      where: { id: idle.sessionId },
      data: { lastSeenAt: new Date(Date.now() - 31 * 60_000) },
    });
    assert.equal(await loadSession(idle.sessionId), null);
    const old = await signIn("service");
    await db().userSession.update({ where: { id: old.sessionId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    assert.equal(await loadSession(old.sessionId), null);
  });

  test("pending invites become memberships at sign-in", async () => {
    const team = await db().team.create({ data: { slug: "finance", name: "Finance", nameSkeleton: "finance" } });
    await db().invite.create({ data: { teamId: team.id, email: sim.simulator.users.service.email, role: "admin" } });
    const { profile } = await signIn("service");
    const user = await db().user.findUniqueOrThrow({ where: { anaplanUserId: profile.id } });
    const membership = await db().membership.findUnique({
      where: { teamId_userId: { teamId: team.id, userId: user.id } },
    });
    assert.equal(membership?.role, "admin");
    assert.equal(await db().invite.count({ where: { teamId: team.id } }), 0);
  });

  describe("a session follows its user's standing at Anaplan", () => {
    const grantOf = async (sessionId: string) =>
      (await db().userSession.findUniqueOrThrow({ where: { id: sessionId } })).grantId;
    const makeDue = (grantId: string) => db().grant.update({ where: { id: grantId }, data: { sweepAfter: null } });
    const endedRow = (sessionId: string) => db().userSession.findUniqueOrThrow({ where: { id: sessionId } });

    test("the worker's check (every SESSION_CHECK_MINUTES) ends a session Anaplan refuses, and only that one", async () => {
      const removed = await signIn("member");
      const kept = await signIn("admin");
      const validations = (await sim.operator.counters()).validate;
      assert.ok((await checkSessionStanding()) >= 2);
      assert.ok((await sim.operator.counters()).validate >= validations + 2, "each live session was validated");
      assert.equal(await checkSessionStanding(), 0, "checked sessions are not due again for SESSION_CHECK_MINUTES");
      const removedGrant = await grantOf(removed.sessionId);
      assert.ok(
        (await db().grant.findUniqueOrThrow({ where: { id: removedGrant } })).sweepAfter,
        "next check scheduled",
      );

      // The person is removed at Anaplan: their grants are revoked there.
      await sim.operator.revokeGrants({ user: "member" });
      await makeDue(removedGrant);
      await makeDue(await grantOf(kept.sessionId));
      await checkSessionStanding();
      const row = await endedRow(removed.sessionId);
      assert.ok(row.revokedAt, "the session ended without any request from its browser");
      assert.match(row.endReason ?? "", /Anaplan no longer accepts your sign-in/);
      assert.equal(await loadSession(removed.sessionId), null);
      const grant = await db().grant.findUniqueOrThrow({ where: { id: removedGrant } });
      assert.equal(grant.status, "revoked");
      assert.equal(grant.refreshToken, null, "its tokens are destroyed");
      const audited = await db().auditEvent.findFirst({
        where: { action: "user.session_ended", targetId: row.userId },
      });
      assert.deepEqual(audited?.details, { reason: "anaplan_refused" });
      assert.ok(await loadSession(kept.sessionId), "another user's session is untouched");
    });

    test("a final refresh failure seen by any request ends the session on the next one", async () => {
      const { sessionId } = await signIn("service");
      await sim.operator.revokeGrants({ user: "service" });
      await assert.rejects(sessionAccessToken(await grantOf(sessionId), { forceRefresh: true }), (e: unknown) => {
        return e instanceof AppError && e.code === "reauthenticate";
      });
      assert.equal(await loadSession(sessionId), null, "the next request finds no session");
      assert.match((await endedRow(sessionId)).endReason ?? "", /Anaplan no longer accepts/);
    });

    test("Anaplan not answering ends nothing: the check backs off and the session stays", async () => {
      const { sessionId } = await signIn("member");
      const grantId = await grantOf(sessionId);
      await db().grant.update({ where: { id: grantId }, data: { accessTokenExpiresAt: new Date(Date.now() - 1000) } });
      await makeDue(grantId);
      await sim.operator.failNext({ endpoint: "token", count: 1, status: 503 });
      await checkSessionStanding();
      assert.ok(await loadSession(sessionId), "still signed in");
      const grant = await db().grant.findUniqueOrThrow({ where: { id: grantId } });
      assert.equal(grant.status, "active");
      assert.ok(grant.nextAttemptAt, "backing off until Anaplan answers");
    });
  });
});
