import { type Browser, expect, type Page } from "@playwright/test";
import type { SimulatorUser } from "../../../simulator/accounts";

/** Where sign-in lands: the list of teams, or the only team's dashboard. */
export const SIGNED_IN = /\/teams(\/[a-z0-9-]+\/identities)?$/;

/** From a portal page showing "Sign in with Anaplan", through the simulator's login page, as `user`. */
export async function signInWithSimulator(page: Page, user: SimulatorUser) {
  await page.getByRole("button", { name: "Sign in with Anaplan" }).click();
  await expect(page.getByRole("heading", { name: "Sign in to Anaplan" })).toBeVisible();
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

/** On `page`: open the sign-in page, sign in as `user`, and land signed in. */
export async function signInOn(page: Page, user: SimulatorUser) {
  await page.goto("/signin");
  await signInWithSimulator(page, user);
  await expect(page).toHaveURL(SIGNED_IN);
}

/** A browser context of its own, signed in as `user` (on `baseURL`, or the suite's portal). */
export async function signedIn(browser: Browser, user: SimulatorUser, baseURL?: string) {
  const context = await browser.newContext(baseURL ? { baseURL } : {});
  const page = await context.newPage();
  await signInOn(page, user);
  return { context, page };
}
