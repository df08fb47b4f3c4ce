// Floods leave a trace but not a flood of rows (security review #1, #9, #11): a forged sign-in callback writes
// nothing, a real failed sign-in and a refused action are each recorded once per caller per minute with the
// client address, and sign-in starts, status reads, invitations and actions are rate-limited in Postgres.
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { USERS } from "../../simulator/accounts";
import { simulatorOperator } from "../../simulator/operator-client";
import { callAction, form } from "./support/actions";
import { startDatabase, startPortal, waitUntilHealthy } from "./support/portal";
import { signedIn, signInOn } from "./support/sign-in";
import { expect, test } from "./support/test";

/**
 * Each burst below must fall inside one calendar minute (the windows are per minute): when fewer than `seconds`
 * are left in this one, wait for the next. Most of the time this waits not at all.
 */
async function roomInMinute(seconds: number) {
  const left = 60 - new Date().getUTCSeconds() - new Date().getUTCMilliseconds() / 1000;
  if (left < seconds) await sleep(left * 1000 + 250);
}

test("floods are refused and recorded once per caller per minute", async ({ browser }) => {
  test.setTimeout(180_000);
  const database = await startDatabase();
  const portal = startPortal({
    port: 3108,
    databaseUrl: database.url,
    dataDir: path.join(database.dir, "data"),
    env: { SIMULATOR_PORT: "3173", ADMIN_EMAILS: USERS.admin.email },
  });
  const simulator = simulatorOperator("http://127.0.0.1:3173");
  const db = new pg.Client({ connectionString: database.url });
  try {
    await waitUntilHealthy(portal.baseURL);
    await db.connect();
    const count = async (sql: string, params: unknown[] = []) => Number((await db.query(sql, params)).rows[0].n);
    const base = portal.baseURL;

    // 1. A callback nobody started, 300 times: refused, and not one audit row.
    for (let i = 0; i < 300; i++) {
      const r = await fetch(`${base}/api/auth/callback/anaplan?error=access_denied&state=x${i}`, {
        redirect: "manual",
      });
      expect(r.status).toBe(303);
    }
    expect(await count(`SELECT count(*) AS n FROM audit_events WHERE action = 'user.sign_in'`)).toBe(0);

    // A sign-in this browser started and Anaplan refused: recorded, with the address, once a minute.
    await simulator.setLoginOutcome("deny");
    await roomInMinute(15);
    const context = await browser.newContext({ baseURL: base });
    const page = await context.newPage();
    for (let i = 0; i < 3; i++) {
      await page.goto("/signin");
      await page.getByRole("button", { name: "Sign in with Anaplan" }).click();
      await expect(page.getByRole("main").getByRole("alert")).toContainText("declined");
    }
    await simulator.setLoginOutcome("normal");
    const signIns = await db.query(`SELECT outcome, ip FROM audit_events WHERE action = 'user.sign_in'`);
    expect(signIns.rows).toHaveLength(1);
    expect(signIns.rows[0].outcome).toBe("denied");
    expect(signIns.rows[0].ip).toBeTruthy();

    // 9. A member calling an admin's action 50 times: refused each time, one 'denied' row.
    const { context: admin } = await signedIn(browser, USERS.admin, base);
    await signInOn(page, USERS.member);
    expect(
      (await callAction(base, admin, "createTeamAction", [null, form({ name: "Flood", slug: "flood" })])).redirect,
    ).toContain("/teams/flood/identities");
    expect(
      (
        await callAction(base, admin, "addMemberAction", [
          "flood",
          null,
          form({ email: USERS.member.email, role: "member" }),
        ])
      ).text,
    ).toContain('"ok":true');
    const [member] = (await db.query(`SELECT id FROM users WHERE email = $1`, [USERS.member.email])).rows;
    await roomInMinute(15);
    for (let i = 0; i < 50; i++) {
      const answer = await callAction(base, context, "removeMemberAction", ["flood", member.id, null]);
      expect(answer.text).toContain('"ok":false');
    }
    const denied = await db.query(
      `SELECT actor_user_id, ip, details FROM audit_events WHERE action = 'team.member_remove' AND outcome = 'denied'`,
    );
    expect(denied.rows).toHaveLength(1);
    expect(denied.rows[0].actor_user_id).toBe(member.id);
    expect(denied.rows[0].ip).toBeTruthy();
    expect(denied.rows[0].details.reason).toBe("forbidden");
    expect(portal.output()).toContain('"msg":"refused"');

    // Server actions: 600 a minute per user, whatever the action; the refusal says how long to wait. The window is
    // set to 590 calls already made this minute (the same row the portal counts in), so ten more are taken and the
    // eleventh, the minute's 601st, is refused.
    await roomInMinute(10);
    await db.query(
      `INSERT INTO rate_limit_counters (bucket, window_start, count) VALUES ($1, date_trunc('minute', now()), 590)
       ON CONFLICT (bucket, window_start) DO UPDATE SET count = 590`,
      [`actions:${member.id}`],
    );
    let limitedAt = -1;
    for (let i = 0; i <= 20 && limitedAt < 0; i++) {
      const answer = await callAction(base, context, "removeMemberAction", ["flood", member.id, null]);
      if (/Too many requests; wait \d+ s/.test(answer.text)) limitedAt = i;
    }
    expect(limitedAt, "the 601st action of the minute is refused").toBe(10);

    // 11. Invitations: 20 a minute per admin.
    await roomInMinute(10);
    const invites = [];
    for (let i = 0; i < 22; i++) {
      invites.push(
        (
          await callAction(base, admin, "addMemberAction", [
            "flood",
            null,
            form({ email: `p${i}@x.example`, role: "member" }),
          ])
        ).text,
      );
    }
    expect(invites.filter((t) => t.includes('"ok":true'))).toHaveLength(20);
    expect(invites.at(-1)).toContain("Too many invitations");

    // Sign-in starts: 60 a minute per address.
    await roomInMinute(10);
    let busy = "";
    for (let i = 0; i < 62 && !busy; i++) {
      const r = await fetch(`${base}/api/auth/signin/anaplan`, { method: "POST", redirect: "manual" });
      if (r.headers.get("location")?.includes("error=busy")) busy = r.headers.get("location") ?? "";
    }
    expect(busy).toContain("/signin?error=busy");

    // The enrolment status route: 120 reads a minute per session.
    await roomInMinute(15);
    const statuses = [];
    for (let i = 0; i < 125; i++) {
      const r = await page.request.get(`/api/teams/flood/enrolments/00000000-0000-4000-8000-000000000000`);
      statuses.push(r.status());
      if (r.status() === 429) expect(Number(r.headers()["retry-after"])).toBeGreaterThan(0);
    }
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    await Promise.all([context.close(), admin.close()]);
  } finally {
    await simulator.setLoginOutcome("normal").catch(() => {});
    await db.end().catch(() => {});
    await portal.stop();
    await database.stop();
  }
});
