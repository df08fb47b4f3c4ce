// The admin's first steps, as one call each: sign in, create a team, create an identity and enrol it with the
// service account's approval given through the simulator's operator API.
import { expect, type Page } from "@playwright/test";
import { USERS } from "../../../simulator/accounts";
import type { simulatorOperator } from "../../../simulator/operator-client";
import { externalKeyPair } from "../../helpers/certificates";
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

/** A certificate identity for `email`, its key and certificate imported (made as a company's PKI would). */
export async function importedCertificateIdentity(
  page: Page,
  operator: ReturnType<typeof simulatorOperator>,
  slug: string,
  name: string,
  email: string,
) {
  const { privateKey, certificate } = await externalKeyPair(operator, email);
  await page.goto(`/teams/${slug}/identities/new`);
  await page.getByLabel("Name").fill(name);
  await page.getByRole("radio", { name: /CA certificate/ }).check();
  await page.getByLabel("Service account (email)").fill(email);
  await page.getByRole("button", { name: "Create identity" }).click();
  await page.getByText("Import a key and certificate made elsewhere").click();
  await page.getByLabel("Certificate (PEM)", { exact: true }).fill(certificate);
  await page
    .getByLabel("Its private key (PKCS#8 PEM)", { exact: true })
    .fill(privateKey.export({ type: "pkcs8", format: "pem" }).toString());
  await page.getByRole("button", { name: "Import key and certificate" }).click();
  await expect(page.getByLabel("Certificate in use")).toBeVisible();
  return privateKey;
}

/** From the enrolled page (enrolNewIdentity's end): a new API key for the identity, as the page shows it once. */
export async function createApiKey(page: Page, name: string) {
  await page.getByRole("link", { name: "Create an API key" }).click();
  return createApiKeyHere(page, name);
}

/** On an identity's page: a new API key, as the page shows it once. */
export async function createApiKeyHere(page: Page, name: string) {
  await page.getByLabel("Key name").fill(name);
  await page.getByRole("button", { name: "Create API key" }).click();
  const key = (await page.getByLabel("New API key").textContent())?.trim() ?? "";
  expect(key).toMatch(/^atp_/);
  return key;
}
