// The portal admins' Users page: disabling ends every session and destroys its tokens at once; enabling does not
// bring old sessions back; the portal keeps at least one portal admin (security review #3).
import assert from "node:assert/strict";
import { test } from "node:test";
import { getCurrentUser } from "@/lib/anaplan";
import { db } from "@/lib/platform/db";
import { AppError } from "@/lib/platform/errors";
import type { Actor } from "@/lib/teams/access";
import { listUsers, setPortalAdmin, setUserDisabled } from "@/lib/users/admin";
import { loadSession } from "@/lib/users/sessions";
import { startUserSession } from "@/lib/users/sign-in";
import { setUpTestDatabase } from "../helpers/db.ts";
import { setUpSimulator } from "../helpers/simulator.ts";

await setUpTestDatabase();
const sim = await setUpSimulator();
const isCode = (code: string) => (e: unknown) => e instanceof AppError && e.code === code;

async function signIn(user: "admin" | "member" | "service") {
  const tokens = await sim.deviceTokens(sim.simulator.clients.device.id, user);
  const profile = await getCurrentUser(sim.endpoints, tokens.accessToken);
  const sessionId = await startUserSession(profile, tokens);
  const row = await db().user.findUniqueOrThrow({ where: { anaplanUserId: profile.id } });
  return { sessionId, userId: row.id, actor: { userId: row.id, isPortalAdmin: row.isPortalAdmin } as Actor };
}

test("disable ends every session and destroys its tokens; enable starts clean; only portal admins may", async () => {
  const admin = await signIn("admin"); // the first user: a portal admin
  const member = await signIn("member");
  const second = await signIn("member");
  await assert.rejects(setUserDisabled(member.actor, admin.userId, true), isCode("forbidden"));
  await assert.rejects(listUsers(member.actor, {}), isCode("forbidden"));
  await assert.rejects(setUserDisabled(admin.actor, admin.userId, true), isCode("conflict"), "not yourself");
  const logouts = (await sim.operator.counters()).logout;
  await setUserDisabled(admin.actor, member.userId, true);
  assert.equal((await sim.operator.counters()).logout, logouts + 2, "both sessions' tokens logged out");
  for (const s of [member, second]) {
    const row = await db().userSession.findUniqueOrThrow({ where: { id: s.sessionId }, include: { grant: true } });
    assert.ok(row.revokedAt);
    assert.equal(row.grant.status, "revoked");
    assert.equal(row.grant.refreshToken, null);
  }
  await setUserDisabled(admin.actor, member.userId, false);
  assert.equal(await loadSession(member.sessionId), null, "re-enabling does not resurrect old sessions");
  const audit = await db().auditEvent.findMany({ where: { targetId: member.userId }, orderBy: { id: "asc" } });
  assert.deepEqual(
    audit.map((e) => e.action),
    ["user.disable", "user.enable"],
  );
  const { users } = await listUsers(admin.actor, { q: "MEMBER@" });
  assert.deepEqual(
    users.map((u) => u.email),
    [sim.simulator.users.member.email],
  );
});

test("portal admins are promoted and demoted, but the last one stays", async () => {
  const admin = await db().user.findFirstOrThrow({ where: { isPortalAdmin: true } });
  const actor = { userId: admin.id, isPortalAdmin: true };
  await assert.rejects(setPortalAdmin(actor, admin.id, false), isCode("conflict"));
  const other = await db().user.findFirstOrThrow({ where: { isPortalAdmin: false } });
  await setPortalAdmin(actor, other.id, true);
  await setPortalAdmin(actor, admin.id, false);
  assert.equal((await db().user.findUniqueOrThrow({ where: { id: admin.id } })).isPortalAdmin, false);
  await assert.rejects(setPortalAdmin({ userId: other.id, isPortalAdmin: true }, other.id, false), isCode("conflict"));
});
