// Email notifications against a real SMTP server started here (the smtp-server package): one digest per team for
// many changes at once, one mail for one change, nothing queued without SMTP_URL, and a failed send retried.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { revokeAllInTeam, setIdentityActive } from "@/lib/identities/lifecycle";
import { sendEmailDigests } from "@/lib/notify/email";
import { db } from "@/lib/platform/db";
import { publishEnv } from "@/lib/platform/env";
import { setUpTestDatabase } from "../helpers/db.ts";
import { setUpSimulator } from "../helpers/simulator.ts";
import { startMailCatcher } from "../helpers/smtp.ts";
import { type Actors, enrolledIdentity, setUpTeams } from "../helpers/team.ts";

await setUpTestDatabase();
const sim = await setUpSimulator();

describe("email notifications", () => {
  let actors: Actors;
  let smtp: Awaited<ReturnType<typeof startMailCatcher>>;

  before(async () => {
    smtp = await startMailCatcher();
    actors = await setUpTeams("mail");
  });
  after(() => smtp.close());

  test("without SMTP_URL nothing is queued", async () => {
    publishEnv({ SMTP_URL: undefined });
    const identity = await enrolledIdentity(sim, actors.admin, "mail-a", "quiet");
    await setIdentityActive(actors.admin, "mail-a", identity.id, false);
    assert.equal(await db().emailOutbox.count(), 0);
    assert.equal(await sendEmailDigests(), 0);
  });

  test("one change is one mail to the team's admins; fifty at once are one digest", async () => {
    publishEnv({ SMTP_URL: smtp.url });
    const single = await enrolledIdentity(sim, actors.admin, "mail-a", "paused-one");
    await setIdentityActive(actors.admin, "mail-a", single.id, false);
    await sendEmailDigests();
    assert.equal(smtp.mails.length, 1);
    assert.deepEqual(smtp.mails[0]?.to, ["mail-admin@x.example"], "admins only, not members");
    assert.match(smtp.mails[0]?.text ?? "", /Subject: \[mail A\] paused-one was deactivated/);

    for (let i = 0; i < 3; i++) await enrolledIdentity(sim, actors.admin, "mail-a", `bulk-${i}`);
    await revokeAllInTeam(actors.admin, "mail-a", "mail-a");
    await sendEmailDigests();
    assert.equal(smtp.mails.length, 2, "one digest for the whole team-wide revocation");
    const digest = smtp.mails[1]?.text ?? "";
    assert.match(digest, /Subject: \[mail A\] \d+ changes to service identities/);
    for (let i = 0; i < 3; i++) assert.match(digest, new RegExp(`bulk-${i} was revoked`));
    assert.equal(await db().emailOutbox.count({ where: { sentAt: null } }), 0);
    assert.equal(await sendEmailDigests(), 0, "nothing is sent twice");
  });

  test("a send that fails stays queued and goes out on a later round", async () => {
    publishEnv({ SMTP_URL: "smtp://127.0.0.1:9" });
    const identity = await enrolledIdentity(sim, actors.admin, "mail-a", "retried-mail");
    await setIdentityActive(actors.admin, "mail-a", identity.id, false);
    const before = smtp.mails.length;
    await sendEmailDigests();
    const waiting = await db().emailOutbox.findFirstOrThrow({ where: { sentAt: null } });
    assert.equal(waiting.attempts, 1);
    publishEnv({ SMTP_URL: smtp.url });
    await db().emailOutbox.update({ where: { id: waiting.id }, data: { claimedUntil: null } });
    await sendEmailDigests();
    assert.equal(smtp.mails.length, before + 1);
    assert.match(smtp.mails.at(-1)?.text ?? "", /retried-mail was deactivated/);
  });
});
