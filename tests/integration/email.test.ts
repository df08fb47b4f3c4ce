// Email notifications against a real SMTP server started here (the smtp-server package): one digest per team for
// many changes at once, one mail for one change, nothing queued without SMTP_URL, and a failed send retried.
import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { SMTPServer } from "smtp-server";
import { db } from "@/lib/db";
import { publishEnv } from "@/lib/env";
import { revokeAllInTeam, setIdentityActive } from "@/lib/identities/lifecycle";
import { sendEmailDigests } from "@/lib/notify/email";
import { setUpTestDatabase } from "../helpers/db.ts";
import { setUpSimulator } from "../helpers/simulator.ts";
import { type Actors, enrolledIdentity, setUpTeams } from "../helpers/team.ts";

await setUpTestDatabase();
const sim = await setUpSimulator();

type Mail = { to: string[]; text: string };

describe("email notifications", () => {
  let actors: Actors;
  const mails: Mail[] = [];
  let port = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), text: Buffer.concat(chunks).toString() });
        callback();
      });
    },
  });

  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.server.address() as AddressInfo).port;
    actors = await setUpTeams("mail");
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test("without SMTP_URL nothing is queued", async () => {
    publishEnv({ SMTP_URL: undefined });
    const identity = await enrolledIdentity(sim, actors.admin, "mail-a", "quiet");
    await setIdentityActive(actors.admin, "mail-a", identity.id, false);
    assert.equal(await db().emailOutbox.count(), 0);
    assert.equal(await sendEmailDigests(), 0);
  });

  test("one change is one mail to the team's admins; fifty at once are one digest", async () => {
    publishEnv({ SMTP_URL: `smtp://127.0.0.1:${port}` });
    const single = await enrolledIdentity(sim, actors.admin, "mail-a", "paused-one");
    await setIdentityActive(actors.admin, "mail-a", single.id, false);
    await sendEmailDigests();
    assert.equal(mails.length, 1);
    assert.deepEqual(mails[0]?.to, ["mail-admin@x.example"], "admins only, not members");
    assert.match(mails[0]?.text ?? "", /Subject: \[mail A\] paused-one was deactivated/);

    for (let i = 0; i < 3; i++) await enrolledIdentity(sim, actors.admin, "mail-a", `bulk-${i}`);
    await revokeAllInTeam(actors.admin, "mail-a", "mail-a");
    await sendEmailDigests();
    assert.equal(mails.length, 2, "one digest for the whole team-wide revocation");
    const digest = mails[1]?.text ?? "";
    assert.match(digest, /Subject: \[mail A\] \d+ changes to service identities/);
    for (let i = 0; i < 3; i++) assert.match(digest, new RegExp(`bulk-${i} was revoked`));
    assert.equal(await db().emailOutbox.count({ where: { sentAt: null } }), 0);
    assert.equal(await sendEmailDigests(), 0, "nothing is sent twice");
  });

  test("a send that fails stays queued and goes out on a later round", async () => {
    publishEnv({ SMTP_URL: "smtp://127.0.0.1:9" });
    const identity = await enrolledIdentity(sim, actors.admin, "mail-a", "retried-mail");
    await setIdentityActive(actors.admin, "mail-a", identity.id, false);
    const before = mails.length;
    await sendEmailDigests();
    const waiting = await db().emailOutbox.findFirstOrThrow({ where: { sentAt: null } });
    assert.equal(waiting.attempts, 1);
    publishEnv({ SMTP_URL: `smtp://127.0.0.1:${port}` });
    await db().emailOutbox.update({ where: { id: waiting.id }, data: { claimedUntil: null } });
    await sendEmailDigests();
    assert.equal(mails.length, before + 1);
    assert.match(mails.at(-1)?.text ?? "", /retried-mail was deactivated/);
  });
});
