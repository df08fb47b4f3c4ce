// /api/auth/session answers from the server-side session row, not only from the cookie: a session the server has
// ended (signed out elsewhere, expired, user disabled) reports no expiry, even though its cookie is still valid. A
// person Anaplan no longer accepts loses the portal session at the next look at Anaplan, told why.
import path from "node:path";
import pg from "pg";
import { USERS } from "../../simulator/accounts";
import { simulatorOperator } from "../../simulator/operator-client";
import { startDatabase, startPortal, waitUntilHealthy } from "./support/portal";
import { SIGNED_IN, signedIn } from "./support/sign-in";
import { expect, test } from "./support/test";

/** Anaplan may still remember this browser: its login page shows only when it does not. */
async function signInAgain(page: import("@playwright/test").Page) {
  await page.goto("/signin");
  await page.getByRole("button", { name: "Sign in with Anaplan" }).click();
  const login = page.getByRole("heading", { name: "Sign in to Anaplan" });
  if (await login.isVisible({ timeout: 5000 }).catch(() => false)) {
    await page.getByLabel("Email").fill(USERS.member.email);
    await page.getByLabel("Password").fill(USERS.member.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
  }
  await expect(page).toHaveURL(SIGNED_IN, { timeout: 20_000 });
}

test("an ended session's cookie gets no expiry from /api/auth/session", async ({ browser }) => {
  test.setTimeout(120_000);
  const database = await startDatabase();
  const portal = startPortal({
    port: 3107,
    databaseUrl: database.url,
    dataDir: path.join(database.dir, "data"),
    env: { SIMULATOR_PORT: "3170" },
  });
  const db = new pg.Client({ connectionString: database.url });
  try {
    await waitUntilHealthy(portal.baseURL);
    const { context, page } = await signedIn(browser, USERS.member, portal.baseURL);
    const live = await (await page.request.get("/api/auth/session")).json();
    expect(Date.parse(live.expires)).toBeGreaterThan(Date.now());

    await db.connect();
    // Signing in again in the same browser (here after going idle) replaces the session: the old one ends at
    // once, its grant revoked, without waiting for the background worker.
    const [first] = (await db.query(`SELECT id FROM user_sessions ORDER BY created_at`)).rows;
    await db.query(`UPDATE user_sessions SET last_seen_at = now() - interval '31 minutes'`);
    await signInAgain(page);
    const sessions = await db.query(
      `SELECT s.id, s.revoked_at, g.status, g.refresh_token FROM user_sessions s JOIN grants g ON g.id = s.grant_id
       ORDER BY s.created_at`,
    );
    expect(sessions.rows).toHaveLength(2);
    expect(sessions.rows[0].id).toBe(first.id);
    expect(sessions.rows[0].revoked_at).not.toBeNull();
    expect(sessions.rows[0].status).toBe("revoked");
    expect(sessions.rows[0].refresh_token).toBeNull();
    expect(sessions.rows[1].revoked_at).toBeNull();

    await db.query("UPDATE user_sessions SET revoked_at = now()");
    expect(await (await page.request.get("/api/auth/session")).json()).toEqual({});
    await page.goto("/profile");
    await expect(page).toHaveURL(/\/signin/);

    // Removed at Anaplan (every grant of the person revoked there): the next look at Anaplan ends the portal
    // session, the sign-in page says why, and no other page works any more.
    await signInAgain(page);
    await page.goto("/teams");
    await expect(page).toHaveURL(/\/teams$/);
    await simulatorOperator("http://127.0.0.1:3170").revokeGrants({ user: "member" });
    await page.goto("/profile");
    await expect(page).toHaveURL(/\/signin$/);
    await expect(page.getByRole("main").getByRole("alert")).toContainText(
      "Your portal session has ended. Anaplan no longer accepts your sign-in",
    );
    await page.screenshot({ path: "test-results/screenshots/session-ended-by-anaplan.png", fullPage: true });
    await page.goto("/teams");
    await expect(page).toHaveURL(/\/signin/);
    const ended = await db.query(
      `SELECT s.end_reason, g.status FROM user_sessions s JOIN grants g ON g.id = s.grant_id ORDER BY s.created_at DESC LIMIT 1`,
    );
    expect(ended.rows[0].end_reason).toMatch(/Anaplan no longer accepts/);
    expect(ended.rows[0].status).toBe("revoked");
    const audited = await db.query(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'user.session_ended'`);
    expect(audited.rows[0].n).toBe(1);
    await context.close();
  } finally {
    await db.end().catch(() => {});
    await portal.stop();
    await database.stop();
  }
});
