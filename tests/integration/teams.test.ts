import assert from "node:assert/strict";
import { before, test } from "node:test";
import { createIdentity } from "@/lib/identities/manage";
import { identityFields } from "@/lib/identities/schemas";
import { db } from "@/lib/platform/db";
import { publishEnv } from "@/lib/platform/env";
import { AppError } from "@/lib/platform/errors";
import type { Actor } from "@/lib/teams/access";
import {
  addMember,
  cancelInvite,
  changeMemberRole,
  createTeam,
  getTeamOverview,
  listTeamsFor,
  removeMember,
} from "@/lib/teams/manage";
import { memberFields, teamFields } from "@/lib/teams/schemas";
import { setUpTestDatabase } from "../helpers/db.ts";
import { startMailCatcher } from "../helpers/smtp.ts";

await setUpTestDatabase();

const isCode = (code: string) => (e: unknown) => e instanceof AppError && e.code === code;
const actors = {} as Record<"portalAdmin" | "alice" | "bob" | "carol", Actor & { email: string }>;

before(async () => {
  for (const key of ["portalAdmin", "alice", "bob", "carol"] as const) {
    const email = `${key.toLowerCase()}@x.example`;
    const user = await db().user.create({
      data: { anaplanUserId: key.padEnd(32, "0"), email, name: key, isPortalAdmin: key === "portalAdmin" },
    });
    actors[key] = { userId: user.id, isPortalAdmin: user.isPortalAdmin, email };
  }
});

test("only portal admins create teams; slugs are unique and validated", async () => {
  await createTeam(actors.portalAdmin, teamFields.parse({ name: "Finance", slug: "finance" }));
  await createTeam(actors.portalAdmin, teamFields.parse({ name: "Sales", slug: "sales" }));
  await assert.rejects(createTeam(actors.alice, teamFields.parse({ name: "X", slug: "x" })), isCode("forbidden"));
  await assert.rejects(
    createTeam(actors.portalAdmin, teamFields.parse({ name: "Again", slug: "finance" })),
    isCode("conflict"),
  );
  for (const bad of [
    { name: "A", slug: "Has Space" },
    { name: "A", slug: "-a" },
    { name: "", slug: "ok" },
    { name: "A", slug: "ok", teamId: "x" },
  ]) {
    assert.equal(teamFields.safeParse(bad).success, false, JSON.stringify(bad));
  }
  assert.equal(await db().team.count(), 2);
  const { members } = await getTeamOverview(actors.portalAdmin, "finance");
  assert.deepEqual(
    members.map((m) => [m.user.email, m.role]),
    [[actors.portalAdmin.email, "admin"]],
    "the creator is the first admin",
  );
});

test("team admins add signed-in users as members and others as invites; members cannot", async () => {
  assert.deepEqual(
    await addMember(actors.portalAdmin, "finance", memberFields.parse({ email: actors.alice.email, role: "admin" })),
    { kind: "joined" },
  );
  assert.deepEqual(
    await addMember(actors.alice, "finance", memberFields.parse({ email: actors.bob.email, role: "member" })),
    { kind: "joined" },
  );
  assert.deepEqual(
    await addMember(actors.alice, "finance", memberFields.parse({ email: actors.bob.email, role: "member" })),
    { kind: "already", previousRole: "member" },
    "adding someone already in the team says so",
  );
  assert.deepEqual(
    await addMember(actors.alice, "finance", memberFields.parse({ email: "New.Person@X.example", role: "member" })),
    { kind: "invited", again: false, mail: "no_smtp" },
  );
  assert.deepEqual(
    await addMember(actors.alice, "finance", memberFields.parse({ email: "new.person@x.example", role: "member" })),
    { kind: "invited", again: true, mail: "no_smtp" },
  );
  await assert.rejects(
    addMember(actors.bob, "finance", memberFields.parse({ email: actors.carol.email, role: "admin" })),
    isCode("forbidden"),
  );
  const overview = await getTeamOverview(actors.bob, "finance");
  assert.deepEqual(overview.members.map((m) => m.user.email).sort(), [
    actors.alice.email,
    actors.bob.email,
    actors.portalAdmin.email,
  ]);
  assert.deepEqual(
    overview.invites.map((i) => i.email),
    ["new.person@x.example"],
  );
  assert.deepEqual(
    (await listTeamsFor(actors.bob)).map((t) => [t.team.slug, t.role]),
    [["finance", "member"]],
  );
});

test("another team's admin gets not-found for everything, and changes nothing", async () => {
  await addMember(actors.portalAdmin, "sales", memberFields.parse({ email: actors.carol.email, role: "admin" }));
  const invite = await db().invite.findFirstOrThrow({ where: { email: "new.person@x.example" } });
  await assert.rejects(getTeamOverview(actors.carol, "finance"), isCode("not_found"));
  await assert.rejects(
    addMember(actors.carol, "finance", memberFields.parse({ email: actors.carol.email, role: "admin" })),
    isCode("not_found"),
  );
  await assert.rejects(removeMember(actors.carol, "finance", { userId: actors.bob.userId }), isCode("not_found"));
  // Finance's ids under Carol's own team: unknown there.
  await assert.rejects(removeMember(actors.carol, "sales", { userId: actors.bob.userId }), isCode("not_found"));
  await assert.rejects(cancelInvite(actors.carol, "sales", { inviteId: invite.id }), isCode("not_found"));
  await assert.rejects(
    changeMemberRole(actors.carol, "finance", { userId: actors.bob.userId, role: "admin" }),
    isCode("not_found"),
  );
  assert.equal(await db().membership.count({ where: { team: { slug: "finance" } } }), 3);
  assert.equal(await db().membership.count({ where: { team: { slug: "finance" }, role: "admin" } }), 2);
  assert.equal(await db().invite.count(), 1);
});

test("a team keeps at least one admin", async () => {
  await removeMember(actors.alice, "finance", { userId: actors.portalAdmin.userId });
  await assert.rejects(removeMember(actors.alice, "finance", { userId: actors.alice.userId }), isCode("conflict"));
  await removeMember(actors.alice, "finance", { userId: actors.bob.userId });
  assert.equal(await db().membership.count({ where: { team: { slug: "finance" } } }), 1);
  assert.ok((await db().auditEvent.count({ where: { action: "team.member_remove" } })) >= 1);
});

test("the last admin cannot demote themself, and two admins demoting each other at once leave one admin", async () => {
  await createTeam(actors.portalAdmin, teamFields.parse({ name: "Demotions", slug: "demotions" }));
  const add = (who: Actor, email: string, role: "admin" | "member") =>
    addMember(who, "demotions", memberFields.parse({ email, role }));
  await add(actors.portalAdmin, actors.alice.email, "admin");
  await removeMember(actors.alice, "demotions", { userId: actors.portalAdmin.userId });
  await assert.rejects(add(actors.alice, actors.alice.email, "member"), isCode("conflict"), "the last admin stays");
  await assert.rejects(
    changeMemberRole(actors.alice, "demotions", { userId: actors.alice.userId, role: "member" }),
    isCode("conflict"),
  );
  await add(actors.alice, actors.carol.email, "admin");
  const outcomes = await Promise.allSettled([
    add(actors.alice, actors.carol.email, "member"),
    add(actors.carol, actors.alice.email, "member"),
  ]);
  assert.equal(outcomes.filter((o) => o.status === "fulfilled").length, 1, "exactly one demotion goes through");
  assert.equal(await db().membership.count({ where: { team: { slug: "demotions" }, role: "admin" } }), 1);
});

test("team admins change roles; members cannot; each change is audited", async () => {
  await createTeam(actors.portalAdmin, teamFields.parse({ name: "Roles", slug: "roles" }));
  await addMember(actors.portalAdmin, "roles", memberFields.parse({ email: actors.bob.email, role: "member" }));
  const role = async (who: Actor) =>
    (await db().membership.findFirstOrThrow({ where: { team: { slug: "roles" }, userId: who.userId } })).role;
  await assert.rejects(
    changeMemberRole(actors.bob, "roles", { userId: actors.bob.userId, role: "admin" }),
    isCode("forbidden"),
  );
  assert.equal(await role(actors.bob), "member");
  await changeMemberRole(actors.portalAdmin, "roles", { userId: actors.bob.userId, role: "admin" });
  assert.equal(await role(actors.bob), "admin");
  await changeMemberRole(actors.bob, "roles", { userId: actors.portalAdmin.userId, role: "member" });
  assert.equal(await role(actors.portalAdmin), "member");
  await assert.rejects(
    changeMemberRole(actors.bob, "roles", { userId: actors.carol.userId, role: "admin" }),
    isCode("not_found"),
    "not a member",
  );
  const roles = await db().team.findUniqueOrThrow({ where: { slug: "roles" } });
  assert.equal(await db().auditEvent.count({ where: { action: "team.member_role", teamId: roles.id } }), 2);
});

test("team and identity names that look alike are one name (security review #7)", async () => {
  await createTeam(actors.portalAdmin, teamFields.parse({ name: "Data Ops", slug: "data-ops" }));
  await assert.rejects(
    createTeam(actors.portalAdmin, teamFields.parse({ name: "D\u0430ta OPS", slug: "data-ops-2" })),
    isCode("conflict"),
  );
  await addMember(actors.portalAdmin, "data-ops", memberFields.parse({ email: actors.alice.email, role: "admin" }));
  const deviceClientId = "0d1e2f3a4b5c6d7e8f90a1b2c3d4e5f6";
  await createIdentity(actors.alice, "data-ops", identityFields.parse({ name: "etl-a", deviceClientId }));
  for (const alike of ["etl-\u0430", "ETL-A", "\uFF45\uFF54\uFF4C-\uFF41", "etl\u2010a"]) {
    await assert.rejects(
      createIdentity(actors.alice, "data-ops", identityFields.parse({ name: alike, deviceClientId })),
      isCode("conflict"),
      JSON.stringify(alike),
    );
  }
  assert.equal(await db().serviceIdentity.count({ where: { team: { slug: "data-ops" } } }), 1);
});

test("with SMTP an invitation mail goes out at once, naming the team and the sign-in link", async () => {
  const catcher = await startMailCatcher();
  publishEnv({ SMTP_URL: catcher.url, NEXTAUTH_URL: "https://portal.example.com" });
  try {
    const outcome = await addMember(
      actors.portalAdmin,
      "finance",
      memberFields.parse({ email: "mailed@x.example", role: "admin" }),
    );
    assert.deepEqual(outcome, { kind: "invited", again: false, mail: "sent" });
    const [mail] = catcher.mails;
    assert.deepEqual(mail?.to, ["mailed@x.example"]);
    const body = (mail?.text ?? "").replace(/=\r\n/g, ""); // quoted-printable soft line breaks
    assert.match(body, /Sign in with your Anaplan account to join: https:\/\/portal\.example\.com\/signin/);
    assert.match(body, /as an admin/);
  } finally {
    publishEnv({ SMTP_URL: "", NEXTAUTH_URL: "" });
    await catcher.close();
  }
});
