// PKCE is opt-in: Anaplan documents none, and a server without PKCE support refuses a code_verifier it never asked
// for. The simulator plays both kinds of server; sign-in is tried with ANAPLAN_PKCE on (the simulator default) and
// off (the real-Anaplan default).
import path from "node:path";
import type { Page } from "@playwright/test";
import { USERS } from "../../simulator/accounts";
import { simulatorOperator } from "../../simulator/operator-client";
import { startDatabase, startPortal, waitUntilHealthy } from "./support/portal";
import { SIGNED_IN, signInWithSimulator } from "./support/sign-in";
import { expect, test } from "./support/test";

async function signsIn(page: Page, baseURL: string) {
  await page.goto(`${baseURL}/signin`);
  await signInWithSimulator(page, USERS.member);
  await expect(page).toHaveURL(SIGNED_IN, { timeout: 20_000 });
}

/** Refused at the authorization step or at the code exchange: either way the portal's sign-in page says so. */
async function isRefused(page: Page, baseURL: string) {
  await page.goto(`${baseURL}/signin`);
  await page.getByRole("button", { name: "Sign in with Anaplan" }).click();
  const login = page.getByRole("heading", { name: "Sign in to Anaplan" });
  const alert = page.getByRole("main").getByRole("alert");
  await expect(login.or(alert)).toBeVisible();
  if (await login.isVisible()) {
    await page.getByLabel("Email").fill(USERS.member.email);
    await page.getByLabel("Password").fill(USERS.member.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
  }
  await expect(page).toHaveURL(/\/signin\?(.*&)?error=/, { timeout: 20_000 });
  await expect(alert).toContainText(/could not be (completed|verified)|could not complete/);
}

test("PKCE on: works where PKCE is required, and fails where the server does not support it", async ({
  browser,
  baseURL,
}) => {
  const simulator = simulatorOperator("http://127.0.0.1:3199");
  try {
    await simulator.setPkce("required");
    await signsIn(await (await browser.newContext()).newPage(), baseURL ?? "");
    await simulator.setPkce("unsupported");
    await isRefused(await (await browser.newContext()).newPage(), baseURL ?? "");
  } finally {
    await simulator.setPkce("optional");
  }
});

test("PKCE off (ANAPLAN_PKCE=0): works against a server without PKCE, and is refused where PKCE is required", async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const database = await startDatabase();
  const portal = startPortal({
    port: 3106,
    databaseUrl: database.url,
    dataDir: path.join(database.dir, "data"),
    env: { SIMULATOR_PORT: "3186", ANAPLAN_PKCE: "0" },
  });
  const simulator = simulatorOperator("http://127.0.0.1:3186");
  try {
    await waitUntilHealthy(portal.baseURL);
    await simulator.setPkce("unsupported");
    await signsIn(await (await browser.newContext()).newPage(), portal.baseURL);
    await simulator.setPkce("required");
    await isRefused(await (await browser.newContext()).newPage(), portal.baseURL);
  } finally {
    await portal.stop();
    await database.stop();
  }
});
