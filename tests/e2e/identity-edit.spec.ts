// Editing an identity changes what was edited and nothing else: every other setting round-trips through the edit
// form (Rotatable or not, the TTL, the region, the expected account). And a freshly enrolled identity's expiry is
// said calmly while the client's refresh-token lifetime is not known yet (screenshots kept as CI artefacts).
import type { Page } from "@playwright/test";
import { simulatorOperator } from "../../simulator/operator-client";
import { adminWithTeam, enrolNewIdentity } from "./support/flows";
import { expect, test } from "./support/test";

const operator = simulatorOperator("http://127.0.0.1:3199");
const SLUG = "edits";
const SCREENSHOTS = "test-results/screenshots";

type Settings = { rotatable: boolean; ttl: string; region: string; expected: string; description: string };

async function readForm(page: Page): Promise<Settings> {
  return {
    rotatable: await page.getByLabel("The client's refresh tokens are Rotatable").isChecked(),
    ttl: await page.getByLabel("Refresh-token TTL in seconds").inputValue(),
    region: await page.getByLabel("Anaplan region").inputValue(),
    expected: await page.getByLabel("Expected service account (email)").inputValue(),
    description: await page.getByLabel("Description").inputValue(),
  };
}

async function createIdentity(page: Page, name: string, settings: Settings) {
  await page.goto(`/teams/${SLUG}/identities/new`);
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Description").fill(settings.description);
  await page.getByLabel("Expected service account (email)").fill(settings.expected);
  await page.getByText("Advanced: OAuth client settings").click();
  await page.getByLabel("Anaplan region").selectOption(settings.region);
  await page.getByLabel("The client's refresh tokens are Rotatable").setChecked(settings.rotatable);
  await page.getByLabel("Refresh-token TTL in seconds").fill(settings.ttl);
  await page.getByRole("button", { name: "Create identity" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(name);
}

test("an edit of one field keeps every other; the summary names Non-Rotatable clients", async ({ page }) => {
  await adminWithTeam(page, { name: "Edits", slug: SLUG });
  const cases: [string, Settings][] = [
    ["rotating", { rotatable: true, ttl: "7200", region: "eu3", expected: "svc@example.com", description: "a" }],
    ["fixed", { rotatable: false, ttl: "", region: "us9", expected: "", description: "b" }],
  ];
  for (const [name, settings] of cases) {
    await createIdentity(page, name, settings);
    const identityUrl = page.url();
    await page.getByRole("link", { name: "Edit", exact: true }).click();
    await page.getByText("Advanced: OAuth client settings").click();
    expect(await readForm(page), `${name}: the edit form shows what was saved`).toEqual(settings);
    await expect(page.getByRole("main").locator("summary")).toContainText(
      settings.rotatable ? "Rotatable · TTL 7200 s" : "Non-Rotatable",
    );
    await page.screenshot({ path: `${SCREENSHOTS}/identity-edit-${name}-desk.png`, fullPage: true });

    await page.getByLabel("Description").fill(`${settings.description} edited`);
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page).toHaveURL(identityUrl);
    await page.goto(`${identityUrl}/edit`);
    await page.getByText("Advanced: OAuth client settings").click();
    expect(await readForm(page), `${name}: only the description changed`).toEqual({
      ...settings,
      description: `${settings.description} edited`,
    });
  }
});

test("a look-alike of an existing name is refused with a sentence: capital I for l", async ({ page }) => {
  await adminWithTeam(page, { name: "Lookalikes", slug: "lookalikes" });
  await page.goto("/teams/lookalikes/identities/new");
  await page.getByLabel("Name").fill("nightly");
  await page.getByRole("button", { name: "Create identity" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("nightly");
  await page.goto("/teams/lookalikes/identities/new");
  await page.getByLabel("Name").fill("nightIy");
  await page.getByRole("button", { name: "Create identity" }).click();
  await expect(page.getByText("Taken (or looks the same as an existing name).")).toBeVisible();
  await expect(page.getByLabel("Name"), "what was typed is kept").toHaveValue("nightIy");
  await page.screenshot({ path: `${SCREENSHOTS}/identity-lookalike-refused-desk.png`, fullPage: true });
});

test("a freshly enrolled identity on Anaplan's default TTL shows its end calmly until the lifetime is learned", async ({
  page,
}) => {
  await adminWithTeam(page, { name: "Calm", slug: "calm" });
  await enrolNewIdentity(page, operator, "calm", "fresh");
  await page.goto("/teams/calm/identities");
  await page.getByRole("link", { name: "fresh", exact: true }).first().click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("fresh");
  await expect(
    page.getByText("Renewed by the keep-alive; if this client's chains are absolute, re-enrol before"),
  ).toBeVisible();
  await expect(page.getByText(/Not known yet: assumed absolute/)).toBeVisible();
  await expect(page.getByText(/within \d+ days?/)).toHaveCount(0);
  await page.screenshot({ path: `${SCREENSHOTS}/identity-fresh-expiry-desk.png`, fullPage: true });
  // Its history is one click away: the team's audit trail filtered to this identity.
  await page.getByRole("link", { name: "History" }).click();
  await expect(page).toHaveURL(/\/teams\/calm\/audit\?identity=[0-9a-f-]{36}$/);
  await expect(page.getByRole("table").getByRole("cell", { name: "identity.create", exact: true })).toBeVisible();
  await page.goto("/teams/calm/identities");
  await expect(page.getByText("if absolute (not known yet)").first()).toBeVisible();
  await expect(page.getByText(/within \d+ days?/)).toHaveCount(0);
  await page.screenshot({ path: `${SCREENSHOTS}/dashboard-fresh-expiry-desk.png`, fullPage: true });
});
