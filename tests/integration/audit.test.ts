// The audit trail on screen: scoped by team, filtered, paged by keyset, and exported as streamed CSV.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { recordAudit, recordAudits } from "@/lib/audit";
import { auditFilters, PAGE_SIZE, readAuditPage, readAuditView, streamAuditCsv } from "@/lib/audit-trail/read";
import { createApiKey, keyFields } from "@/lib/broker/keys";
import { createIdentity } from "@/lib/identities/manage";
import { identityFields } from "@/lib/identities/schemas";
import { csvField } from "@/lib/platform/csv";
import { db } from "@/lib/platform/db";
import { AppError } from "@/lib/platform/errors";
import { setUpTestDatabase } from "../helpers/db.ts";
import { type Actors, setUpTeams } from "../helpers/team.ts";

const isCode = (code: string) => (e: unknown) => e instanceof AppError && e.code === code;
await setUpTestDatabase();

describe("audit trail", () => {
  let actors: Actors;
  let teamA: string;
  let teamB: string;
  const targetId = "0191a7d2-7f2e-7c4a-9a1b-3c4d5e6f7a8b";

  before(async () => {
    actors = await setUpTeams("aud");
    teamA = (await db().team.findUniqueOrThrow({ where: { slug: "aud-a" } })).id;
    teamB = (await db().team.findUniqueOrThrow({ where: { slug: "aud-b" } })).id;
    await recordAudits(
      Array.from({ length: 130 }, (_, i) => ({
        action: i % 2 ? "key.create" : "identity.deactivate",
        outcome: i % 10 === 0 ? ("failure" as const) : ("success" as const),
        actor: { userId: actors.admin.userId, ip: "192.0.2.1", userAgent: "test" },
        teamId: teamA,
        targetType: "identity",
        targetId: i % 3 === 0 ? targetId : undefined,
        details: { i, name: i === 7 ? '=HYPERLINK("http://evil")' : "plain, with comma" },
      })),
    );
    await recordAudits([
      { action: "key.create", outcome: "success", teamId: teamB, actor: { userId: actors.outsider.userId } },
    ]);
  });

  const all = async (slug: string | null, query: Record<string, string> = {}) => {
    const rows = [];
    let before: string | undefined;
    for (let page = 0; page < 20; page++) {
      const result = await readAuditPage(actors.admin, slug, auditFilters.parse({ ...query, before }));
      rows.push(...result.rows);
      if (!result.next) break;
      before = result.next;
    }
    return rows;
  };

  test("team admins read their team's events, newest first, in keyset pages; others are refused", async () => {
    const first = await readAuditPage(actors.admin, "aud-a", auditFilters.parse({}));
    assert.equal(first.rows.length, PAGE_SIZE);
    assert.ok(first.next);
    const rows = await all("aud-a");
    assert.equal(rows.length, 130);
    const ids = rows.map((r) => BigInt(r.id));
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => (a < b ? 1 : -1)),
      "newest first, no repeats",
    );
    assert.equal(new Set(ids).size, 130);
    assert.ok(rows.every((r) => r.actor === "aud-admin@x.example"));
    await assert.rejects(readAuditPage(actors.member, "aud-a", auditFilters.parse({})), isCode("forbidden"));
    await assert.rejects(readAuditPage(actors.outsider, "aud-a", auditFilters.parse({})), isCode("not_found"));
    await assert.rejects(readAuditPage(actors.admin, null, auditFilters.parse({})), isCode("forbidden"));
    const portal = await readAuditPage({ ...actors.admin, isPortalAdmin: true }, null, auditFilters.parse({}));
    assert.ok(
      portal.rows.some((r) => r.team === "aud-b"),
      "portal admins see every team",
    );
  });

  test("filters: action (exact, or a family), outcome, identity, actor, time range", async () => {
    assert.equal((await all("aud-a", { action: "key.create" })).length, 65);
    assert.equal((await all("aud-a", { outcome: "failure" })).length, 13);
    assert.equal((await all("aud-a", { identity: targetId })).length, 44);
    assert.equal((await all("aud-a", { actor: "AUD-ADMIN@x.example" })).length, 130);
    assert.equal((await all("aud-a", { actor: "nobody@x.example" })).length, 0);
    assert.equal((await all("aud-a", { actor: "atp_AAAAAAAAAAAA" })).length, 0);
    // LIKE wildcards and escapes are plain characters in an actor filter: no match-everyone, no 500.
    for (const pattern of ["%", "_%", "aud-%@x.example", "AUD-ADMIN@x.exampl_", "\\", "aud-admin@x.example\\"]) {
      assert.equal((await all("aud-a", { actor: pattern })).length, 0, pattern);
    }
    const today = new Date().toISOString().slice(0, 10);
    assert.equal((await all("aud-a", { from: today, to: today })).length, 130);
    assert.equal((await all("aud-a", { to: "2000-01-01" })).length, 0);
    // An action's family: "identity" is every identity.* action; an exact action still matches only itself.
    assert.equal((await all("aud-a", { action: "identity" })).length, 65);
    assert.equal((await all("aud-a", { action: "identity." })).length, 65);
    assert.equal((await all("aud-a", { action: "key" })).length, 65);
    assert.equal((await all("aud-a", { action: "ke" })).length, 0, "a family is whole words, not any prefix");
  });

  test("filters that cannot apply are refused field by field, each with a sentence, and what was typed is kept", async () => {
    const sent = {
      outcome: "evil",
      before: "1 OR 1=1",
      action: "DROP TABLE",
      actor: "a".repeat(500),
      from: "yesterday",
    };
    const view = await readAuditView(actors.admin, "aud-a", sent);
    assert.deepEqual(view.rows, [], "no events are shown for filters that were not applied");
    assert.deepEqual(Object.keys(view.problems).sort(), ["action", "actor", "before", "from", "outcome"]);
    for (const message of Object.values(view.problems)) assert.match(message, /^[A-Z].+\.$/, message);
    assert.deepEqual(view.typed, sent, "the form shows back what was typed");
    const byName = await readAuditView(actors.admin, "aud-a", { identity: "no-such-identity" });
    assert.match(byName.problems.identity ?? "", /No identity is or was named “no-such-identity”/);
    await assert.rejects(readAuditView(actors.member, "aud-a", sent), isCode("forbidden"), "authorization comes first");
  });

  test("an identity is found by name, and named after it is deleted; a deleted key's calls keep its prefix", async () => {
    const identity = await createIdentity(
      actors.outsider,
      "aud-b",
      identityFields.parse({ name: "short-lived-job", deviceClientId: "d".repeat(32) }),
    );
    const { key } = await createApiKey(actors.outsider, "aud-b", identity.id, keyFields.parse({ name: "k" }));
    await recordAudit({
      action: "token.issue",
      outcome: "success",
      actorApiKeyId: (await db().apiKey.findFirstOrThrow({ where: { identityId: identity.id } })).id,
      teamId: teamB,
      targetType: "identity",
      targetId: identity.id,
      details: { keyPrefix: key.slice(0, 16) },
    });
    const named = await readAuditView(actors.outsider, "aud-b", { identity: "short-lived-job" });
    assert.ok(named.rows.length >= 3, "identity.create, key.create and token.issue");
    await db().serviceIdentity.delete({ where: { id: identity.id } });
    const after = await readAuditView(actors.outsider, "aud-b", { identity: "short-lived-job" });
    assert.equal(after.rows.length, named.rows.length, "still found by the name it had");
    assert.ok(
      after.rows.every((r) => r.target === "short-lived-job (deleted)"),
      "named, never a bare id",
    );
    const issued = after.rows.find((r) => r.action === "token.issue");
    assert.equal(issued?.actor, `${key.slice(0, 16)} (deleted)`, "a deleted key's calls keep its prefix");
  });

  test("CSV export streams the same rows as the pages, with formulas defused and a UTF-8 byte-order mark", async () => {
    const stream = await streamAuditCsv(actors.admin, "aud-a", auditFilters.parse({ action: "key.create" }));
    const bytes = Buffer.from(await new Response(stream).arrayBuffer());
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], "starts with the UTF-8 BOM");
    const text = bytes.subarray(3).toString("utf8");
    const lines = text.trim().split("\r\n");
    assert.equal(lines[0], "id,at,team,actor,action,outcome,target,targetId,ip,userAgent,details");
    assert.equal(lines.length, 1 + 65);
    const pageIds = (await all("aud-a", { action: "key.create" })).map((r) => r.id);
    assert.deepEqual(
      lines.slice(1).map((l) => l.split(",")[0]),
      pageIds,
    );
    assert.ok(text.includes(`"{""i"":7,""name"":""=HYPERLINK(\\""http://evil\\"")""}"`));
    assert.equal(csvField("=1+1"), "'=1+1");
    assert.equal(csvField("-2"), "'-2");
    assert.equal(csvField('a "b", c'), '"a ""b"", c"');
    assert.equal(csvField("line\nbreak"), '"line\nbreak"');
  });
});
