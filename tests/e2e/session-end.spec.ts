// /api/auth/session answers from the server-side session row, not only from the cookie: a session the server has
// ended (signed out elsewhere, expired, user disabled) reports no expiry, even though its cookie is still valid.
import path from "node:path";
import { expect, test } from "@playwright/test";
import pg from "pg";
import { USERS } from "../../lib/simulator/accounts";
import { startDatabase, startPortal, waitUntilHealthy } from "./support/portal";
import { signInWithSimulator } from "./support/sign-in";

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
    const context = await browser.newContext({ baseURL: portal.baseURL });
    const page = await context.newPage();
    await page.goto("/signin");
    await signInWithSimulator(page, USERS.member);
    await expect(page).toHaveURL(/\/profile$/);
    const live = await (await page.request.get("/api/auth/session")).json();
    expect(Date.parse(live.expires)).toBeGreaterThan(Date.now());

    await db.connect();
    await db.query("UPDATE user_sessions SET revoked_at = now()");
    expect(await (await page.request.get("/api/auth/session")).json()).toEqual({});
    await page.goto("/profile");
    await expect(page).toHaveURL(/\/signin/);
    await context.close();
  } finally {
    await db.end().catch(() => {});
    await portal.stop();
    await database.stop();
  }
});
