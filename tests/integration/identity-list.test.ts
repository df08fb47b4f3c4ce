// The dashboard list: keyset pages in every sort, filters that agree with the derived state (including the states
// that change by time alone), and cursors that come from outside.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { recordAudit } from "@/lib/audit";
import type { Prisma } from "@/lib/generated/prisma/client";
import { type ListedIdentity, listIdentities, PAGE_SIZE } from "@/lib/identities/list";
import { getIdentity } from "@/lib/identities/manage";
import { IDENTITY_STATES, type IdentitySort, type ListQuery, listQuery } from "@/lib/identities/schemas";
import { teamSummary } from "@/lib/identities/summary";
import { expiryWarning } from "@/lib/identities/warnings";
import { db } from "@/lib/platform/db";
import { AppError } from "@/lib/platform/errors";
import type { Actor } from "@/lib/teams/access";
import { setUpTestDatabase } from "../helpers/db.ts";

await setUpTestDatabase();

const HOUR = 3600_000;
const at = (ms: number) => new Date(Date.now() + ms);

describe("the identities list", () => {
  let actor: Actor;
  let teamId: string;
  let userId: string;

  before(async () => {
    const team = await db().team.create({ data: { slug: "list", name: "List", nameSkeleton: "list" } });
    const user = await db().user.create({ data: { anaplanUserId: "l".repeat(32), email: "l@x.example", name: "L" } });
    await db().membership.create({ data: { teamId: team.id, userId: user.id, role: "admin" } });
    const other = await db().team.create({ data: { slug: "else", name: "Else", nameSkeleton: "else" } });
    await identity("elsewhere", {}, other.id);
    actor = { userId: user.id, isPortalAdmin: false };
    teamId = team.id;
    userId = user.id;
  });

  /** An identity row of the test's client in us1a. */
  const row = (name: string, team = teamId) => ({
    teamId: team,
    name,
    nameSkeleton: name,
    deviceClientId: "c".repeat(32),
    oauthUrl: "https://us1a.app.anaplan.com",
    apiUrl: "https://api.anaplan.com",
    authUrl: "https://auth.anaplan.com",
  });

  async function identity(
    name: string,
    grant: Partial<Prisma.GrantCreateInput> | null,
    team = teamId,
    extra: Partial<Prisma.ServiceIdentityUncheckedCreateInput> = {},
  ) {
    const created = await db().serviceIdentity.create({ data: { ...row(name, team), ...extra } });
    if (!grant) return created;
    const g = await db().grant.create({
      data: { kind: "identity", clientId: "c".repeat(32), oauthUrl: "https://us1a.app.anaplan.com", ...grant },
    });
    return db().serviceIdentity.update({ where: { id: created.id }, data: { grantId: g.id } });
  }

  const list = (q: Partial<Record<keyof ListQuery, string>>) => listIdentities(actor, "list", listQuery.parse(q));

  /** Every row of a filter and sort, walking Next to the end. */
  async function walkRows(q: Partial<Record<keyof ListQuery, string>>) {
    const rows: ListedIdentity[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await list({ ...q, after });
      assert.ok(page.identities.length <= PAGE_SIZE);
      rows.push(...page.identities);
      if (!page.next) return rows;
      after = page.next;
    }
  }
  const walk = async (q: Partial<Record<keyof ListQuery, string>>) => (await walkRows(q)).map((i) => i.name);

  test("filters agree with the derived state, for states set on creation and reached by later writes", async () => {
    await identity("s-not-enrolled", null);
    await identity("s-active", {});
    await identity("s-attention", { status: "needs_attention", statusReason: "revoked at Anaplan" });
    await identity("s-stranded", { unreachableSince: at(-HOUR), accessTokenExpiresAt: at(-60_000) });
    await identity("s-expired", { refreshTokenExpiresAt: at(-60_000) });
    await identity("s-deactivated", {}, teamId, { deactivatedAt: new Date() });
    await identity("s-revoked", null, teamId, { revokedAt: new Date() });
    const enrolling = await identity("s-enrolling", null);
    await db().enrolment.create({
      data: {
        identityId: enrolling.id,
        verificationUri: "https://x.example",
        intervalSeconds: 5,
        expiresAt: at(600_000),
        nextPollAt: new Date(),
        startedById: userId,
      },
    });
    // A client whose chains the portal has learned are sliding: its identities take that when created.
    await db().oauthClientLifetime.create({
      data: {
        oauthUrl: "https://us1a.app.anaplan.com",
        clientId: "d".repeat(32),
        lifetime: "sliding",
        evidence: "test",
      },
    });
    const estimated = await identity("s-estimated", {}, teamId, {
      refreshTokenTtlSeconds: 86_400,
      deviceClientId: "d".repeat(32),
    });
    assert.equal(estimated.refreshLifetime, "sliding");
    assert.equal(estimated.lifetimeLearned, true);
    await db().grant.update({ where: { id: estimated.grantId ?? "" }, data: { lastRefreshAt: at(-HOUR) } });
    // Reached by an update of the grant or the identity after creation: the triggers follow.
    const later = await identity("s-later-attention", {});
    await db().grant.update({ where: { id: later.grantId ?? "" }, data: { status: "needs_attention" } });
    const paused = await identity("s-later-deactivated", {});
    await db().serviceIdentity.update({ where: { id: paused.id }, data: { deactivatedAt: new Date() } });

    await expectFiltersAgree();
    assert.deepEqual(
      (await list({ state: "enrolling" })).identities.map((i) => i.name),
      ["s-enrolling"],
    );
    await db().enrolment.updateMany({ where: { identityId: enrolling.id }, data: { status: "cancelled" } });
    assert.deepEqual((await list({ state: "enrolling" })).identities, [], "an ended enrolment leaves the filter");
    await expectFiltersAgree();
    // Deleted one by one and many at once, created many at once: the counts follow.
    await db().serviceIdentity.delete({ where: { id: paused.id } });
    await db().serviceIdentity.createMany({ data: ["m-1", "m-2", "m-3"].map((name) => row(name)) });
    await db().serviceIdentity.updateMany({ where: { name: { in: ["m-1", "m-2"] } }, data: { revokedAt: new Date() } });
    await db().serviceIdentity.deleteMany({ where: { name: { startsWith: "m-" } } });
    await expectFiltersAgree();
  });

  test("states that change by time alone move between filters without any write", async () => {
    await identity("t-expiring", { refreshTokenExpiresAt: at(1500) });
    await identity("t-stranding", { unreachableSince: at(-HOUR), accessTokenExpiresAt: at(1500) });
    const names = async (state: string) => (await list({ state, q: "t-" })).identities.map((i) => i.name).sort();
    assert.deepEqual(await names("active"), ["t-expiring", "t-stranding"]);
    await sleep(1600);
    assert.deepEqual(await names("active"), []);
    assert.deepEqual(await names("expired"), ["t-expiring"]);
    assert.deepEqual(await names("needs_attention"), ["t-stranding"]);
    await expectFiltersAgree();
  });

  /** The trigger-kept counts per team and state are exactly what counting the rows gives. */
  async function expectCountsAgree() {
    const counted = await db().$queryRaw<{ key: string }[]>`
      SELECT team_id || ':' || list_state || ':' || count(*) AS key FROM service_identities GROUP BY team_id, list_state
      ORDER BY 1`;
    const kept = await db().$queryRaw<{ key: string }[]>`
      SELECT team_id || ':' || state || ':' || n AS key FROM identity_state_counts ORDER BY 1`;
    assert.deepEqual(kept, counted);
  }

  async function expectFiltersAgree() {
    await expectCountsAgree();
    const all = await walkRows({});
    const byState = new Map<string, string[]>();
    for (const state of IDENTITY_STATES) byState.set(state, await walk({ state }));
    for (const listed of all) {
      const { identity: shown } = await getIdentity(actor, "list", listed.id);
      const filters = IDENTITY_STATES.filter((s) => byState.get(s)?.includes(listed.name));
      assert.deepEqual(filters, [shown.state], `${listed.name} is listed under exactly its derived state`);
      assert.equal(listed.state, shown.state);
      assert.equal(listed.attentionReason, shown.attentionReason);
      const expiry = shown.refreshTokenExpiry;
      assert.deepEqual(
        listed.refreshTokenExpiry,
        expiry && { at: expiry.at, estimated: expiry.estimated, assumed: !expiry.learned },
        listed.name,
      );
    }
  }

  test("keyset pages in every sort: each row once, in order, forwards and backwards", async () => {
    for (let i = 0; i < 60; i++) {
      const created = await identity(
        `p-${String(i).padStart(2, "0")}`,
        i % 3 === 0 ? null : { refreshTokenExpiresAt: i % 2 ? at((60 - i) * HOUR) : null },
      );
      if (i % 4) {
        await db().serviceIdentity.update({ where: { id: created.id }, data: { lastUsedAt: at(-i * 60_000) } });
      }
    }
    const rows = await db().serviceIdentity.findMany({ where: { teamId } });
    const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : 1);
    const time = (d: Date | null | undefined, none: number) => d?.getTime() ?? none;
    const expected: Record<IdentitySort, string[]> = {
      name: rows.map((r) => r.name).sort(),
      state: [...rows]
        .sort((a, b) => IDENTITY_ORDER.indexOf(a.listState) - IDENTITY_ORDER.indexOf(b.listState) || byName(a, b))
        .map((r) => r.name),
      last_used: [...rows]
        .sort((a, b) => time(b.lastUsedAt, 0) - time(a.lastUsedAt, 0) || (a.id < b.id ? 1 : -1))
        .map((r) => r.name),
      // list_expires_at is checked against the identity page's expiry in the first test.
      expiry: [...rows]
        .sort((a, b) => a.listExpiresAt.getTime() - b.listExpiresAt.getTime() || (a.id < b.id ? -1 : 1))
        .map((r) => r.name),
    };
    assert.ok(rows.length > 2 * PAGE_SIZE);
    for (const sort of ["name", "state", "last_used", "expiry"] as const) {
      assert.deepEqual(await walk({ sort }), expected[sort], `Next through sort=${sort}`);
      // From the last page back to the first with Previous.
      const pages: string[][] = [];
      let page = await list({ sort, last: "1" });
      assert.equal(page.next, null, "the last page has no Next");
      for (;;) {
        pages.unshift(page.identities.map((i) => i.name));
        if (!page.previous) break;
        page = await list({ sort, before: page.previous });
      }
      // Each page is a run of the order; the first may overlap the second (walking back ends on a full page).
      for (const names of pages) {
        const start = expected[sort].indexOf(names[0] ?? "");
        assert.deepEqual(names, expected[sort].slice(start, start + names.length), `a page of sort=${sort}`);
      }
      assert.deepEqual([...new Set(pages.flat())], expected[sort], `Previous through sort=${sort}`);
      assert.equal(pages[0]?.length, PAGE_SIZE, "walking back ends on a full first page");
    }
    assert.deepEqual(
      await walk({ q: "P-1" }),
      expected.name.filter((n) => n.startsWith("p-1")),
      "search is case-insensitive and pages too",
    );
  });

  test("cursors come from outside: garbage is the first page, past the end is a clear empty page", async () => {
    const first = await list({});
    for (const after of ["%%%", "bm90IGpzb24", Buffer.from('["x", 1]').toString("base64url")]) {
      const page = await list({ after, sort: "last_used" });
      assert.deepEqual(
        page.identities.map((i) => i.id),
        (await list({ sort: "last_used" })).identities.map((i) => i.id),
      );
      assert.equal(page.beyondEnd, false);
    }
    const beyond = await list({ after: Buffer.from(JSON.stringify(["zzzz"])).toString("base64url") });
    assert.deepEqual(beyond.identities, []);
    assert.equal(beyond.beyondEnd, true);
    assert.ok(first.identities.length > 0);
    assert.ok(!first.identities.some((i) => i.name === "elsewhere"), "another team's rows never show");
  });
});

describe("the team summary and expiry warnings", () => {
  test("warnings: the smallest threshold an expiry falls within; severe nearer than the widest", () => {
    const now = new Date("2026-01-01T00:00:00Z");
    const inDays = (d: number) => new Date(now.getTime() + d * 24 * HOUR);
    const warn = (d: number) => expiryWarning(inDays(d), now, [14, 3, 1]);
    assert.equal(warn(20), null);
    assert.deepEqual(warn(14), { withinDays: 14, severe: false });
    assert.deepEqual(warn(10), { withinDays: 14, severe: false });
    assert.deepEqual(warn(2.5), { withinDays: 3, severe: true });
    assert.deepEqual(warn(0.5), { withinDays: 1, severe: true });
    assert.deepEqual(warn(-1), { withinDays: 1, severe: true }, "already past");
    assert.equal(expiryWarning(null, now, [14]), null);
  });

  test("counts by state, the next five ends among active identities, and final refresh failures today", async () => {
    const team = await db().team.create({ data: { slug: "sum", name: "Sum", nameSkeleton: "sum" } });
    const user = await db().user.create({ data: { anaplanUserId: "s".repeat(32), email: "s@x.example", name: "S" } });
    await db().membership.create({ data: { teamId: team.id, userId: user.id, role: "member" } });
    const make = async (name: string, grant: Partial<Prisma.GrantCreateInput> | null) => {
      const created = await db().serviceIdentity.create({
        data: {
          teamId: team.id,
          name,
          nameSkeleton: name,
          deviceClientId: "e".repeat(32),
          oauthUrl: "https://us1a.app.anaplan.com",
          apiUrl: "https://api.anaplan.com",
          authUrl: "https://auth.anaplan.com",
        },
      });
      if (!grant) return;
      const g = await db().grant.create({
        data: { kind: "identity", clientId: "e".repeat(32), oauthUrl: "https://us1a.app.anaplan.com", ...grant },
      });
      await db().serviceIdentity.update({ where: { id: created.id }, data: { grantId: g.id } });
    };
    // Ends are deadlines only for a client whose chains the portal has seen end (absolute, learned).
    await db().oauthClientLifetime.create({
      data: {
        oauthUrl: "https://us1a.app.anaplan.com",
        clientId: "e".repeat(32),
        lifetime: "absolute",
        evidence: "test",
      },
    });
    for (let i = 0; i < 7; i++) await make(`ends-${i}`, { refreshTokenExpiresAt: at((7 - i) * 24 * HOUR) });
    await make("no-end", {});
    await make("broken", { status: "needs_attention", refreshTokenExpiresAt: at(HOUR) });
    await make("unenrolled", null);
    await recordAudit({ action: "grant.refresh", outcome: "failure", teamId: team.id });
    await recordAudit({ action: "grant.refresh", outcome: "success", teamId: team.id });
    const member = { userId: user.id, isPortalAdmin: false };
    const summary = await teamSummary(member, "sum");
    assert.deepEqual(summary.counts, { active: 8, needs_attention: 1, not_enrolled: 1 });
    assert.deepEqual(
      summary.nextExpiries.map((e) => e.name),
      ["ends-6", "ends-5", "ends-4", "ends-3", "ends-2"],
      "soonest first, active only (the broken one is not counted as ending)",
    );
    assert.deepEqual(summary.nextExpiries[0]?.warning, { withinDays: 1, severe: true });
    assert.equal(summary.failuresLastDay, 1);
    const stranger = await db().user.create({
      data: { anaplanUserId: "t".repeat(32), email: "t@x.example", name: "T" },
    });
    await assert.rejects(
      teamSummary({ userId: stranger.id, isPortalAdmin: false }, "sum"),
      (e: unknown) => e instanceof AppError && e.code === "not_found",
    );
  });
});

const IDENTITY_ORDER = ["needs_attention", "expired", "enrolling", "not_enrolled", "active", "deactivated", "revoked"];
