// The admin's first steps, as one call each: sign in, create a team, create an identity and enrol it with the
// service account's approval given through the simulator's operator API.
import { expect, type Page } from "@playwright/test";
import { USERS } from "../../../simulator/accounts";
import type { simulatorOperator } from "../../../simulator/operator-client";
import { SIGNED_IN, signInWithSimulator } from "./sign-in";

export async function adminWithTeam(page: Page, team: { name: string; slug: string }) {
  await page.goto("/signin");
  await signInWithSimulator(page, USERS.admin);
  await expect(page).toHaveURL(SIGNED_IN);
  await page.goto("/teams");
  await page.getByLabel("Team name").fill(team.name);
  await page.getByLabel("Slug (used in links)").fill(team.slug);
  await page.getByRole("button", { name: "Create team" }).click();
  // A new team opens at once, on its dashboard.
  await expect(page).toHaveURL(new RegExp(`/teams/${team.slug}/identities$`));
}

/** Ends on the enrolment page showing "Enrolled: the identity is active". */
export async function enrolNewIdentity(
  page: Page,
  operator: ReturnType<typeof simulatorOperator>,
  slug: string,
  name: string,
) {
  await page.goto(`/teams/${slug}/identities/new`);
  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Create identity" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(name);
  await page.getByRole("button", { name: "Enrol" }).click();
  await operator.approve((await page.getByLabel("User code").textContent())?.trim() ?? "", "service");
  await expect(page.getByRole("heading", { name: "Enrolled: the identity is active" })).toBeVisible({
    timeout: 20_000,
  });
}

/** From the enrolled page (enrolNewIdentity's end): a new API key for the identity, as the page shows it once. */
export async function createApiKey(page: Page, name: string) {
  await page.getByRole("link", { name: "Create an API key" }).click();
  await page.getByLabel("Key name").fill(name);
  await page.getByRole("button", { name: "Create API key" }).click();
  const key = (await page.getByLabel("New API key").textContent())?.trim() ?? "";
  expect(key).toMatch(/^atp_/);
  return key;
}
